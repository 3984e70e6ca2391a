// Clusters of supernodes (topologies/generators/cluster.cpp, tier-keeping routes in sim/routing/router.hpp): the
// graph against hand counts, routes that keep to their tier, PXN against a hand count, and collectives across the
// scale-out tier against closed forms on both engines.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <memory>

#include "sim/config/communicator.hpp"
#include "sim/config/config.hpp"
#include "sim/config/run_request.hpp"
#include "sim/config/topology_request.hpp"
#include "sim/experiment/experiment.hpp"
#include "sim/routing/router.hpp"
#include "support.hpp"
#include "topologies/errors.hpp"
#include "topologies/faults.hpp"
#include "topologies/generators/generators.hpp"
#include "topologies/io/graph_file.hpp"
#include "topologies/metrics/metrics.hpp"
#include "topologies/metrics/rack_cuts.hpp"

using namespace snsim;

namespace {

constexpr double kUp = 100e9, kOut = 50e9, kLatUp = 200e-9, kLatOut = 1e-6;
const LinkSpec kUpLink{kUp, kLatUp, LinkKind::Electrical};
const LinkSpec kNic{kOut, kLatOut, LinkKind::Optical};

ClusterParams params(Topology supernode, int supernodes, ScaleOutNetwork network = ScaleOutNetwork::Rail) {
    ClusterParams p;
    p.supernode = std::make_shared<const Topology>(std::move(supernode));
    p.supernodes = supernodes;
    p.network = network;
    p.nic = kNic;
    p.uplink = kNic;
    return p;
}

std::size_t scale_out_hops(const Topology& t, const Path& path) {
    const auto cables = t.cables();
    std::size_t n = 0;
    for_each_hop(path, [&](Hop h, double) { n += cables[cable_of(h)]->tier == LinkTier::ScaleOut; });
    return n;
}

double relative(double got, double want) {
    return std::abs(got - want) / want;
}

Topology::Vertex chip(const Topology& t, const std::string& name) {
    return *t.find(name);
}

} // namespace

TEST_CASE("cluster: vertices, cables and leaves against a hand count", "[cluster]") {
    // 4 supernodes of 8 chips in 2 planes of one switch chip each: 16 cables and 2 switch chips per supernode.
    const Topology one = switched({8, 2, 1, 1, kUpLink});
    SECTION("rail, every NIC its own rail: 8 rails of 4 NICs, one leaf each, 4 uplinks per leaf to 4 spines") {
        const Topology t = cluster(params(one, 4));
        CHECK(t.count(NodeKind::Chip) == 32);
        CHECK(t.count(NodeKind::Switch) == 4 * 2 + 8 + 4);
        CHECK(t.num_links() == 4 * 16 + 32 + 8 * 4);
        // Chip 5 of every supernode on rail 5's leaf.
        for (int k = 0; k < 4; ++k) {
            const auto c = chip(t, "s" + std::to_string(k) + ".c5");
            CHECK(t.node(c).place.supernode == k);
            bool on_rail = false;
            for (auto [e, end] = boost::out_edges(c, t.graph()); e != end; ++e)
                on_rail |= t.node(boost::target(*e, t.graph())).name == "so.r5.leaf0" &&
                           t.graph()[*e].tier == LinkTier::ScaleOut;
            CHECK(on_rail);
        }
        CHECK(expected_size(params(one, 4)).nodes == t.num_nodes());
        CHECK(expected_size(params(one, 4)).links == t.num_links());
    }
    SECTION("fat tree, one leaf per supernode, 2:1: 4 uplinks per leaf over 4 spines") {
        ClusterParams p = params(one, 4, ScaleOutNetwork::FatTree);
        p.oversubscription = 2;
        const Topology t = cluster(p);
        CHECK(t.count(NodeKind::Switch) == 4 * 2 + 4 + 4);
        CHECK(t.num_links() == 4 * 16 + 32 + 4 * 4);
        CHECK(expected_size(p).links == t.num_links());
        const TopologyMetrics m = measure(t);
        REQUIRE(m.cluster);
        CHECK(m.cluster->scale_out_cables == 32 + 16);
        CHECK(m.cluster->scale_out_injection_bytes_per_s.max == kOut);
        CHECK(m.cluster->scale_up_injection_bytes_per_s.min == 2 * kUp);
        // A supernode's way out: its leaf's 4 uplinks (2:1), not its 8 NICs.
        CHECK(m.cluster->supernode_out_bytes_per_s == 4 * kOut);
        // Half the supernodes with their leaves: 2 leaves x 4 uplinks cross.
        CHECK(m.bisection.bytes_per_s == 8 * kOut);
    }
    SECTION("shapes that do not form a network are refused with their key") {
        ClusterParams p = params(one, 4);
        p.rails = 3;
        CHECK_THROWS_AS(cluster(p), ParamError);
        p.rails = 4; // 2 NICs of each supernode per rail: 8 per rail
        p.leaf_ports = 3;
        CHECK_THROWS_AS(cluster(p), ParamError);
        p.leaf_ports = 4;
        p.oversubscription = 0;
        CHECK_THROWS_AS(cluster(p), ParamError);
        p.oversubscription = 1;
        p.spines = 3;
        CHECK_THROWS_AS(cluster(p), ParamError);
        p.spines = 2;
        CHECK_NOTHROW(cluster(p));
        ClusterParams nested = params(cluster(params(one, 2)), 2);
        CHECK_THROWS_AS(cluster(nested), ParamError);
    }
}

