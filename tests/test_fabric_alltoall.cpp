// Alltoall on the switched fabrics the routing exists for: sprayed, a non-blocking two-tier fat tree reaches its
// bound whatever its planes and parallel cables, and halving its uplinks (2:1 oversubscription) doubles the time of
// the traffic that leaves a node, on both engines. Hashed ECMP, for contrast, loses to hash collisions.
#include <catch2/catch.hpp>

#include "sim/experiment/experiment.hpp"
#include "sim/report/bounds.hpp"
#include "support.hpp"
#include "topologies/generators/generators.hpp"

using namespace snsim;

namespace {

const LinkSpec k50{50e9, 200e-9, LinkKind::Electrical};

report::RunRow alltoall(const Topology& t, RouteStrategy strategy, EngineKind engine, double bytes) {
    Experiment x;
    x.collective = Collective::alltoall;
    x.algorithm = Algorithm::direct;
    x.sizes = {bytes};
    x.routing.strategy = strategy;
    x.engine.kind = engine;
    const auto result = run_experiment(t, t.nodes_of(NodeKind::Chip), x, [](const report::RunRow&) {});
    return result.rows.front();
}

// 16 nodes of 4 chips; each leaf has two parallel cables to each spine.
Topology fat_tree(int planes, int links, double oversubscription) {
    const int uplinks = static_cast<int>(4 * links / oversubscription);
    return clos({.nodes = 16,
                 .chips_per_node = 4,
                 .planes = planes,
                 .links_per_chip_per_plane = links,
                 .spines_per_plane = uplinks / 2,
                 .oversubscription = oversubscription,
                 .link = k50,
                 .uplink = k50});
}

} // namespace

TEST_CASE("sprayed alltoall on a fat tree: 1:1 at its bound, 2:1 twice the cross-node time", "[routing][alltoall]") {
    const auto engine = GENERATE(EngineKind::simgrid, EngineKind::analytic);
    const int planes = GENERATE(1, 2);
    const int links = GENERATE(1, 2);
    INFO(to_string(engine) << ", " << planes << " plane(s), " << links << " cable(s) per chip and plane");
    const double bytes = 64e6;
    const auto full = alltoall(fat_tree(planes, links, 1), RouteStrategy::Spray, engine, bytes);
    const auto half = alltoall(fat_tree(planes, links, 2), RouteStrategy::Spray, engine, bytes);
    CHECK(report::fraction(full) >= 0.98);
    // By hand: 60 of a chip's 63 peers are off-node, and with half the uplinks a node's off-node bytes take twice
    // the time a chip needs to inject all of its bytes at full rate: 2 x 60/63 = 1.905.
    CHECK(half.time_s >= 1.9 * full.time_s);
    CHECK(half.time_s <= 2.0 * full.time_s);
    CHECK(half.time_s >= half.bound_s);
    // The bound sees the narrower way out of each node (the rack cut: 4 chips x 60/64 of their bytes over half
    // their injection), so the oversubscribed tree is at its bound too.
    CHECK(report::fraction(half) >= 0.98);
}

TEST_CASE("rack cut bound: the bytes a group must exchange with the rest, by hand", "[report]") {
    // 16 ranks, 4 in the group, 1 MB: alltoall 4 x 12 / 16 MB; allgather max(4, 12) / 16 MB; allreduce 1 MB.
    CHECK(report::group_bytes(Collective::alltoall, 16, 4, 1e6) == Approx(3e6));
    CHECK(report::group_bytes(Collective::allgather, 16, 4, 1e6) == Approx(0.75e6));
    CHECK(report::group_bytes(Collective::reduce_scatter, 16, 12, 1e6) == Approx(0.75e6));
    CHECK(report::group_bytes(Collective::allreduce, 16, 4, 1e6) == 1e6);
    CHECK(report::group_bytes(Collective::allreduce, 16, 16, 1e6) == 0); // the whole communicator: nothing crosses
    CHECK(report::group_bytes(Collective::permutation, 16, 4, 1e6) == 0);
}

TEST_CASE("hashed ecmp alltoall on a fat tree loses to collisions, spray does not", "[routing][alltoall]") {
    const Topology t = fat_tree(2, 2, 1);
    const auto ecmp = alltoall(t, RouteStrategy::Ecmp, EngineKind::analytic, 64e6);
    const auto spray = alltoall(t, RouteStrategy::Spray, EngineKind::analytic, 64e6);
    CHECK(ecmp.time_s > 1.05 * spray.time_s);
    CHECK(ecmp.time_s >= ecmp.bound_s);
}

TEST_CASE("CloudMatrix384 direct alltoall of 384 MiB reaches 98% of its bound (analytic)", "[routing][alltoall]") {
    // The discrete-event engine gives the same figure in about two minutes: bench/fabric_routing.
    const auto r = test::run_snsim("run " + std::string(SNSIM_SOURCE_DIR) +
                                   "/configs/presets/cloudmatrix384.yaml --collective alltoall --algorithm direct "
                                   "--sizes 384M --engine analytic --busiest 0");
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    const auto at = r.output.find('%', r.output.find("402653184"));
    REQUIRE(at != std::string::npos);
    const double percent = std::stod(r.output.substr(r.output.rfind(' ', at) + 1));
    CHECK(percent >= 98.0);
}
