// Metrics against truth the metrics code did not produce: hop statistics from symmetry against BFS from every
// chip, and bisections the generators claim exact against an exhaustive search over all balanced splits.
#include <catch2/catch.hpp>

#include <bit>

#include "topologies/errors.hpp"
#include "topologies/generate.hpp"
#include "topologies/metrics/metrics.hpp"

using namespace snsim;

namespace {

const LinkSpec k50{50e9, 100e-9, LinkKind::Electrical};

// Least one-direction bandwidth over every assignment of every vertex to two sides with the chips balanced
// (floor/ceil). Exponential: for graphs of at most ~20 vertices.
double brute_force_bisection(const Topology& t) {
    const std::size_t n = t.num_nodes();
    REQUIRE(n <= 22);
    const auto chips = t.nodes_of(NodeKind::Chip);
    std::uint32_t chip_mask = 0;
    for (auto c : chips)
        chip_mask |= 1u << c;
    const auto& g = t.graph();
    double best = -1;
    for (std::uint32_t s = 0; s < (1u << n); ++s) {
        if (static_cast<std::size_t>(std::popcount(s & chip_mask)) != chips.size() / 2) continue;
        double crossing = 0;
        for (auto [e, end] = boost::edges(g); e != end; ++e)
            if (((s >> boost::source(*e, g)) & 1) != ((s >> boost::target(*e, g)) & 1)) crossing += g[*e].bytes_per_s;
        if (best < 0 || crossing < best) best = crossing;
    }
    return best;
}

} // namespace

TEST_CASE("hop statistics by symmetry equal BFS from every chip", "[metrics]") {
    const std::vector<TopologyParams> cases = {
        FullMeshParams{7, 1, k50},
        SwitchedParams{12, 3, 2, 3, k50},
        ClosParams{3, 4, 2, 2, 2, 2, 2, 1.0, k50, k50},
        TorusParams{{4, 6}, true, {}, 1, k50},
        TorusParams{{4, 8}, true, {0, 2}, 1, k50},
        TorusParams{{5, 6, 3}, true, {0, 0, 4}, 1, k50},
        TorusParams{{5, 4}, false, {}, 1, k50},
        TorusParams{{3, 4, 5}, false, {}, 1, k50},
        NdFullMeshParams{{4, 3, 2}, {1, 2, 1}, k50, 3, 5, k50},
    };
    for (const auto& p : cases) {
        const Topology t = generate(p);
        INFO(t.kind());
        const HopStats by_symmetry = chip_hops(t);
        const HopStats exact = chip_hops(t, {.use_symmetry = false});
        REQUIRE(by_symmetry.method == HopStats::Method::Symmetry);
        REQUIRE(exact.method == HopStats::Method::Exact);
        CHECK(by_symmetry.diameter == exact.diameter);
        CHECK(by_symmetry.mean == Approx(exact.mean).epsilon(1e-12));
    }
}

TEST_CASE("hop statistics are sampled beyond the work budget, and say so", "[metrics]") {
    const Topology t = dragonfly({9, 4, 2, 2, k50, k50}); // no declared symmetry; one BFS visits 432 edge ends
    const HopStats exact = chip_hops(t);
    const HopStats sampled = chip_hops(t, {.work_budget = 10000, .samples = 16, .seed = 7});
    CHECK(exact.method == HopStats::Method::Exact);
    CHECK(sampled.method == HopStats::Method::Sampled);
    CHECK(sampled.sources == 16);
    CHECK(sampled.diameter <= exact.diameter);
    CHECK(sampled.how == "BFS from 16 of 72 chips drawn with seed 7; the diameter is a lower bound");
    const HopStats again = chip_hops(t, {.work_budget = 10000, .samples = 16, .seed = 7});
    CHECK(again.mean == sampled.mean); // same seed, same answer
}

