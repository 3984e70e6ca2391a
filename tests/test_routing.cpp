// Routing on generated topologies: path lengths equal graph distances, stripes spread over planes and parallel
// cables, dimension order corrects coordinates lowest dimension first.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "sim/routing/router.hpp"
#include "topologies/errors.hpp"
#include "topologies/faults.hpp"
#include "topologies/generators/generators.hpp"

using namespace snsim;

namespace {

const LinkSpec k50{50e9, 100e-9, LinkKind::Electrical};

std::set<std::uint32_t> first_cables(const std::vector<Path>& paths) {
    std::set<std::uint32_t> out;
    for (const auto& p : paths)
        out.insert(cable_of(p.hops.front()));
    return out;
}

} // namespace

TEST_CASE("ecmp stripes a switched supernode over every plane", "[routing]") {
    const Topology t = switched({72, 18, 1, 1, k50});
    Router r(t, {RouteStrategy::Ecmp, 0});
    const auto& paths = r.paths(*t.find("c0"), *t.find("c5"));
    REQUIRE(paths.size() == 18);
    for (const auto& p : paths) {
        CHECK(p.hops.size() == 2);
        CHECK(p.latency_s == Approx(200e-9).epsilon(1e-12));
    }
    CHECK(first_cables(paths).size() == 18);
    CHECK(&r.paths(*t.find("c0"), *t.find("c5")) == &paths); // cached
    CHECK(r.cached_pairs() == 1);
}

TEST_CASE("ecmp spreads two cables per plane over both", "[routing]") {
    const Topology t = switched({8, 7, 1, 2, k50});
    Router r(t, {RouteStrategy::Ecmp, 0});
    const auto& paths = r.paths(0, 1);
    REQUIRE(paths.size() == 14);
    std::set<std::uint32_t> all;
    for (const auto& p : paths)
        for (Hop h : p.hops)
            all.insert(cable_of(h));
    CHECK(all.size() == 28); // every stripe on its own pair of cables
}

TEST_CASE("ecmp deals the stripes that reach a switch over its cables down, whatever their index", "[routing]") {
    // HGX H100: 18 cables per GPU dealt 5, 4 over two switch chips in each of two planes. The 4 stripes that
    // reach a 4-cable switch must leave it on 4 different cables (stripe index mod 4 would use two of them twice).
    const Topology t = switched({8, 2, 2, 9, k50});
    Router r(t, {});
    const auto& paths = r.paths(0, 1);
    REQUIRE(paths.size() == 18);
    std::set<Hop> up, down;
    for (const auto& p : paths) {
        REQUIRE(p.hops.size() == 2);
        up.insert(p.hops[0]);
        down.insert(p.hops[1]);
    }
    CHECK(up.size() == 18);
    CHECK(down.size() == 18);
}

TEST_CASE("Clos paths between nodes cross leaf and spine", "[routing]") {
    const Topology t = clos({4, 2, 0, 2, 1, 2, 4, 1.0, k50, k50});
    Router r(t, {RouteStrategy::Ecmp, 0});
    const auto& paths = r.paths(*t.find("n0.c0"), *t.find("n3.c1"));
    REQUIRE(paths.size() == 4); // 2 planes x 2 cables
    for (const auto& p : paths)
        CHECK(p.hops.size() == 4);
    CHECK(first_cables(paths).size() == 4);
    CHECK(r.paths(*t.find("n0.c0"), *t.find("n0.c1")).front().hops.size() == 2);
}

TEST_CASE("shortest takes one path of the graph distance", "[routing]") {
    const Topology t = torus({{4, 4, 4}, true, {}, 1, k50});
    Router r(t, {RouteStrategy::Shortest, 0});
    const auto& paths = r.paths(*t.find("c0.0.0"), *t.find("c2.2.2"));
    REQUIRE(paths.size() == 1);
    CHECK(paths.front().hops.size() == 6);
    CHECK(paths.front().latency_s == Approx(600e-9).epsilon(1e-12));
}

