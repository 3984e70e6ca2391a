// Step coalescing (sim/engine/lockstep.hpp, Flow::rounds): a ring phase whose steps provably run in lockstep is
// simulated as one flow per pair, and gives the same times as simulating every step, on both engines. Where the
// proof does not hold (unequal latencies, a slower cable, a phase after one that was not in lockstep), nothing is
// coalesced; and coalescing such a phase anyway would give a different time, which is what the test guards.
#include <catch2/catch.hpp>

#include "sim/collectives/collective.hpp"
#include "sim/engine/engine.hpp"
#include "sim/engine/lockstep.hpp"
#include "support.hpp"
#include "topologies/faults.hpp"
#include "topologies/generators/generators.hpp"

using namespace snsim;

namespace {

constexpr double kB = 100e9, kLat = 500e-9;
const LinkSpec k100{kB, kLat, LinkKind::Electrical};

double relative(double got, double want) {
    return std::abs(got - want) / want;
}

struct Runs {
    Schedule coalesced, stepwise;
    double coalesced_s = 0, stepwise_s = 0;
};

// Builds the schedule with and without the lockstep test and simulates both on `engine`. `force`: coalesce every
// phase without asking (what the test must prevent where lockstep does not hold).
Runs run_both(const Topology& t, Collective collective, Algorithm algorithm, CollectiveParams params, EngineKind engine,
              double alpha_s = 0, bool force = false, RoutingOptions routing = {}) {
    Router router(t, routing);
    const auto chips = t.nodes_of(NodeKind::Chip);
    const auto p = static_cast<Rank>(chips.size());
    const Schedule stepwise = build_schedule(collective, algorithm, p, params);
    params.lockstep = [&](std::span<const RankPair> messages) {
        return force || engine::runs_in_lockstep(t, router, chips, messages);
    };
    Schedule coalesced = build_schedule(collective, algorithm, p, params);
    const EngineOptions options{.kind = engine, .alpha_s = alpha_s};
    Runs runs{std::move(coalesced), stepwise};
    runs.coalesced_s = simulate(t, router, runs.coalesced, chips, options).time_s;
    runs.stepwise_s = simulate(t, router, runs.stepwise, chips, options).time_s;
    CHECK(runs.coalesced.uncoalesced_size() == runs.stepwise.size());
    CHECK(relative(runs.coalesced.total_bytes(), runs.stepwise.total_bytes()) < 1e-12);
    CHECK(runs.coalesced.steps() == runs.stepwise.steps());
    return runs;
}

std::size_t rounds_above_one(const Schedule& s) {
    return static_cast<std::size_t>(
        std::count_if(s.flows().begin(), s.flows().end(), [](const Flow& f) { return f.rounds > 1; }));
}

} // namespace

TEST_CASE("coalescing: phases in lockstep become one flow per pair, with the same time on both engines", "[coalesce]") {
    const auto engine = GENERATE(EngineKind::simgrid, EngineKind::analytic);
    const double alpha = GENERATE(0.0, 2e-6);
    INFO(to_string(engine) << " alpha " << alpha);

    SECTION("ring allreduce on a two-plane switched fabric: 2 flows per chip instead of 2(p-1)") {
        const Topology t = switched({.chips = 16, .planes = 2, .link = k100});
        const Runs r = run_both(t, Collective::allreduce, Algorithm::ring, {.bytes = 64e6}, engine, alpha);
        CHECK(r.coalesced.size() == 32);
        CHECK(r.stepwise.size() == 2 * 16 * 15);
        CHECK(relative(r.coalesced_s, r.stepwise_s) < 1e-9);
        // The closed form of a ring on a switch: 2(p-1)(alpha + 2L + S/(pB)).
        CHECK(relative(r.coalesced_s, 30 * (alpha + 2 * kLat + 64e6 / 16 / (2 * kB))) < 1e-9);
    }
    SECTION("bidirectional and multi-channel rings on a torus") {
        const Topology t = torus({.dims = {8}, .link = k100});
        const Runs bidir =
            run_both(t, Collective::allreduce, Algorithm::bidirectional_ring, {.bytes = 8e6}, engine, alpha);
        CHECK(bidir.coalesced.size() == 2 * 2 * 8);
        CHECK(relative(bidir.coalesced_s, bidir.stepwise_s) < 1e-9);
        const Runs multi = run_both(t, Collective::reduce_scatter, Algorithm::multi_ring, {.bytes = 8e6, .channels = 3},
                                    engine, alpha);
        CHECK(multi.coalesced.size() == 3 * 8);
        CHECK(relative(multi.coalesced_s, multi.stepwise_s) < 1e-9);
    }
    SECTION("hierarchical allreduce on a two-plane Clos with spines shared by the racks' rings") {
        const Topology t = clos({.nodes = 4,
                                 .chips_per_node = 4,
                                 .planes = 2,
                                 .spines_per_plane = 4,
                                 .link = k100,
                                 .uplink = {kB, 3 * kLat, LinkKind::Optical}});
        // Sprayed, every rack's ring crosses every spine evenly, so each phase runs in lockstep; hashed ecmp puts
        // two rings' stripes on one spine cable here and there, and the phase across racks is simulated stepwise.
        const Runs r = run_both(t, Collective::allreduce, Algorithm::hierarchical, {.bytes = 32e6, .dims = {4, 4}},
                                engine, alpha, false, {RouteStrategy::Spray, 0});
        CHECK(r.coalesced.size() == 4 * 16);
        CHECK(relative(r.coalesced_s, r.stepwise_s) < 1e-9);
    }
    SECTION("hierarchical allgather on an nD full mesh joined by switch chips (the Atlas 950 design, smaller)") {
        const Topology t = nd_fullmesh({.dims = {2, 4, 3},
                                        .links_per_pair_by_dim = {1, 1, 0},
                                        .link = k100,
                                        .switches = 2,
                                        .switch_links_per_chip = 2,
                                        .switch_link = {kB, 2 * kLat, LinkKind::Electrical}});
        const Runs r = run_both(t, Collective::allgather, Algorithm::hierarchical, {.bytes = 24e6, .dims = {2, 4, 3}},
                                engine, alpha);
        CHECK(r.coalesced.size() == 3 * 24);
        CHECK(relative(r.coalesced_s, r.stepwise_s) < 1e-9);
    }
}