TEST_CASE("cluster routes: inside a supernode never through a NIC, between supernodes only through the scale-out "
          "tier",
          "[cluster][routing]") {
    // Supernodes are rings of 8 chips: c0 to c4 is 4 hops around, 2 through the supernode's fat-tree leaf.
    const Topology t = cluster(params(torus({{8}, true, {}, 1, kUpLink}), 3, ScaleOutNetwork::FatTree));
    const auto chips = t.nodes_of(NodeKind::Chip);
    for (RouteStrategy strategy : {RouteStrategy::Shortest, RouteStrategy::Ecmp, RouteStrategy::Spray}) {
        INFO(to_string(strategy));
        Router router(t, {strategy});
        for (auto a : chips)
            for (auto b : chips) {
                if (a == b) continue;
                const bool same = t.node(a).place.supernode == t.node(b).place.supernode;
                for (const Path& path : router.paths(a, b)) {
                    std::size_t hops = 0;
                    for_each_hop(path, [&](Hop, double) { ++hops; });
                    if (same) {
                        CHECK(scale_out_hops(t, path) == 0);
                    } else if (!path.sprayed()) {
                        // NIC, leaf to spine, spine to leaf, NIC: no chip relays.
                        CHECK(path.hops.size() == 4);
                        CHECK(scale_out_hops(t, path) == 4);
                    } else {
                        CHECK(scale_out_hops(t, path) == hops);
                    }
                }
            }
    }
    Router router(t, {RouteStrategy::Shortest});
    CHECK(router.paths(chip(t, "s0.c0"), chip(t, "s0.c4")).front().hops.size() == 4);
}

TEST_CASE("PXN: between supernodes through the chip on the destination's rail, against a hand count",
          "[cluster][routing]") {
    // 2 supernodes of 4 chips on one switch; 4 rails of 2 NICs, one leaf each; 2 uplinks per leaf to 2 spines.
    const Topology t = cluster(params(switched({4, 1, 1, 1, kUpLink}), 2));
    const auto from = chip(t, "s0.c1"), to = chip(t, "s1.c2");
    const auto names = [&](const Path& path) {
        std::vector<std::string> out;
        for (Hop h : path.hops)
            out.push_back(t.node(hop_ends(t, h).second).name);
        return out;
    };
    Router direct(t, {RouteStrategy::Shortest, 0, 0, ScaleOut::Direct});
    CHECK(names(direct.paths(from, to).front()) ==
          std::vector<std::string>{"so.r1.leaf0", "so.spine0", "so.r2.leaf0", "s1.c2"});
    Router pxn(t, {RouteStrategy::Shortest, 0, 0, ScaleOut::Pxn});
    CHECK(names(pxn.paths(from, to).front()) == std::vector<std::string>{"s0.p0.sw0", "s0.c2", "so.r2.leaf0", "s1.c2"});
    // Same rail: PXN is direct.
    CHECK(names(pxn.paths(from, chip(t, "s1.c1")).front()) == std::vector<std::string>{"so.r1.leaf0", "s1.c1"});

    // Alltoall of S per rank: every pair between supernodes is one of 4 x 4 = 16 each way, S/8 each. By hand, with
    // PXN no byte crosses a spine (each leaves on the destination's rail); direct sends the 12 cross-rail pairs'
    // bytes each way up to a spine and down again: 2 x 12 x S/8 per direction pair... counted per cable: 24 x S/8
    // up and 24 x S/8 down over 8 uplinks.
    const double S = 8e6;
    for (ScaleOut mode : {ScaleOut::Direct, ScaleOut::Pxn}) {
        Experiment x{Collective::alltoall, Algorithm::direct, {S}, {}, {}, {}};
        x.routing = {RouteStrategy::Shortest, 0, 0, mode};
        const auto result = run_experiment(t, t.nodes_of(NodeKind::Chip), x, [](const report::RunRow&) {});
        double spine_bytes = 0;
        for (const auto& cable : result.cables)
            if (cable.from.find("spine") != std::string::npos || cable.to.find("spine") != std::string::npos)
                spine_bytes += cable.bytes;
        CHECK(spine_bytes == Approx(mode == ScaleOut::Pxn ? 0.0 : 2 * 24 * S / 8));
    }
}

