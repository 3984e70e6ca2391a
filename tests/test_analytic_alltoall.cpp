// Direct alltoall on the analytic engine, computed per (source, destination class) without listing its flows
// (sim/engine/analytic_alltoall), against the analytic engine run on the listed schedule: same time and same
// bytes on every cable direction, to rounding, on topologies with large classes (switch tiers, a Clos with
// unequal latencies and parallel cables) and with one chip per class (meshes), for spray and shortest routing,
// partial communicators, alpha and efficiency.
#include <catch2/catch.hpp>

#include "sim/collectives/collective.hpp"
#include "sim/engine/analytic_alltoall.hpp"
#include "sim/engine/engine.hpp"
#include "topologies/generators/generators.hpp"

using namespace snsim;

namespace {

const LinkSpec k50{50e9, 300e-9, LinkKind::Electrical};
const LinkSpec k25far{25e9, 900e-9, LinkKind::Optical};

// Largest relative difference in time, and in bytes of any cable direction (relative to the busiest).
std::pair<double, double> difference(const Topology& t, std::vector<Topology::Vertex> chips, RoutingOptions routing,
                                     EngineOptions options = {}) {
    options.kind = EngineKind::analytic;
    const double pair_bytes = 3e6;
    const auto p = static_cast<Rank>(chips.size());
    Router listed_router(t, routing), listless_router(t, routing);
    const Schedule s = build_schedule(Collective::alltoall, Algorithm::direct, p, {.bytes = pair_bytes * p});
    const RunResult listed = simulate(t, listed_router, s, chips, options);
    const RunResult listless = engine::analytic_alltoall(t, listless_router, chips, pair_bytes, options);
    REQUIRE(listed.hop_bytes.size() == listless.hop_bytes.size());
    REQUIRE(listed.time_s > 0);
    double busiest = 0, bytes = 0;
    for (double b : listed.hop_bytes)
        busiest = std::max(busiest, b);
    for (std::size_t h = 0; h < listed.hop_bytes.size(); ++h)
        bytes = std::max(bytes, std::abs(listed.hop_bytes[h] - listless.hop_bytes[h]) / busiest);
    CHECK(listless.communications == listed.communications);
    return {std::abs(listed.time_s - listless.time_s) / listed.time_s, bytes};
}

void check_agrees(const Topology& t, RoutingOptions routing = {RouteStrategy::Spray, 0}, EngineOptions options = {},
                  std::size_t stride = 1) {
    std::vector<Topology::Vertex> chips;
    const auto all = t.nodes_of(NodeKind::Chip);
    for (std::size_t i = 0; i < all.size(); i += stride)
        chips.push_back(all[i]);
    const auto [time, bytes] = difference(t, chips, routing, options);
    CHECK(time < 1e-12);
    CHECK(bytes < 1e-12);
}

// A Clos whose classes are nodes; uplinks slower and farther than the chips' cables; oversubscribed.
const ClosParams clos_params{.nodes = 4,
                             .chips_per_node = 4,
                             .planes = 2,
                             .links_per_chip_per_plane = 2,
                             .spines_per_plane = 2,
                             .oversubscription = 2,
                             .link = k50,
                             .uplink = k25far};

} // namespace

TEST_CASE("listless alltoall: equals the listed schedule on switch tiers", "[analytic][alltoall]") {
    const RoutingOptions spray{RouteStrategy::Spray, 0}, shortest{RouteStrategy::Shortest, 0};
    // One class: every chip on the same switches (planes, and two cables per plane dealt over two switches).
    check_agrees(switched({16, 3, 1, 1, k50}));
    check_agrees(switched({12, 2, 2, 4, k50}));
    check_agrees(switched({12, 2, 2, 4, k50}), shortest);
    // The Clos (classes are nodes), with alpha and efficiency.
    check_agrees(clos(clos_params));
    check_agrees(clos(clos_params), shortest);
    check_agrees(clos(clos_params), spray, {.alpha_s = 2e-6, .efficiency = 0.8});
    // Part of the machine: every second chip (a class keeps only its communicator's chips).
    check_agrees(clos(clos_params), spray, {}, 2);
    // Chips next to switches and to each other: an nD full mesh with a switch tier.
    check_agrees(nd_fullmesh({{4, 3}, {1, 0}, k50, 2, 2, k25far}));
}

TEST_CASE("listless alltoall: ecmp, one destination at a time, equals the listed schedule", "[analytic][alltoall]") {
    // Hashed on the destination, ecmp's stripes to two chips of a node part at the source's leaf: each chip is
    // its own class, walked as Router::paths walks it (stripes asked for or one per first cable).
    const RoutingOptions ecmp{RouteStrategy::Ecmp, 0};
    check_agrees(clos(clos_params), ecmp);
    check_agrees(clos(clos_params), {RouteStrategy::Ecmp, 3}, {.alpha_s = 2e-6, .efficiency = 0.8});
    check_agrees(switched({12, 2, 2, 4, k50}), ecmp, {}, 2);
    check_agrees(torus({{4, 3}, true, {}, 2, k50}), ecmp);
    check_agrees(nd_fullmesh({{4, 3}, {1, 0}, k50, 2, 2, k25far}), ecmp);
}

TEST_CASE("listless alltoall: equals the listed schedule where every chip is its own class", "[analytic][alltoall]") {
    check_agrees(full_mesh({6, 2, k50}));
    check_agrees(torus({{4, 3}, true, {}, 1, k50}));
    check_agrees(torus({{4, 4}, false, {}, 2, k50}), {RouteStrategy::Shortest, 0});
}