TEST_CASE("bisections claimed exact equal the exhaustive minimum", "[metrics]") {
    const std::vector<TopologyParams> cases = {
        FullMeshParams{6, 1, k50},
        FullMeshParams{5, 2, k50},
        SwitchedParams{8, 2, 1, 1, k50},
        SwitchedParams{6, 1, 2, 3, k50},
        ClosParams{2, 2, 0, 1, 1, 1, 2, 1.0, k50, k50},
        ClosParams{3, 2, 0, 1, 1, 2, 2, 0.5, k50, k50},
        TorusParams{{8}, true, {}, 1, k50},
        TorusParams{{4, 4}, true, {}, 1, k50},
        TorusParams{{4, 2}, true, {}, 1, k50},
        TorusParams{{6, 3}, true, {}, 1, k50},
        TorusParams{{4, 4}, false, {}, 1, k50},
        TorusParams{{2, 2, 2, 2}, true, {}, 1, k50},
        NdFullMeshParams{{4, 4}, {}, k50, 0, 0, k50},
        NdFullMeshParams{{4, 2}, {}, k50, 0, 0, k50},
        NdFullMeshParams{{2, 3, 3}, {}, k50, 0, 0, k50},
        NdFullMeshParams{{4, 3}, {}, k50, 2, 2, k50},
    };
    for (const auto& p : cases) {
        const Topology t = generate(p);
        INFO(t.kind() << " with " << t.num_nodes() << " vertices");
        const Bisection b = bisection(t);
        REQUIRE(b.exact);
        CHECK(b.bytes_per_s == brute_force_bisection(t));
    }
}

TEST_CASE("bisections marked upper bound are never below the exhaustive minimum", "[metrics]") {
    const std::vector<TopologyParams> cases = {
        TorusParams{{4, 4}, true, {0, 1}, 1, k50},
        TorusParams{{5, 3}, true, {}, 1, k50},
        NdFullMeshParams{{4, 2}, {1, 3}, k50, 0, 0, k50},
        ClosParams{4, 2, 0, 1, 1, 2, 1, 2.0, k50, k50},
        DragonflyParams{3, 2, 1, 1, k50, k50},
        DragonflyParams{4, 2, 1, 2, k50, k50},
    };
    for (const auto& p : cases) {
        const Topology t = generate(p);
        INFO(t.kind());
        const Bisection b = bisection(t);
        CHECK_FALSE(b.exact);
        CHECK(b.bytes_per_s >= brute_force_bisection(t));
    }
}

TEST_CASE("Clos bisections over a sweep of small shapes agree with the exhaustive minimum", "[metrics]") {
    // Includes slow uplinks and chips whose cables do not divide evenly over the leaves, where the Clos blocks.
    int checked = 0, exact = 0;
    for (int nodes : {2, 3})
        for (int chips : {1, 2, 3})
            for (int leaves : {1, 2})
                for (int links : {1, 2, 3})
                    for (int spines : {1, 2})
                        for (double oversubscription : {0.5, 1.0, 2.0})
                            for (double uplink : {50e9, 10e9}) {
                                const ClosParams p{nodes,  chips,
                                                   0,      1,
                                                   leaves, links,
                                                   spines, oversubscription,
                                                   k50,    {uplink, 0, LinkKind::Electrical}};
                                Topology t;
                                try {
                                    t = clos(p);
                                } catch (const ParamError&) {
                                    continue; // not a valid Clos
                                }
                                if (t.num_nodes() > 16 || t.count(NodeKind::Chip) < 2) continue;
                                INFO(nodes << " nodes, " << chips << " chips, " << leaves << " leaves, " << links
                                           << " links, " << spines << " spines, " << oversubscription << ", uplink "
                                           << uplink);
                                const Bisection b = bisection(t);
                                const double truth = brute_force_bisection(t);
                                if (b.exact)
                                    CHECK(b.bytes_per_s == truth);
                                else
                                    CHECK(b.bytes_per_s >= truth);
                                ++checked;
                                exact += b.exact;
                            }
    CHECK(checked > 40);
    CHECK(exact > 10);
}

TEST_CASE("nD full mesh bisections of every small shape equal the exhaustive minimum", "[metrics]") {
    // Short odd dimensions ([3, 6]) are where cutting across an even dimension is not minimal.
    const std::vector<std::vector<int>> shapes = {{3, 3},    {3, 4},    {3, 5},    {3, 6},    {2, 7},    {4, 4},
                                                  {2, 2, 3}, {2, 3, 3}, {3, 3, 2}, {2, 2, 4}, {3, 2, 2}, {2, 2, 2, 2}};
    for (const auto& dims : shapes) {
        const Topology t = nd_fullmesh({dims, {}, k50, 0, 0, k50});
        INFO(t.num_nodes() << " chips");
        const Bisection b = bisection(t);
        REQUIRE(b.exact);
        CHECK(b.bytes_per_s == brute_force_bisection(t));
    }
}

TEST_CASE("cut counts the cables crossing a partition", "[metrics]") {
    const Topology ring = torus({{4}, true, {}, 1, k50});
    CHECK(cut(ring, {0, 1, 0, 1}).cables == 4);
    CHECK(cut(ring, {0, 0, 1, 1}).cables == 2);
    CHECK(cut(ring, {0, 0, 0, 0}).bytes_per_s == 0);
}