TEST_CASE("cluster hierarchical allreduce: reduce-scatter inside, allreduce of S/n across by rail, allgather "
          "inside, on both engines",
          "[cluster][oracle]") {
    // n = 8 chips per supernode on one switch (B_up per chip), N = 4 supernodes, one NIC per chip (B_out), rail
    // network with one leaf per rail. Ring steps inside pay 2 cables of latency, across 2 NIC cables:
    // T = 2 (n-1) (2 L_up + S/(n B_up)) + 2 (N-1) (2 L_out + S/(n N B_out)).
    const double n = 8, N = 4, S = 1 << 30;
    const Topology t = cluster(params(switched({8, 1, 1, 1, kUpLink}), 4));
    const double want = 2 * (n - 1) * (2 * kLatUp + S / (n * kUp)) + 2 * (N - 1) * (2 * kLatOut + S / (n * N * kOut));
    for (EngineKind engine : {EngineKind::simgrid, EngineKind::analytic}) {
        INFO(to_string(engine));
        Experiment x{Collective::allreduce, Algorithm::hierarchical, {S}, {.dims = {8, 4}}, {}, {}};
        x.engine.kind = engine;
        const auto result = run_experiment(t, t.nodes_of(NodeKind::Chip), x, [](const report::RunRow&) {});
        CHECK(relative(result.rows.at(0).time_s, want) < 1e-9);
        CHECK(result.rows.at(0).bound_s <= result.rows.at(0).time_s);
    }
}

TEST_CASE("cluster ring across supernodes is NIC-bound: busbw = the NIC's bandwidth", "[cluster][oracle]") {
    // One chip of each supernode (rail 0): every ring step crosses a NIC, leaf r0 and a NIC, S/N each:
    // T = 2(N-1)(2 L_out + S/(N B_out)) on both engines, busbw B_out less the latency.
    const double S = 1 << 30, N = 4;
    const Topology t = cluster(params(switched({8, 1, 1, 1, kUpLink}), 4));
    std::vector<Topology::Vertex> rail0;
    for (int k = 0; k < 4; ++k)
        rail0.push_back(chip(t, "s" + std::to_string(k) + ".c0"));
    // Every chip: the ring crosses each supernode boundary once per step on 2x slower cables than the rest, so
    // at most B_out; the discrete-event engine also pays the pipeline's fill at the boundaries (1.6% here), the
    // analytic engine (per step, the slowest flow) not.
    const double ranks = 32;
    Experiment x{Collective::allreduce, Algorithm::ring, {S}, {}, {}, {}};
    x.routing = {RouteStrategy::Spray};
    for (EngineKind engine : {EngineKind::simgrid, EngineKind::analytic}) {
        INFO(to_string(engine));
        x.engine.kind = engine;
        const auto across = run_experiment(t, rail0, x, [](const report::RunRow&) {}).rows.at(0);
        CHECK(relative(across.time_s, 2 * (N - 1) * (2 * kLatOut + S / (N * kOut))) < 1e-9);
        const auto all = run_experiment(t, t.nodes_of(NodeKind::Chip), x, [](const report::RunRow&) {}).rows.at(0);
        const double busbw = 2 * (ranks - 1) / ranks * S / all.time_s;
        CHECK(busbw <= kOut);
        CHECK(busbw >= 0.97 * kOut);
        // The boundary's sender is the slowest: its 2(p-1) sends follow one another back to back, so they pay
        // the route's latency (4 cables, via a spine) once (streaming, docs/collectives.md "chunks").
        if (engine == EngineKind::analytic)
            CHECK(relative(all.time_s, 2 * (ranks - 1) * S / (ranks * kOut) + 4 * kLatOut) < 1e-9);
    }
}

