// Every generator against known values: counts, degrees, per-chip bandwidth, connectivity, diameter, bisection.
// Expected numbers come from the systems' published structure (shared/data/supernodes.md) or closed forms.
#include <catch2/catch.hpp>

#include <map>

#include "topologies/generate.hpp"
#include "topologies/metrics/metrics.hpp"

using namespace snsim;

namespace {

const LinkSpec k50{50e9, 100e-9, LinkKind::Electrical};

// Max switch ports over switch chips, and cables per chip must be uniform where the test says so.
std::size_t uniform_chip_degree(const Topology& t) {
    const auto chips = t.nodes_of(NodeKind::Chip);
    for (auto c : chips)
        REQUIRE(t.degree(c) == t.degree(chips.front()));
    return t.degree(chips.front());
}

} // namespace

TEST_CASE("full mesh: n(n-1)/2 pairs, diameter 1", "[generators]") {
    const Topology t = full_mesh({8, 1, {64e9, 0, LinkKind::Electrical}}); // AMD MI300X board
    const auto m = measure(t);
    CHECK(m.chips == 8);
    CHECK(m.switches == 0);
    CHECK(m.cables == 28);
    CHECK(uniform_chip_degree(t) == 7);
    CHECK(m.injection_bytes_per_s.min == 448e9);
    CHECK(m.hops.diameter == 1);
    CHECK(m.hops.mean == 1.0);
    CHECK(m.bisection.cables == 16);
    CHECK(m.bisection.bytes_per_s == 16 * 64e9);
    CHECK(full_mesh({8, 2, k50}).num_links() == 56);
}

TEST_CASE("switched: GB200 NVL72 has 18 single-switch planes, 2 hops chip-switch-chip", "[generators]") {
    const Topology t = switched({72, 18, 1, 1, k50});
    const auto m = measure(t);
    CHECK(m.chips == 72);
    CHECK(m.switches == 18);
    CHECK(m.cables == 72 * 18);
    CHECK(uniform_chip_degree(t) == 18);
    CHECK(m.injection_bytes_per_s.max == 900e9);
    CHECK(m.max_switch_ports == 72);
    CHECK(m.switch_ports == 1296);
    CHECK(m.hops.diameter == 2);
    CHECK(m.hops.mean == 2.0);
    // Full bisection: 36 chips x 900 GB/s.
    CHECK(m.bisection.bytes_per_s == 36 * 900e9);
    CHECK(m.bisection.exact);
}

TEST_CASE("switched: several switch chips per plane share each chip's cables round-robin", "[generators]") {
    // HGX H100: 8 GPUs, 18 NVLink4 cables each, 4 NVSwitch chips (18 = 5 + 5 + 4 + 4).
    const Topology t = switched({8, 1, 4, 18, {25e9, 0, LinkKind::Electrical}});
    CHECK(t.num_links() == 144);
    std::vector<std::size_t> ports;
    for (auto s : t.nodes_of(NodeKind::Switch))
        ports.push_back(t.degree(s));
    CHECK(ports == std::vector<std::size_t>{40, 40, 32, 32});
    const auto m = measure(t);
    CHECK(m.injection_bytes_per_s.min == 450e9);
    CHECK(m.hops.diameter == 2);
    CHECK(m.bisection.bytes_per_s == 4 * 450e9);
}

TEST_CASE("clos: CloudMatrix384 two-tier, 7 planes, diameter 4", "[generators]") {
    const Topology t = clos({48, 8, 4, 7, 1, 2, 16, 1.0, {28e9, 0, {}}, {28e9, 0, {}}});
    const auto m = measure(t);
    CHECK(m.chips == 384);
    CHECK(m.cpus == 192);
    CHECK(m.switches == 48 * 7 + 7 * 16); // L1 per node per plane + L2 per plane
    CHECK(uniform_chip_degree(t) == 14);
    CHECK(m.injection_bytes_per_s.min == 392e9); // 14 x 28 GB/s (arXiv 2506.12708)
    CHECK(m.cables == 384 * 14 + 192 * 7 + 48 * 7 * 16);
    // Each L2 chip has 48 ports of 28 GB/s; each L1 chip 16 down (8 NPUs x 2) + 4 CPUs + 16 up.
    for (auto s : t.nodes_of(NodeKind::Switch))
        CHECK(t.degree(s) == (t.node(s).place.tier == 2 ? 48u : 36u));
    CHECK(m.hops.diameter == 4);
    CHECK(m.hops.mean == Approx((7 * 2.0 + 376 * 4.0) / 383).epsilon(1e-12));
    CHECK(m.bisection.bytes_per_s == 192 * 392e9); // non-blocking
    CHECK(m.bisection.exact);
}