TEST_CASE("coalescing: nothing is coalesced where lockstep does not hold, and forcing it would change the time",
          "[coalesce]") {
    const auto engine = GENERATE(EngineKind::simgrid, EngineKind::analytic);
    INFO(to_string(engine));

    SECTION("a ring across nodes: the steps between nodes have a longer latency than those within") {
        const Topology t =
            clos({.nodes = 4, .chips_per_node = 4, .link = k100, .uplink = {kB, 4 * kLat, LinkKind::Optical}});
        const Runs r = run_both(t, Collective::allreduce, Algorithm::ring, {.bytes = 1e6}, engine);
        CHECK(rounds_above_one(r.coalesced) == 0);
        CHECK(r.coalesced_s == r.stepwise_s);
        const Runs forced = run_both(t, Collective::allreduce, Algorithm::ring, {.bytes = 1e6}, engine, 0, true);
        CHECK(relative(forced.coalesced_s, forced.stepwise_s) > 1e-3);
    }
    SECTION("one degraded cable in a torus ring sets the pace of its stripes only") {
        const Topology healthy = torus({.dims = {8}, .link = k100});
        FaultSpec spec;
        spec.degraded.links = {"c0 - c1"};
        const Topology t = apply_faults(healthy, spec);
        const Runs r = run_both(t, Collective::allreduce, Algorithm::ring, {.bytes = 8e6}, engine);
        CHECK(rounds_above_one(r.coalesced) == 0);
        CHECK(r.coalesced_s == r.stepwise_s);
        const Runs forced = run_both(t, Collective::allreduce, Algorithm::ring, {.bytes = 8e6}, engine, 0, true);
        CHECK(relative(forced.coalesced_s, forced.stepwise_s) > 1e-3);
    }
    SECTION("hierarchical: a degraded spine breaks lockstep across racks; the phases within racks before it are "
            "still coalesced, and every phase after it is not") {
        const Topology healthy = clos({.nodes = 4,
                                       .chips_per_node = 4,
                                       .planes = 2,
                                       .spines_per_plane = 4,
                                       .link = k100,
                                       .uplink = {kB, 3 * kLat, LinkKind::Optical}});
        FaultSpec spec;
        spec.degraded.switches = {"p0.spine0"};
        const Topology t = apply_faults(healthy, spec);
        const Runs r =
            run_both(t, Collective::allreduce, Algorithm::hierarchical, {.bytes = 32e6, .dims = {4, 4}}, engine);
        CHECK(rounds_above_one(r.coalesced) == 16); // the reduce-scatter within racks only
        CHECK(r.coalesced.size() == 16 + 3 * 16 * 3);
        CHECK(relative(r.coalesced_s, r.stepwise_s) < 1e-9);
    }
}

TEST_CASE("coalescing: the lockstep test", "[coalesce]") {
    const Topology t = switched({.chips = 4, .planes = 2, .link = k100});
    Router router(t, {});
    const auto chips = t.nodes_of(NodeKind::Chip);
    const std::vector<RankPair> ring{{0, 1}, {1, 2}, {2, 3}, {3, 0}};
    CHECK(engine::runs_in_lockstep(t, router, chips, ring));
    CHECK(engine::runs_in_lockstep(t, router, chips, {}));
    // Two messages into chip 1 share its two downlinks: both at half rate, still together.
    CHECK(engine::runs_in_lockstep(t, router, chips, std::vector<RankPair>{{0, 1}, {2, 1}}));
    // Chip 1's downlinks carry two stripes each, chip 3's uplinks and chip 0's downlinks one: the message from 3
    // runs at twice the rate.
    CHECK_FALSE(engine::runs_in_lockstep(t, router, chips, std::vector<RankPair>{{0, 1}, {2, 1}, {3, 0}}));
}

TEST_CASE("coalescing: --no-coalesce gives the same CSV with every step simulated", "[coalesce][cli]") {
    test::TempDir dir;
    const std::string preset = std::string(SNSIM_SOURCE_DIR) + "/configs/presets/gb200_nvl72.yaml";
    const auto a = test::run_snsim("-v run " + preset + " --sizes 1M,1G --csv " + dir.file("a.csv"));
    const auto b = test::run_snsim("-v run " + preset + " --sizes 1M,1G --no-coalesce --csv " + dir.file("b.csv"));
    REQUIRE(a.exit_code == 0);
    REQUIRE(b.exit_code == 0);
    CHECK(test::slurp(dir.file("a.csv")) == test::slurp(dir.file("b.csv")));
    CHECK(a.output.find("144 flows (144 coalesced from 10224)") != std::string::npos);
    CHECK(b.output.find("10224 flows (0 coalesced from 10224)") != std::string::npos);
}