TEST_CASE("cluster faults: a failed NIC's chip reaches other supernodes through its own, a failed spine moves "
          "its load to the others",
          "[cluster][faults]") {
    snsim::test::TempDir dir;
    const auto load = [&](const std::string& faults) {
        const std::string path = dir.write("c.yaml", "topology:\n  kind: cluster\n  supernode: one.yaml\n"
                                                     "  supernodes: 2\n  nic: {bandwidth: 50GB/s, latency: 1us}\n" +
                                                         faults);
        dir.write("one.yaml", "topology: {kind: switched, chips: 4, link: {bandwidth: 100GB/s, latency: 200ns}}\n");
        return config::build_topology(config::Config::load(path));
    };
    SECTION("NIC") {
        const Topology healthy = load("");
        const Topology t = load("faults:\n  links: [\"s0.c1 - so.*\"]\n");
        CHECK(t.faults().cables == 1);
        Router router(t, {RouteStrategy::Shortest});
        // Through s0's switch to another chip's NIC and across; of the 6-cable routes (in by s1.c1's own NIC over a
        // spine, or by the relay's rail and s1's switch) the lowest cable ids: s0.c1 - sw - s0.c0 - leaf r0 -
        // s1.c0 - sw - s1.c1.
        std::vector<std::string> names;
        for (Hop h : router.paths(chip(t, "s0.c1"), chip(t, "s1.c1")).front().hops)
            names.push_back(t.node(hop_ends(t, h).second).name);
        CHECK(names ==
              std::vector<std::string>{"s0.p0.sw0", "s0.c0", "so.r0.leaf0", "s1.c0", "s1.p0.sw0", "s1.c1"});
        // An allreduce across still runs on both engines, no faster than its bound nor than the healthy cluster.
        Experiment x{Collective::allreduce, Algorithm::hierarchical, {1e8}, {.dims = {4, 2}}, {}, {}};
        for (EngineKind engine : {EngineKind::simgrid, EngineKind::analytic}) {
            INFO(to_string(engine));
            x.engine.kind = engine;
            const auto row = run_experiment(t, t.nodes_of(NodeKind::Chip), x, [](const report::RunRow&) {}).rows.at(0);
            const auto ok =
                run_experiment(healthy, healthy.nodes_of(NodeKind::Chip), x, [](const report::RunRow&) {}).rows.at(0);
            CHECK(row.time_s >= row.bound_s);
            CHECK(row.time_s > ok.time_s);
        }
    }
    SECTION("spine") {
        // 4 rails of 2 NICs, one leaf each, 2 uplinks per leaf to 2 spines. Alltoall of S per rank, sprayed: each
        // leaf sends up what its 2 chips send the other supernode's 3 chips on other rails, 6 x S/8: healthy 3S/8
        // on each uplink, with spine 1 failed 6S/8 on the one left. Max-min: the 6 flows up a lone uplink get
        // B/6 each, so they take (S/8)/(B/6) = 0.75 S/B, and every path of theirs has 4 cables of latency
        // (the NIC's other, same-rail flow gets the rest and ends first; inside a supernode cables are 2x faster).
        const double S = 8e6;
        const Topology healthy = load("");
        const Topology t = load("faults:\n  switches: [so.spine1]\n");
        CHECK(t.faults().switches == 1);
        Experiment x{Collective::alltoall, Algorithm::direct, {S}, {}, {}, {}};
        x.routing = {RouteStrategy::Spray};
        const auto uplink_bytes = [&](const Topology& topology) {
            const auto result =
                run_experiment(topology, topology.nodes_of(NodeKind::Chip), x, [](const report::RunRow&) {});
            double most = 0;
            for (const auto& cable : result.cables)
                if (cable.from.starts_with("so.r") && cable.to.starts_with("so.spine")) most = std::max(most, cable.bytes);
            return std::pair{most, result.rows.at(0).time_s};
        };
        CHECK(uplink_bytes(healthy).first == Approx(3 * S / 8));
        const auto [bytes, time] = uplink_bytes(t);
        CHECK(bytes == Approx(6 * S / 8));
        CHECK(relative(time, 0.75 * S / kOut + 4 * kLatOut) < 1e-6);
    }
}

