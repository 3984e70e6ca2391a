// The engine's link plan: parallel cable directions are bundled into one SimGrid link exactly when every flow
// that crosses one of them crosses all of them (one stripe each) and they are alike; otherwise every cable
// direction is its own link. Then the engine gives the same times either way, on contended schedules.
#include <catch2/catch.hpp>

#include "sim/collectives/collective.hpp"
#include "sim/engine/engine.hpp"
#include "sim/engine/link_plan.hpp"
#include "topologies/generators/generators.hpp"

using namespace snsim;

namespace {

constexpr double kB = 100e9, kLat = 500e-9;
const LinkSpec k100{kB, kLat, LinkKind::Electrical};

std::vector<const std::vector<Path>*> stripes_of(Router& r, const Topology& t, const Schedule& s) {
    const auto chips = t.nodes_of(NodeKind::Chip);
    std::vector<const std::vector<Path>*> stripes;
    for (FlowId f = 0; f < s.size(); ++f)
        stripes.push_back(&r.paths(chips[s.flow(f).src], chips[s.flow(f).dst]));
    return stripes;
}

double relative(double got, double want) {
    return std::abs(got - want) / want;
}

// Relative difference of two simulated times, or 0 within SimGrid's precision of them (precision/timing, 1e-9 s:
// a flow that streams after its predecessor pays part of a latency, and bundling can move its events by a step).
double time_apart(double got, double want) {
    return std::abs(got - want) <= 2e-9 ? 0.0 : relative(got, want);
}

// Simulates `s` with and without bundling and checks that every flow starts and finishes at the same time.
void check_same_times(const Topology& t, const RoutingOptions& routing, const Schedule& s, double alpha_s,
                      bool expect_bundled) {
    Router r(t, routing);
    const auto chips = t.nodes_of(NodeKind::Chip);
    const auto bundled = simulate(t, r, s, chips, {.alpha_s = alpha_s, .bundle_stripes = true});
    const auto separate = simulate(t, r, s, chips, {.alpha_s = alpha_s, .bundle_stripes = false});
    CHECK(bundled.bundled == expect_bundled);
    CHECK_FALSE(separate.bundled);
    if (expect_bundled) CHECK(bundled.communications < separate.communications);
    REQUIRE(bundled.flows.size() == separate.flows.size());
    double worst = 0;
    for (std::size_t f = 0; f < s.size(); ++f) {
        worst = std::max(worst, time_apart(bundled.flows[f].finish_s, separate.flows[f].finish_s));
        if (separate.flows[f].start_s > 0)
            worst = std::max(worst, time_apart(bundled.flows[f].start_s, separate.flows[f].start_s));
    }
    CHECK(worst < 1e-9);
    CHECK(time_apart(bundled.time_s, separate.time_s) < 1e-9);
}

} // namespace

TEST_CASE("a plane-striped switched fabric is bundled per chip and direction", "[engine][link_plan]") {
    // 4 chips, 3 planes of 2 switch chips, 2 cables per chip per plane: 6 parallel cables per chip.
    const Topology t = switched({4, 3, 2, 2, k100});
    Router r(t, {});
    const Schedule s = build_schedule(Collective::alltoall, Algorithm::direct, 4, {.bytes = 1e6});
    const auto stripes = stripes_of(r, t, s);
    REQUIRE(stripes[0]->size() == 6);
    const LinkPlan plan = plan_links(t, stripes, 0.9, true);
    CHECK(plan.bundled());
    CHECK(plan.links.size() == 8); // every chip: one bundle up, one bundle down
    for (const auto& link : plan.links) {
        CHECK(link.hops.size() == 6);
        CHECK(relative(link.bytes_per_s, 6 * 0.9 * kB) < 1e-12);
        CHECK(link.latency_s == kLat);
    }
    for (const auto& set : plan.route_sets) {
        REQUIRE(set.size() == 1);
        CHECK(set[0].size() == 2);
    }
    CHECK(plan.communications() == s.size());

    const LinkPlan separate = plan_links(t, stripes, 0.9, false);
    CHECK_FALSE(separate.bundled());
    CHECK(separate.links.size() == 4 * 6 * 2);
    CHECK(separate.communications() == 6 * s.size());
}

TEST_CASE("a cable direction used alone by one flow and in a bundle by another is not bundled", "[engine][link_plan]") {
    const Topology t = switched({3, 2, 1, 1, k100});
    Router r(t, {});
    const auto chips = t.nodes_of(NodeKind::Chip);
    const auto& both = r.paths(chips[0], chips[1]);
    REQUIRE(both.size() == 2);
    const std::vector<Path> one_plane{both[0]};
    const LinkPlan plan = plan_links(t, {&both, &one_plane}, 1.0, true);
    CHECK_FALSE(plan.bundled());
    CHECK(plan.links.size() == 4);
    CHECK(plan.communications() == 3);
}

TEST_CASE("parallel cables of different bandwidth are not bundled", "[engine][link_plan]") {
    Topology t;
    const auto a = t.add_node({"a", NodeKind::Chip, {}});
    const auto b = t.add_node({"b", NodeKind::Chip, {}});
    const auto fast = t.add_node({"fast", NodeKind::Switch, {}});
    const auto slow = t.add_node({"slow", NodeKind::Switch, {}});
    t.add_link(a, fast, {kB, kLat, 0});
    t.add_link(fast, b, {kB, kLat, 0});
    t.add_link(a, slow, {kB / 2, kLat, 1});
    t.add_link(slow, b, {kB / 2, kLat, 1});
    Router r(t, {});
    const auto& paths = r.paths(a, b);
    REQUIRE(paths.size() == 2);
    const LinkPlan plan = plan_links(t, {&paths}, 1.0, true);
    CHECK_FALSE(plan.bundled());
    CHECK(plan.communications() == 2);
}

TEST_CASE("bundled and separate links give the same flow times on contended schedules", "[engine][link_plan]") {
    const Topology t = switched({8, 4, 2, 2, k100});
    const RoutingOptions ecmp{};
    SECTION("alltoall, every destination shared by 7 senders") {
        check_same_times(t, ecmp, build_schedule(Collective::alltoall, Algorithm::direct, 8, {.bytes = 8e6}), 0, true);
    }
    SECTION("ring allreduce, chunked, with software latency") {
        check_same_times(t, ecmp,
                         build_schedule(Collective::allreduce, Algorithm::ring, 8, {.bytes = 1e9, .chunks = 3}), 2e-6,
                         true);
    }
    SECTION("binomial broadcast from rank 3 (unequal fan-out)") {
        check_same_times(t, ecmp,
                         build_schedule(Collective::broadcast, Algorithm::binomial_tree, 8, {.bytes = 1e8, .root = 3}),
                         0, true);
    }
    SECTION("double binary tree allreduce, chunked") {
        check_same_times(
            t, ecmp,
            build_schedule(Collective::allreduce, Algorithm::double_binary_tree, 8, {.bytes = 1e8, .chunks = 4}), 1e-6,
            true);
    }
    SECTION("a torus, whose diagonal flows stripe over cables that neighbours use alone, is not bundled") {
        const Topology torus2d = torus({{4, 4}, true, {}, 1, k100});
        check_same_times(torus2d, ecmp, build_schedule(Collective::alltoall, Algorithm::direct, 16, {.bytes = 16e6}), 0,
                         false);
    }
}
