// multidim on real topologies: the dimension paths the experiment derives from the cables (sim/experiment/
// dimension_paths.hpp), and allreduce times against closed forms on both engines, with and without coalescing.
#include <catch2/catch.hpp>

#include "sim/collectives/algorithms/multidim_plan.hpp"
#include "sim/collectives/collective.hpp"
#include "sim/engine/engine.hpp"
#include "sim/engine/lockstep.hpp"
#include "sim/experiment/dimension_paths.hpp"
#include "support.hpp"
#include "topologies/errors.hpp"
#include "topologies/generators/generators.hpp"

using namespace snsim;

namespace {

constexpr double kB = 50e9, kLat = 200e-9, kS = 256.0 * 1024 * 1024;
const LinkSpec kLink{kB, kLat, LinkKind::Electrical};

void check_path(const DimPath& got, DimKind kind, double bytes_per_s, Rank cables) {
    CHECK(got.kind == kind);
    CHECK(got.bytes_per_s == Approx(bytes_per_s));
    CHECK(got.cables == cables);
}

// The multidim allreduce of `bytes` on every chip of `t`, over `dims` (empty: the grid its coordinates give).
double allreduce_time(const Topology& t, EngineKind engine, bool coalesce, std::size_t* coalesced = nullptr,
                      std::vector<Rank> dims = {}, double bytes = kS) {
    Router router(t, {});
    const auto chips = t.nodes_of(NodeKind::Chip);
    CollectiveParams params{.bytes = bytes, .dims = dims.empty() ? grid_dims(t, chips) : dims};
    params.dim_paths = dimension_paths(t, chips, params.dims);
    if (coalesce)
        params.lockstep = [&](std::span<const RankPair> messages) {
            return engine::runs_in_lockstep(t, router, chips, messages);
        };
    const Schedule s =
        build_schedule(Collective::allreduce, Algorithm::multidim, static_cast<Rank>(chips.size()), params);
    if (coalesced) *coalesced = s.size();
    return simulate(t, router, s, chips, {.kind = engine}).time_s;
}

} // namespace

TEST_CASE("multidim: dimension paths come from the cables between the ranks of each line", "[multidim]") {
    const Topology torus = snsim::torus({.dims = {4, 4}, .link = kLink});
    const auto torus_chips = torus.nodes_of(NodeKind::Chip);
    CHECK(grid_dims(torus, torus_chips) == std::vector<Rank>{4, 4});
    const auto t = dimension_paths(torus, torus_chips, {4, 4});
    check_path(t[0], DimKind::ring, 2 * kB, 0); // to the next and the previous chip
    check_path(t[1], DimKind::ring, 2 * kB, 1);

    const Topology mesh = snsim::torus({.dims = {4, 4}, .wrap = false, .link = kLink});
    check_path(dimension_paths(mesh, mesh.nodes_of(NodeKind::Chip), {4, 4})[0], DimKind::ring, kB, 0);

    const LinkSpec up{2 * kB, kLat, LinkKind::Electrical};
    const Topology nd = nd_fullmesh({.dims = {4, 4, 2},
                                     .links_per_pair_by_dim = {1, 2, 0},
                                     .link = kLink,
                                     .switches = 2,
                                     .switch_links_per_chip = 2,
                                     .switch_link = up});
    const auto nd_chips = nd.nodes_of(NodeKind::Chip);
    const auto n = dimension_paths(nd, nd_chips, grid_dims(nd, nd_chips));
    check_path(n[0], DimKind::direct, 3 * kB, 0); // 3 peers, one cable each
    check_path(n[1], DimKind::direct, 6 * kB, 1); // 3 peers, two cables each
    check_path(n[2], DimKind::direct, 4 * kB, 3); // through the switch tier: 2 cables of 2 kB, shared id
    const auto split = dimension_paths(nd, nd_chips, {2, 2, 4, 2}); // a rank grid finer than the topology's
    check_path(split[0], DimKind::direct, kB, 0);
    check_path(split[2], DimKind::direct, 6 * kB, 2);
    check_path(split[3], DimKind::direct, 4 * kB, 4);

    const Topology mesh8 = full_mesh({.chips = 8, .link = kLink});
    const auto mesh8_chips = mesh8.nodes_of(NodeKind::Chip);
    CHECK(grid_dims(mesh8, mesh8_chips) == std::vector<Rank>{8});
    check_path(dimension_paths(mesh8, mesh8_chips, {8})[0], DimKind::direct, 7 * kB, 0);

    const Topology star = switched({.chips = 8, .link = kLink});
    CHECK_THROWS_AS(grid_dims(star, star.nodes_of(NodeKind::Chip)), InputError);
    CHECK_THROWS_WITH(grid_dims(star, star.nodes_of(NodeKind::Chip)),
                      Catch::Contains("collective.dims") && Catch::Contains("no coordinates"));
}