TEST_CASE("cluster bad input: one line naming the file, line, key and value, exit code 2", "[cluster][errors]") {
    snsim::test::TempDir dir;
    dir.write("one.yaml", "topology: {kind: switched, chips: 4, link: {bandwidth: 100GB/s}}\n");
    const auto error_of = [&](const std::string& topology) {
        const std::string path = dir.write("c.yaml", "topology:\n  kind: cluster\n" + topology);
        const auto r = snsim::test::run_snsim("topo " + path);
        CHECK(r.exit_code == 2);
        CHECK(snsim::test::lines(r.output) == 1);
        return r.output;
    };
    using Catch::Matchers::Contains;
    CHECK_THAT(error_of("  supernode: no_such_preset\n"),
               Contains("c.yaml:3: topology.supernode: is neither a file nor a preset") &&
                   Contains("no_such_preset"));
    CHECK_THAT(error_of("  supernode: missing.yaml\n"), Contains("missing.yaml"));
    CHECK_THAT(error_of("  supernode: one.yaml\n  oversubscription: 0\n"),
               Contains("c.yaml:4: topology.oversubscription"));
    CHECK_THAT(error_of("  supernode: one.yaml\n  supernodes: 4\n  leaf_ports: 2\n  oversubscription: 3\n"),
               Contains("c.yaml:6: topology.oversubscription") && Contains("whole number"));
    CHECK_THAT(error_of("  supernode: one.yaml\n  nic: {bandwidth: 400GB/s}\n"),
               Contains("c.yaml:4: topology.nic.bandwidth") && Contains("Gbps, not GB/s"));
    CHECK_THAT(error_of("  supernode: one.yaml\n  supernodes: 2147483647\n"),
               Contains("c.yaml:4: topology.supernodes") && Contains("NICs in the cluster"));
    CHECK_THAT(error_of("  supernode: one.yaml\n  supernodes: 100000000\n"),
               Contains("c.yaml:4: topology.supernodes") && Contains("memory"));
    CHECK_THAT(error_of("  supernode: one.yaml\n  nics_per_chip: 2000000000\n"),
               Contains("c.yaml:4: topology.nics_per_chip") && Contains("NICs in the cluster"));
    CHECK_THAT(error_of("  supernode: one.yaml\n  rails: 3\n"), Contains("c.yaml:4: topology.rails") &&
                                                                    Contains("must divide the 4 NICs"));
    CHECK_THAT(error_of("  supernode: one.yaml\n  network: fat_tree\n  rails: 2\n"),
               Contains("topology.rails") && Contains("rail only"));
    CHECK_THAT(error_of("  supernode: c.yaml\n"), Contains("is itself a cluster"));
    CHECK_THAT(error_of("  supernode: one.yaml\n  network: dragonfly\n  spines: 2\n"),
               Contains("c.yaml:5: topology.spines") && Contains("no spines"));
    CHECK_THAT(error_of("  supernode: one.yaml\n  network: dragonfly\n  leaf_ports: 3\n"),
               Contains("c.yaml:5: topology.leaf_ports") && Contains("a router serves one"));
    CHECK_THAT(error_of("  supernode: one.yaml\n  network: dragonfly\n  global_links_per_pair: 0\n"),
               Contains("c.yaml:5: topology.global_links_per_pair"));
    CHECK_THAT(error_of("  supernode: one.yaml\n  chips: 8\n"), Contains("not used by topology.kind cluster"));
}

