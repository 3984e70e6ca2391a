// The best algorithm per size (sim/experiment/best) and the schedule bound that lets it skip candidates
// (sim/engine/schedule_bound): the bound is never above what either engine gives, equals the closed form where
// nothing is shared, and pruning never changes the answer of the full search.
#include <catch2/catch.hpp>

#include <cmath>

#include "sim/engine/schedule_bound.hpp"
#include "sim/experiment/best.hpp"
#include "topologies/generators/generators.hpp"

using namespace snsim;

namespace {

const LinkSpec k50{50e9, 300e-9, LinkKind::Electrical};
const LinkSpec k25far{25e9, 900e-9, LinkKind::Optical};

std::vector<Topology> small_fabrics() {
    std::vector<Topology> out;
    out.push_back(switched({8, 2, 1, 1, k50}));
    out.push_back(full_mesh({6, 1, k50}));
    out.push_back(torus({{4, 2}, true, {}, 1, k50}));
    out.push_back(clos({.nodes = 3,
                        .chips_per_node = 4,
                        .planes = 2,
                        .leaves_per_node = 1,
                        .links_per_chip_per_plane = 2,
                        .spines_per_plane = 2,
                        .oversubscription = 2,
                        .link = k50,
                        .uplink = k25far}));
    return out;
}

Experiment experiment(Collective collective, EngineKind engine, std::vector<double> sizes) {
    Experiment x;
    x.collective = collective;
    x.sizes = std::move(sizes);
    x.engine.kind = engine;
    x.engine.alpha_s = 1e-6;
    return x;
}

} // namespace

TEST_CASE("schedule bound: never above either engine's time, every algorithm", "[best][bound]") {
    const auto fabrics = small_fabrics();
    for (std::size_t i = 0; i < fabrics.size(); ++i) {
        const Topology& t = fabrics[i];
        const auto chips = t.nodes_of(NodeKind::Chip);
        const auto p = static_cast<Rank>(chips.size());
        for (Algorithm a : kAlgorithms)
            for (Collective c : collectives_of(a)) {
                if (a == Algorithm::in_switch || a == Algorithm::hierarchical || a == Algorithm::multidim)
                    continue; // need switches, dims
                if ((a == Algorithm::recursive_doubling || a == Algorithm::halving_doubling) && (p & (p - 1)))
                    continue;
                for (EngineKind engine : {EngineKind::simgrid, EngineKind::analytic}) {
                    // The discrete-event engine (a process per run) on the fabrics with contention and planes.
                    if (engine == EngineKind::simgrid && i % 3 != 0) continue;
                    INFO(t.kind() << " " << to_string(a) << " " << to_string(c) << " " << to_string(engine));
                    Router router(t, {});
                    const Schedule s = build_schedule(c, a, p, {.bytes = 3e6, .chunks = 2});
                    const EngineOptions options{.kind = engine, .alpha_s = 1e-6, .efficiency = 0.9};
                    const double bound = engine::schedule_lower_bound(t, router, s, chips, options);
                    const double time = simulate(t, router, s, chips, options).time_s;
                    CHECK(bound > 0);
                    CHECK(bound <= time * (1 + 1e-9));
                }
            }
    }
}

