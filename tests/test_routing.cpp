// Routing on generated topologies: path lengths equal graph distances, stripes spread over planes and parallel
// cables, dimension order corrects coordinates lowest dimension first.
#include <catch2/catch.hpp>

#include <set>

#include "sim/routing/router.hpp"
#include "topologies/errors.hpp"
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