TEST_CASE("cluster presets: chips, each tier's bandwidth per chip and each supernode's way out as their files state",
          "[cluster][presets]") {
    struct Stated {
        std::size_t supernodes, chips_per_supernode;
        double scale_up_Bps, nic_Bps; // per chip, per direction
    };
    // From each file's header: the supernode preset's per-chip bandwidth, and its NIC (400 or 800 Gb/s).
    const std::map<std::string, Stated> kStated = {
        {"gb200_nvl72_x2", {2, 72, 900e9, 50e9}},
        {"gb200_nvl72_x20", {20, 72, 900e9, 50e9}},
        {"cloudmatrix384_x4", {4, 384, 392e9, 50e9}},
        {"atlas950_supercluster", {64, 8192, 18 * 56e9, 50e9}},
        {"atlas960_supercluster", {65, 15488, 1100e9, 100e9}},
    };
    std::size_t files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(std::string(SNSIM_SOURCE_DIR) + "/configs/clusters")) {
        const std::string name = entry.path().stem().string();
        INFO(name);
        ++files;
        REQUIRE(kStated.count(name) == 1);
        const Stated& want = kStated.at(name);
        const auto c = config::Config::load(entry.path().string());
        CHECK(c.name() == name);
        const auto params = std::get<ClusterParams>(config::topology_params(c));
        CHECK(static_cast<std::size_t>(params.supernodes) == want.supernodes);
        CHECK(params.supernode->count(NodeKind::Chip) == want.chips_per_supernode);
        CHECK(params.nic.bytes_per_s * params.nics_per_chip == want.nic_Bps);
        // The 524,288- and million-chip graphs take 2 and 4 GB and tens of seconds: bench/ builds them.
        if (want.supernodes * want.chips_per_supernode > 10000) {
            CHECK(expected_size(params).nodes > want.supernodes * want.chips_per_supernode);
            continue;
        }
        const Topology t = config::build_topology(c);
        const TopologyMetrics m = measure(t);
        REQUIRE(m.cluster);
        CHECK(m.chips == want.supernodes * want.chips_per_supernode);
        CHECK(relative(m.cluster->scale_up_injection_bytes_per_s.min, want.scale_up_Bps) < 1e-12);
        CHECK(relative(m.cluster->scale_out_injection_bytes_per_s.max, want.nic_Bps) < 1e-12);
        CHECK(relative(m.cluster->supernode_out_bytes_per_s, want.chips_per_supernode * want.nic_Bps) < 1e-12);
        // Each runs its own collective (hierarchical across the tiers) at a small size on both engines, no faster
        // than its bound.
        const auto request = config::run_request(c);
        Experiment x;
        x.algorithm = *algorithm_from(request.algorithm);
        x.sizes = {1 << 20};
        x.routing = request.routing;
        x.engine = request.engine;
        x.params.dims.assign(request.dims.begin(), request.dims.end());
        for (EngineKind engine : {EngineKind::simgrid, EngineKind::analytic}) {
            x.engine.kind = engine;
            const auto row = run_experiment(t, t.nodes_of(NodeKind::Chip), x, [](const report::RunRow&) {}).rows.at(0);
            CHECK(row.time_s >= row.bound_s);
        }
    }
    CHECK(files == kStated.size());
}

TEST_CASE("cluster: step coalescing (the shortcut that lets the SuperClusters run) gives every step's times",
          "[cluster][coalesce]") {
    // Hierarchical allreduce over 4 supernodes of 8 chips in 2 planes, sprayed: every ring phase inside and across
    // runs in lockstep, so each becomes one flow per pair (docs/architecture.md, "Step coalescing"); simulating
    // every step must give the same time on both engines, healthy and with a spine failed.
    ClusterParams p = params(switched({8, 2, 1, 1, kUpLink}), 4);
    p.leaf_ports = 2; // 2 leaves per rail, joined by the spines
    for (bool spine_failed : {false, true}) {
        INFO((spine_failed ? "spine failed" : "healthy"));
        Topology t = cluster(p);
        if (spine_failed) t = apply_faults(t, {.failed = {.switches = {"so.spine0"}}});
        Experiment x{Collective::allreduce, Algorithm::hierarchical, {1 << 26}, {.dims = {8, 4}}, {}, {}};
        x.routing = {RouteStrategy::Spray};
        for (EngineKind engine : {EngineKind::simgrid, EngineKind::analytic}) {
            INFO(to_string(engine));
            x.engine.kind = engine;
            x.coalesce_steps = true;
            const auto fast = run_experiment(t, t.nodes_of(NodeKind::Chip), x, [](const report::RunRow&) {});
            CHECK(fast.rows.at(0).simulated_flows < fast.rows.at(0).flows); // the shortcut was taken
            x.coalesce_steps = false;
            const auto every = run_experiment(t, t.nodes_of(NodeKind::Chip), x, [](const report::RunRow&) {});
            CHECK(relative(fast.rows.at(0).time_s, every.rows.at(0).time_s) < 1e-9);
        }
    }
}