TEST_CASE("dimension order fixes the lowest dimension first, the short way round", "[routing]") {
    const Topology t = torus({{8, 4}, true, {}, 2, k50});
    Router r(t, {RouteStrategy::DimensionOrder, 0});
    const auto from = *t.find("c1.0"), to = *t.find("c7.1");
    const auto& paths = r.paths(from, to);
    REQUIRE(paths.size() == 2);       // two parallel cables per neighbour
    CHECK(paths[0].hops.size() == 3); // 1 -> 0 -> 7 (wrapping down), then 0 -> 1 in dimension 1
    CHECK(first_cables(paths).size() == 2);
    const auto& g = t.graph();
    std::set<std::string> second;
    for (auto [e, end] = boost::edges(g); e != end; ++e)
        if (g[*e].id == cable_of(paths[0].hops[1]))
            second = {g[boost::source(*e, g)].name, g[boost::target(*e, g)].name};
    CHECK(second == std::set<std::string>{"c0.0", "c7.0"});
    const auto [crossed_from, crossed_to] = hop_ends(t, paths[0].hops[1]); // c0.0 to c7.0, not back
    CHECK(t.node(crossed_from).name == "c0.0");
    CHECK(t.node(crossed_to).name == "c7.0");
    CHECK(t.node(hop_ends(t, paths[0].hops[0]).first).name == "c1.0");
}

TEST_CASE("dimension order on an nD full mesh takes one hop per differing dimension", "[routing]") {
    const Topology t = nd_fullmesh({{4, 4, 2}, {}, k50, 0, 0, k50});
    Router r(t, {RouteStrategy::DimensionOrder, 0});
    CHECK(r.paths(*t.find("c0.0.0"), *t.find("c3.2.1")).front().hops.size() == 3);
    CHECK(r.paths(*t.find("c0.0.0"), *t.find("c0.2.0")).front().hops.size() == 1);
}

TEST_CASE("dimension order is refused where there are no grid coordinates", "[routing][errors]") {
    const Topology t = switched({8, 1, 1, 1, k50});
    CHECK_THROWS_WITH(Router(t, {RouteStrategy::DimensionOrder, 0}),
                      "routing.strategy dimension_order needs a torus, mesh or nd_fullmesh, not switched");
}

namespace {

// Uplinks of leaf `leaf` (cable directions towards a spine) that some pair's stripe crosses.
std::set<Hop> uplinks_used(const Topology& t, Router& r, const std::string& leaf) {
    const auto at = *t.find(leaf);
    std::set<Hop> used;
    const auto chips = t.nodes_of(NodeKind::Chip);
    for (auto from : chips)
        for (auto to : chips) {
            if (from == to) continue;
            for (const auto& path : r.paths(from, to))
                for_each_hop(path, [&](Hop hop, double) {
                    const auto [a, b] = hop_ends(t, hop);
                    if (a == at && t.node(b).place.tier == 2) used.insert(hop);
                });
        }
    return used;
}

double fraction_on(const Path& path, Hop hop) {
    double sum = 0;
    for_each_hop(path, [&](Hop h, double f) { sum += h == hop ? f : 0; });
    return sum;
}

// The cable directions from vertex a to vertex b (parallel cables), by hop.
std::vector<Hop> hops_between(const Topology& t, const std::string& a, const std::string& b) {
    const auto& g = t.graph();
    const auto va = *t.find(a), vb = *t.find(b);
    std::vector<Hop> out;
    for (auto [e, end] = boost::out_edges(va, g); e != end; ++e)
        if (boost::target(*e, g) == vb) out.push_back(make_hop(g[*e].id, va, vb));
    std::sort(out.begin(), out.end());
    return out;
}

// CloudMatrix384's shape, smaller: 8 chips per node with 2 cables to the leaf of each plane, 16 spines a plane.
const ClosParams kCm{.nodes = 4, .chips_per_node = 8, .planes = 2, .links_per_chip_per_plane = 2,
                     .spines_per_plane = 16, .link = k50, .uplink = k50};

} // namespace