TEST_CASE("clos: oversubscription thins the uplinks and the bisection", "[generators]") {
    // 4 nodes x 4 chips, one plane, 2:1 -> 2 uplinks per leaf, one to each of 2 spines.
    const Topology t = clos({4, 4, 0, 1, 1, 1, 2, 2.0, k50, k50});
    CHECK(t.num_links() == 16 + 4 * 2);
    const auto m = measure(t);
    CHECK(m.hops.diameter == 4);
    CHECK(m.bisection.cables == 4); // the two leaves of one half, 2 uplinks each
    CHECK_FALSE(m.bisection.exact);
}

TEST_CASE("torus and mesh: diameters, cable counts and bisections", "[generators]") {
    SECTION("4x4x4 torus: diameter 6, 6 cables per chip, bisection 2 x 16 cables") {
        const Topology t = torus({{4, 4, 4}, true, {}, 1, k50});
        const auto m = measure(t);
        CHECK(m.chips == 64);
        CHECK(m.cables == 192);
        CHECK(uniform_chip_degree(t) == 6);
        CHECK(m.hops.diameter == 6);
        CHECK(m.hops.mean == Approx(192.0 / 63).epsilon(1e-12)); // 3 dims x mean ring distance 1, over 63 peers
        CHECK(m.bisection.cables == 32);
        CHECK(m.bisection.exact);
    }
    SECTION("8x8 mesh: diameter 14, bisection 8 cables") {
        const auto m = measure(torus({{8, 8}, false, {}, 1, k50}));
        CHECK(m.cables == 2 * 8 * 7);
        CHECK(m.chip_degree.min == 2);
        CHECK(m.chip_degree.max == 4);
        CHECK(m.hops.diameter == 14);
        CHECK(m.bisection.cables == 8);
        CHECK(m.bisection.bytes_per_s == 8 * 50e9);
    }
    SECTION("ring of 8: diameter 4, bisection 2 cables") {
        const auto m = measure(torus({{8}, true, {}, 1, k50}));
        CHECK(m.cables == 8);
        CHECK(m.hops.diameter == 4);
        CHECK(m.bisection.cables == 2);
        CHECK(m.bisection.bytes_per_s == 100e9);
    }
    SECTION("2x2x2 torus is a cube: one cable per neighbour pair") {
        const auto m = measure(torus({{2, 2, 2}, true, {}, 1, k50}));
        CHECK(m.cables == 12);
        CHECK(m.hops.diameter == 3);
        CHECK(m.bisection.cables == 4);
    }
    SECTION("twisted 4x8 torus is shorter than the plain one") {
        const auto plain = measure(torus({{4, 8}, true, {}, 1, k50}));
        const auto twisted = measure(torus({{4, 8}, true, {0, 2}, 1, k50}));
        CHECK(plain.hops.diameter == 6);
        CHECK(twisted.cables == plain.cables);
        CHECK(twisted.hops.mean < plain.hops.mean);
        CHECK_FALSE(twisted.bisection.exact);
    }
    SECTION("links_per_neighbor multiplies cables and bisection") {
        const auto m = measure(torus({{4, 4}, true, {}, 2, k50}));
        CHECK(m.cables == 64);
        CHECK(m.bisection.cables == 16);
    }
}

TEST_CASE("nd full mesh: every dimension a clique, optional switch tier", "[generators]") {
    SECTION("4x4: 6 cables per chip, diameter 2") {
        const Topology t = nd_fullmesh({{4, 4}, {}, k50, 0, 0, k50});
        const auto m = measure(t);
        CHECK(m.chips == 16);
        CHECK(m.cables == 48);
        CHECK(uniform_chip_degree(t) == 6);
        CHECK(m.hops.diameter == 2);
        CHECK(m.bisection.cables == 16); // 4 rows x (2 x 2) pairs
    }
    SECTION("UB-Mesh pod: 8x8x4x4 = 1,024 chips, diameter 4") {
        const Topology t = nd_fullmesh({{8, 8, 4, 4}, {2, 1, 1, 1}, k50, 0, 0, k50});
        const auto m = measure(t);
        CHECK(m.chips == 1024);
        CHECK(uniform_chip_degree(t) == 2 * 7 + 7 + 3 + 3);
        CHECK(m.hops.diameter == 4);
    }
    SECTION("a dimension of 0 cables is joined through the switch tier only (racks of full meshes)") {
        const Topology t = nd_fullmesh({{4, 4, 3}, {1, 1, 0}, k50, 2, 2, k50});
        const auto m = measure(t);
        CHECK(uniform_chip_degree(t) == 3 + 3 + 2);
        CHECK(m.cables == 48 * 6 / 2 + 48 * 2); // the racks' meshes, and one cable per chip to each switch
        CHECK(m.hops.diameter == 2);
        CHECK_THROWS_WITH(nd_fullmesh({{4, 4, 3}, {1, 1, 0}, k50, 0, 0, k50}),
                          Catch::Contains("links_per_pair_by_dim"));
    }
    SECTION("a switch tier keeps every chip within 2 hops of every other") {
        const Topology t = nd_fullmesh({{4, 4, 4}, {}, k50, 4, 4, k50});
        const auto m = measure(t);
        CHECK(m.switches == 4);
        CHECK(m.max_switch_ports == 64);
        CHECK(m.hops.diameter == 2);
    }
}