TEST_CASE("cluster in_switch over supernodes: in-switch reduce-scatter inside, rings across by rail, in-switch "
          "allgather inside, against its closed form on both engines",
          "[cluster][oracle]") {
    // n = 8 chips per supernode, each with one cable of B to each of k = 2 switch chips (2 planes); N = 4
    // supernodes, one NIC per chip, one leaf per rail. Chunks 1; the switches are endpoints (no switch latency):
    //   up S/k per cable, down S/(k n) per cable, rings 2(N-1) steps of S/(n N) through the NIC (2 NIC cables),
    //   up S/(k n), down the others' slices (n-1) S/(k n):
    // T = 4 L_up + (S + 2S/n + (n-1)S/n) / (k B) + 2 (N-1) (2 L_out + S / (n N B_out)).
    const double n = 8, N = 4, k = 2, S = 1 << 30;
    const Topology t = cluster(params(switched({8, 2, 1, 1, kUpLink}), 4));
    const double want = 4 * kLatUp + (S + 2 * S / n + (n - 1) * S / n) / (k * kUp) +
                        2 * (N - 1) * (2 * kLatOut + S / (n * N * kOut));
    Experiment x{Collective::allreduce, Algorithm::in_switch, {S}, {.chunks = 1, .dims = {8, 4}}, {}, {}};
    for (EngineKind engine : {EngineKind::simgrid, EngineKind::analytic}) {
        INFO(to_string(engine));
        x.engine.kind = engine;
        const auto result = run_experiment(t, t.nodes_of(NodeKind::Chip), x, [](const report::RunRow&) {});
        CHECK(relative(result.rows.at(0).time_s, want) < 1e-9);
        CHECK(result.rows.at(0).bound_s <= result.rows.at(0).time_s);
        // The switches that reduce are the supernodes' own: no scale-out switch receives a byte it would reduce.
        for (const auto& cable : result.cables)
            if (cable.to.starts_with("so.")) CHECK(cable.from.find(".c") != std::string::npos);
    }
    // Single-level in_switch on one supernode's chips of a cluster whose scale-out leaf reaches them all (one rail):
    // the leaf is not a reducing switch.
    ClusterParams one_rail = params(switched({8, 2, 1, 1, kUpLink}), 2);
    one_rail.rails = 1;
    const Topology u = cluster(one_rail);
    const auto chips = u.nodes_of(NodeKind::Chip);
    const std::vector<Topology::Vertex> first(chips.begin(), chips.begin() + 8);
    CHECK(reducing_switches(u, first).size() == 2);
}

TEST_CASE("cluster faults: a pair cut off from the scale-out network relays through one chip, never spreading "
          "over more NICs, a split supernode is rejoined through its NICs",
          "[cluster][faults]") {
    snsim::test::TempDir dir;
    dir.write("one.yaml", "topology: {kind: switched, chips: 4, link: {bandwidth: 100GB/s, latency: 200ns}}\n");
    const auto load = [&](const std::string& faults) {
        const std::string path =
            dir.write("c.yaml", "topology:\n  kind: cluster\n  supernode: one.yaml\n  supernodes: 2\n"
                                "  nic: {bandwidth: 400Gbps, latency: 1us}\n" +
                                    faults);
        return config::build_topology(config::Config::load(path));
    };
    // Every spine failed (4 rails, one leaf each): pairs on different rails have no route through the scale-out
    // switches alone. Sprayed, a route through any chip of either supernode would spread a pair over all 4 NICs
    // of a supernode; the relay keeps it on one: s0.cX -> s0.cY (the destination's rail) -> leaf rY -> s1.cY.
    const Topology t = load("faults: {switches: [\"so.spine*\"]}\n");
    Router router(t, {RouteStrategy::Spray});
    const auto cables = t.cables();
    for (int x = 0; x < 4; ++x)
        for (int y = 0; y < 4; ++y) {
            INFO("s0.c" << x << " -> s1.c" << y);
            std::set<std::uint32_t> nics;
            for (const Path& path : router.paths(chip(t, "s0.c" + std::to_string(x)), chip(t, "s1.c" + std::to_string(y))))
                for_each_hop(path, [&](Hop h, double) {
                    const auto [a, b] = hop_ends(t, h);
                    if (cables[cable_of(h)]->tier == LinkTier::ScaleOut && t.node(a).kind == NodeKind::Chip)
                        nics.insert(cable_of(h));
                });
            CHECK(nics.size() == 1);
        }
    // An allreduce still runs, no faster than its bound.
    Experiment x{Collective::allreduce, Algorithm::ring, {16 << 20}, {}, {}, {}};
    const auto row = run_experiment(t, t.nodes_of(NodeKind::Chip), x, [](const report::RunRow&) {}).rows.at(0);
    CHECK(row.time_s >= row.bound_s);
    // Supernode 0's only switch failed: its chips reach each other out through their NICs and back.
    const Topology split = load("faults: {switches: [s0.p0.sw0]}\n");
    Router shortest(split, {RouteStrategy::Shortest});
    std::vector<std::string> names;
    for (Hop h : shortest.paths(chip(split, "s0.c0"), chip(split, "s0.c1")).front().hops)
        names.push_back(split.node(hop_ends(split, h).second).name);
    CHECK(names == std::vector<std::string>{"so.r0.leaf0", "so.spine0", "so.r1.leaf0", "s0.c1"});
}