TEST_CASE("ecmp hashes on source and destination: a node's traffic reaches every uplink of its leaf", "[routing]") {
    // Turning over the cables by source alone, the 8 chips of a node used 9 of a leaf's 16 uplinks for every
    // destination (the CloudMatrix384 finding); hashed on the pair, alltoall reaches all of them.
    const Topology t = clos(kCm);
    Router r(t, {RouteStrategy::Ecmp, 0});
    CHECK(uplinks_used(t, r, "n0.p0.leaf0").size() == 16);
    // One pair's stripes still take different cables at every vertex: 4 stripes, 4 uplinks, 4 spines.
    const auto& paths = r.paths(*t.find("n0.c0"), *t.find("n1.c3"));
    REQUIRE(paths.size() == 4);
    std::set<Hop> second;
    for (const auto& p : paths)
        second.insert(p.hops.at(1));
    CHECK(second.size() == 4);
}

TEST_CASE("spray spreads one stripe evenly over every cable of the shortest-path DAG", "[routing]") {
    const Topology t = clos(kCm);
    Router r(t, {RouteStrategy::Spray, 0});
    const auto& paths = r.paths(*t.find("n0.c0"), *t.find("n1.c3"));
    REQUIRE(paths.size() == 1);
    const Path& p = paths.front();
    REQUIRE(p.layers.size() == 4);
    // By hand: 2 planes x 2 cables up (1/4 each), 2 leaves x 16 spines (1/32 each), 32 cables down to n1's leaves
    // (1/32), 2 x 2 cables into the chip (1/4). Every layer is even and sums to 1.
    const std::vector<std::size_t> widths{4, 32, 32, 4};
    for (std::size_t k = 0; k < 4; ++k) {
        CHECK(p.layers[k]->hops.size() == widths[k]);
        CHECK(p.layers[k]->even);
        for (double f : p.layers[k]->fractions)
            CHECK(f == 1.0 / widths[k]);
    }
    CHECK(p.latency_s == Approx(400e-9).epsilon(1e-12));
    // Layers are shared: another chip of n0 to another of n1 uses the same spine layers.
    const Path& q = r.paths(*t.find("n0.c5"), *t.find("n1.c6")).front();
    CHECK(q.layers[1] == p.layers[1]);
    CHECK(q.layers[2] == p.layers[2]);
    CHECK(q.layers[0] != p.layers[0]);
}

TEST_CASE("ucmp splits at every vertex by the bandwidth each cable leads on to the destination", "[routing]") {
    // Two planes of one switch, one cable per chip and plane; c1's cable to the plane-0 switch at half bandwidth.
    // From c0 to c1, plane 0 passes on min(50, 25) = 25 GB/s and plane 1 50 GB/s: 1/3 and 2/3 by hand.
    const Topology healthy = switched({4, 2, 1, 1, k50});
    FaultSpec spec;
    spec.degraded.links = {"c1 - p0.sw0"};
    const Topology t = apply_faults(healthy, spec);
    Router ucmp(t, {RouteStrategy::Ucmp, 0});
    const Path& p = ucmp.paths(*t.find("c0"), *t.find("c1")).front();
    const auto up0 = hops_between(t, "c0", "p0.sw0").front(), up1 = hops_between(t, "c0", "p1.sw0").front();
    const auto down0 = hops_between(t, "p0.sw0", "c1").front(), down1 = hops_between(t, "p1.sw0", "c1").front();
    CHECK(fraction_on(p, up0) == Approx(1.0 / 3).epsilon(1e-12));
    CHECK(fraction_on(p, up1) == Approx(2.0 / 3).epsilon(1e-12));
    CHECK(fraction_on(p, down0) == Approx(1.0 / 3).epsilon(1e-12));
    CHECK(fraction_on(p, down1) == Approx(2.0 / 3).epsilon(1e-12));
    // Spray ignores the bandwidth: half and half.
    Router spray(t, {RouteStrategy::Spray, 0});
    CHECK(fraction_on(spray.paths(*t.find("c0"), *t.find("c1")).front(), up0) == 0.5);
}