TEST_CASE("dragonfly: groups all joined directly, 5 hops chip to chip", "[generators]") {
    const Topology t = dragonfly({9, 4, 2, 2, k50, {25e9, 500e-9, LinkKind::Optical}});
    const auto m = measure(t);
    CHECK(m.chips == 72);
    CHECK(m.switches == 36);
    CHECK(m.cables == 72 + 9 * 6 + 36);
    CHECK(m.optical_cables == 36);
    CHECK(m.hops.diameter == 5);
    // Balanced dragonfly (g = a*h + 1): exactly one global cable between every pair of groups.
    std::map<std::pair<int, int>, int> between;
    const auto& g = t.graph();
    for (auto [e, end] = boost::edges(g); e != end; ++e) {
        const int a = g[boost::source(*e, g)].place.rack, b = g[boost::target(*e, g)].place.rack;
        if (a != b) ++between[{std::min(a, b), std::max(a, b)}];
    }
    CHECK(between.size() == 36);
    for (const auto& [pair, count] : between)
        CHECK(count == 1);
}

TEST_CASE("expected_size matches what the generators build", "[generators]") {
    const std::vector<TopologyParams> cases = {
        FullMeshParams{8, 2, k50},
        SwitchedParams{72, 18, 1, 1, k50},
        ClosParams{48, 8, 4, 7, 1, 2, 16, 1.0, k50, k50},
        ClosParams{4, 4, 0, 1, 1, 1, 2, 2.0, k50, k50},
        TorusParams{{4, 4, 2}, true, {}, 2, k50},
        TorusParams{{8, 3}, false, {}, 1, k50},
        NdFullMeshParams{{4, 3, 2}, {1, 2, 3}, k50, 3, 6, k50},
        DragonflyParams{9, 4, 2, 2, k50, k50},
    };
    for (const auto& p : cases) {
        const Topology t = generate(p);
        INFO(t.kind());
        CHECK(expected_size(p).nodes == static_cast<double>(t.num_nodes()));
        CHECK(expected_size(p).links == static_cast<double>(t.num_links()));
    }
}

TEST_CASE("expected_size bounds a dragonfly whose global ports cannot all be used", "[generators]") {
    const DragonflyParams p{3, 2, 1, 3, k50, k50}; // 6 global ports per group, only 2 other groups
    const Topology t = dragonfly(p);
    CHECK(t.num_links() == 3 * 2 + 3 * 1 + 3 * 3); // chip, local, and 3 rounds of 3 group pairs
    CHECK(expected_size(p).links >= static_cast<double>(t.num_links()));
}

TEST_CASE("a twist is taken modulo the dimension it shifts", "[generators]") {
    const auto huge = measure(torus({{4, 4}, true, {2147483647, 0}, 1, k50}));
    const auto three = measure(torus({{4, 4}, true, {3, 0}, 1, k50}));
    CHECK(huge.hops.mean == three.hops.mean);
    CHECK(huge.hops.diameter == three.hops.diameter);
}

TEST_CASE("every vertex has a stable, unique name and its place", "[generators]") {
    const Topology t = clos({2, 2, 1, 2, 1, 1, 1, 1.0, k50, k50});
    CHECK(t.find("n1.c0").has_value());
    CHECK(t.node(*t.find("n1.c0")).place.rack == 1);
    CHECK(t.node(*t.find("p1.spine0")).place.tier == 2);
    CHECK(t.node(*t.find("n0.p1.leaf0")).place.plane == 1);
    CHECK(t.node(*t.find("n0.cpu0")).kind == NodeKind::Cpu);
    CHECK(t.find("nope") == std::nullopt);
    const Topology g = torus({{2, 3}, true, {}, 1, k50});
    CHECK(g.node(*g.find("c1.2")).place.coords == std::vector<int>{1, 2});
}