TEST_CASE("a cluster written as GraphML and read back keeps its tiers", "[cluster][graph_files]") {
    snsim::test::TempDir dir;
    const Topology t = cluster(params(torus({{8}, true, {}, 1, kUpLink}), 2, ScaleOutNetwork::FatTree));
    {
        std::ofstream out(dir.file("c.graphml"));
        write_graphml(out, t);
    }
    const Topology back = custom({dir.file("c.graphml"), kUpLink});
    CHECK(back.has_supernodes());
    CHECK(back.num_links() == t.num_links());
    Router router(back, {RouteStrategy::Shortest});
    // Inside a ring supernode the far side is 4 cables round, 2 through the leaf: the route stays inside.
    const Path& path = router.paths(*back.find("s1.c0"), *back.find("s1.c4")).front();
    CHECK(path.hops.size() == 4);
    CHECK(scale_out_hops(back, path) == 0);
    CHECK(supernode_cuts(back).size() == 2);
    // A graph with supernodes is no supernode for another cluster.
    CHECK_THROWS_AS(cluster(params(custom({dir.file("c.graphml"), kUpLink}), 2)), ParamError);
}

TEST_CASE("cluster dragonfly of supernodes: routers, local and global cables by hand, and a closed form",
          "[cluster][oracle]") {
    // 3 supernodes of 4 chips on one switch; 2 routers each (leaf_ports 2); one global cable per pair: pair (a, b)
    // joins a's router (b mod 2) and b's router (a mod 2).
    ClusterParams p = params(switched({4, 1, 1, 1, kUpLink}), 3, ScaleOutNetwork::Dragonfly);
    p.leaf_ports = 2;
    p.global_link = kNic;
    const Topology t = cluster(p);
    CHECK(t.count(NodeKind::Switch) == 3 + 6);
    CHECK(t.num_links() == 3 * 4 + 12 + 3 + 3); // inside, NICs, local, global
    CHECK(expected_size(p).links == t.num_links());
    Router router(t, {RouteStrategy::Shortest});
    std::vector<std::string> names;
    for (Hop h : router.paths(chip(t, "s0.c0"), chip(t, "s1.c3")).front().hops)
        names.push_back(t.node(hop_ends(t, h).second).name);
    CHECK(names == std::vector<std::string>{"so.g0.r0", "so.g0.r1", "so.g1.r0", "so.g1.r1", "s1.c3"});
    // A supernode's way out is its global cables: 2 x B.
    const TopologyMetrics m = measure(t);
    CHECK(m.cluster->supernode_out_bytes_per_s == 2 * kOut);

    // 2 supernodes of n = 8, one router each, one global cable of B_g: the n rings across share it, each step
    // S/(2n) per ring at B_g/n: T = 2(n-1)(2 L_up + S/(n B_up)) + 2 (2 L_nic + L_g + S/(2 B_g)).
    ClusterParams two = params(switched({8, 1, 1, 1, kUpLink}), 2, ScaleOutNetwork::Dragonfly);
    two.global_link = {kOut / 2, 2e-6, LinkKind::Optical};
    const Topology u = cluster(two);
    const double n = 8, S = 1 << 28;
    const double want = 2 * (n - 1) * (2 * kLatUp + S / (n * kUp)) + 2 * (2 * kLatOut + 2e-6 + S / (2 * kOut / 2));
    Experiment x{Collective::allreduce, Algorithm::hierarchical, {S}, {.dims = {8, 2}}, {}, {}};
    for (EngineKind engine : {EngineKind::simgrid, EngineKind::analytic}) {
        INFO(to_string(engine));
        x.engine.kind = engine;
        const auto row = run_experiment(u, u.nodes_of(NodeKind::Chip), x, [](const report::RunRow&) {}).rows.at(0);
        CHECK(relative(row.time_s, want) < 1e-9);
        CHECK(row.bound_s <= row.time_s);
    }
}

TEST_CASE("snsim run says when it coalesced lockstep phases", "[cluster][cli]") {
    const auto r = snsim::test::run_snsim("run " + std::string(SNSIM_SOURCE_DIR) +
                                          "/configs/clusters/gb200_nvl72_x2.yaml --sizes 1G");
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.output, Catch::Contains("coalesced: ring phases in lockstep simulated as one flow per pair"));
    const auto every = snsim::test::run_snsim("run " + std::string(SNSIM_SOURCE_DIR) +
                                              "/configs/clusters/gb200_nvl72_x2.yaml --sizes 1G --no-coalesce");
    REQUIRE(every.exit_code == 0);
    CHECK_THAT(every.output, !Catch::Contains("coalesced:"));
}