TEST_CASE("schedule bound: a ring allreduce on a ring is its closed form 2(p-1)(a + L + S/(pB))", "[best][bound]") {
    // Every flow crosses one cable alone: the longest chain is the whole time, and the engines give exactly it.
    const Topology t = torus({{8}, true, {}, 1, k50});
    const auto chips = t.nodes_of(NodeKind::Chip);
    const double S = 64e6, alpha = 2e-6, p = 8;
    Router router(t, {RouteStrategy::Shortest, 0});
    const Schedule s = build_schedule(Collective::allreduce, Algorithm::ring, 8, {.bytes = S});
    const double closed = 2 * (p - 1) * (alpha + k50.latency_s + S / (p * k50.bytes_per_s));
    for (EngineKind engine : {EngineKind::simgrid, EngineKind::analytic}) {
        const EngineOptions options{.kind = engine, .alpha_s = alpha};
        CHECK(engine::schedule_lower_bound(t, router, s, chips, options) == Approx(closed).epsilon(1e-12));
    }
    // The cable term: alltoall on one switch, every chip's cable carries (p-1) S/p each way, from the moment the
    // first bytes arrive (two cables' latency).
    const Topology sw = switched({8, 1, 1, 1, k50});
    Router sw_router(sw, {});
    const Schedule a2a = build_schedule(Collective::alltoall, Algorithm::direct, 8, {.bytes = S});
    const double cable = 2 * k50.latency_s + (p - 1) * S / p / k50.bytes_per_s;
    CHECK(engine::schedule_lower_bound(sw, sw_router, a2a, sw.nodes_of(NodeKind::Chip), {}) ==
          Approx(cable).epsilon(1e-12));
}

TEST_CASE("best: pruning by bounds never changes the chosen algorithm or time", "[best]") {
    std::size_t pruned = 0;
    const auto fabrics = small_fabrics();
    for (std::size_t i = 0; i < fabrics.size(); ++i) {
        const Topology& t = fabrics[i];
        const auto chips = t.nodes_of(NodeKind::Chip);
        for (Collective c : {Collective::allreduce, Collective::allgather, Collective::alltoall,
                             Collective::broadcast})
            for (EngineKind engine : {EngineKind::simgrid, EngineKind::analytic}) {
                // The discrete-event engine (a process per run) on the Clos only, for two collectives.
                if (engine == EngineKind::simgrid &&
                    (i != 3 || c == Collective::allgather || c == Collective::broadcast))
                    continue;
                INFO(t.kind() << " " << to_string(c) << " " << to_string(engine));
                const Experiment x = experiment(c, engine, {4e3, 1e6, 64e6});
                const BestResult full = run_best(t, chips, x, {}, false);
                const BestResult fast = run_best(t, chips, x, {}, true);
                REQUIRE(full.result.rows.size() == 3);
                REQUIRE(fast.result.rows.size() == 3);
                CHECK(full.pruned == 0);
                CHECK(fast.timed + fast.pruned == full.timed);
                for (std::size_t i = 0; i < 3; ++i) {
                    CHECK(fast.result.rows[i].algorithm == full.result.rows[i].algorithm);
                    CHECK(fast.result.rows[i].time_s == full.result.rows[i].time_s);
                }
                CHECK(fast.result.cables.size() == full.result.cables.size());
                pruned += fast.pruned;
            }
    }
    CHECK(pruned > 10); // the check above is not vacuous: many runs were skipped
}

TEST_CASE("best: rows are handed over as timed and decided, and a stop keeps the sizes decided", "[best]") {
    const Topology t = switched({8, 2, 1, 1, k50});
    const auto chips = t.nodes_of(NodeKind::Chip);
    const Experiment x = experiment(Collective::allreduce, EngineKind::analytic, {1e3, 1e6, 1e9});
    std::vector<std::string> events;
    BestEvents e;
    e.timed = [&](const report::RunRow& row) { events.push_back("timed " + row.algorithm); };
    e.decided = [&](const report::RunRow& row) { events.push_back("decided " + row.algorithm); };
    e.stop = [&] { return std::count_if(events.begin(), events.end(), [](const std::string& s) {
                          return s.starts_with("decided");
                      }) == 2; };
    const BestResult r = run_best(t, chips, x, e);
    REQUIRE(r.result.rows.size() == 2); // stopped before the third size
    // Every decided row follows the timed rows of its size and is the fastest of them.
    CHECK(events.back().starts_with("decided"));
    CHECK(std::count_if(events.begin(), events.end(), [](const std::string& s) { return s.starts_with("timed"); }) ==
          static_cast<long>(r.timed));
    const BestResult whole = run_best(t, chips, x, {});
    REQUIRE(whole.result.rows.size() == 3);
    CHECK(whole.result.rows[1].algorithm == r.result.rows[1].algorithm);
}