TEST_CASE("multidim: allreduce times match closed forms on both engines", "[multidim]") {
    const auto engine = GENERATE(EngineKind::simgrid, EngineKind::analytic);
    INFO(to_string(engine));
    SECTION("full mesh of 8: a direct reduce-scatter and allgather, every cable busy: at the injection bound") {
        const Topology t = full_mesh({.chips = 8, .link = kLink});
        CHECK(allreduce_time(t, engine, true) == Approx(2 * (kLat + kS / 8 / kB)).epsilon(1e-9));
    }
    SECTION("4 x 4 torus: four quarter slices on both directions of both dimensions") {
        // Slot 0: each quarter's ring reduce-scatter along its first dimension, 3 steps of S/16 on one cable
        // direction each; slot 1: its second dimension, 3 steps of S/64; then the allgather back. The bound is
        // 2 (15/16) S / 4B = 15 S / 32 B.
        const Topology t = snsim::torus({.dims = {4, 4}, .link = kLink});
        const double want = 12 * kLat + 6 * kS / 16 / kB + 6 * kS / 64 / kB;
        CHECK(want - 12 * kLat == Approx(15 * kS / 32 / kB));
        std::size_t coalesced = 0, stepwise = 0;
        CHECK(allreduce_time(t, engine, true, &coalesced) == Approx(want).epsilon(1e-9));
        CHECK(allreduce_time(t, engine, false, &stepwise) == Approx(want).epsilon(1e-9));
        CHECK(coalesced == 4 * 4 * 16); // 4 slots, 4 slices, one flow per rank
        CHECK(stepwise == 3 * coalesced);
    }
    SECTION("4 x 4 full mesh, equal cables: two half slices, direct in each dimension") {
        // Slot 0: S/2 of each slice, 3 messages of S/8 on 3 cables; slot 1: 3 messages of S/32. Bound:
        // 2 (15/16) S / 6B = 5 S / 16 B.
        const Topology t = nd_fullmesh({.dims = {4, 4}, .link = kLink});
        CHECK(allreduce_time(t, engine, true) == Approx(4 * kLat + 5 * kS / 16 / kB).epsilon(1e-9));
    }
}

TEST_CASE("multidim: on an nD full mesh with a slow switch tier, slices cross it last", "[multidim]") {
    // Atlas 960's design at 704 chips: racks of 8 x 11 full meshes (7 + 10 cables of 55 GB/s), 8 racks joined by 3
    // switch cables per chip, run as [8, 11, 2, 4]. The slice starting on dimension 1 crosses dimension 0 (385 GB/s)
    // before the switch tier (165 GB/s, shared by dimensions 2 and 3): in rotation it crossed the tier second, with
    // 1/11 of its data, at half the tier's speed beside the slices starting there, and the rack meshes idled
    // (62.6% of the bound on the discrete-event engine; 80.1% now). Bound: every chip's 20 cables busy,
    // 2 (p-1)/p S / 1,100 GB/s.
    const LinkSpec cable{55e9, 200e-9, LinkKind::Electrical};
    const Topology t = nd_fullmesh({.dims = {8, 11, 8},
                                    .links_per_pair_by_dim = {1, 1, 0},
                                    .link = cable,
                                    .switches = 3,
                                    .switch_links_per_chip = 3,
                                    .switch_link = {55e9, 1.05e-6, LinkKind::Electrical}});
    const double S = 64.0 * 1024 * 1024, bound = 2 * 703.0 / 704 * S / 1100e9;
    const auto chips = t.nodes_of(NodeKind::Chip);
    const std::vector<Rank> dims{8, 11, 2, 4};
    const auto paths = dimension_paths(t, chips, dims);
    const auto plan = collectives::multidim_plan(704, {.bytes = S, .dims = dims, .dim_paths = paths});
    REQUIRE(plan.slices.size() == 4);
    CHECK(plan.slices[1].order == std::vector<std::size_t>{1, 0, 2, 3});
    CHECK(plan.slices[2].order == std::vector<std::size_t>{2, 1, 0, 3});
    CHECK(plan.slices[3].order == std::vector<std::size_t>{3, 1, 0, 2});
    const double des = allreduce_time(t, EngineKind::simgrid, true, nullptr, dims, S);
    const double analytic = allreduce_time(t, EngineKind::analytic, true, nullptr, dims, S);
    INFO("discrete-event " << des * 1e6 << " us, analytic " << analytic * 1e6 << " us, bound " << bound * 1e6
                           << " us");
    CHECK(bound / des >= 0.78);
    CHECK(des >= bound);
    CHECK(analytic >= bound);
}

TEST_CASE("multidim: a grid that does not fit is refused in one line naming collective.dims", "[multidim][cli]") {
    snsim::test::TempDir dir;
    const auto star = dir.write("star.yaml", "topology:\n  kind: switched\n  chips: 8\n");
    const auto r = test::run_snsim("run " + star + " --algorithm multidim --sizes 1M");
    CHECK(r.exit_code == 2);
    CHECK(r.output == "snsim: error: collective.dims: multidim needs the rank grid here: the communicator's 8 chips "
                      "have no coordinates (give collective.dims)\n");
    const auto grid = dir.write("grid.yaml", "topology:\n  kind: torus\n  dims: [4, 4]\ncollective:\n  algorithm: "
                                             "multidim\n  dims: [4, 2]\n");
    const auto g = test::run_snsim("run " + grid + " --sizes 1M");
    CHECK(g.exit_code == 2);
    CHECK(g.output == "snsim: error: " + grid +
                          ":6: collective.dims: multidim dims [4, 2] hold 8 ranks, not 16 (got "
                          "\"[4, 2]\")\n");
}
