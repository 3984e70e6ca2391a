// The analytic engine against the discrete-event engine: flow by flow to 1e-9 where no cable direction carries
// two flows of one wave, step + chunk (where both are exact), and the disagreement printed where flows share
// cables unevenly (where the analytic engine is an estimate).
#include <catch2/catch.hpp>

#include <iostream>

#include <fmt/format.h>

#include "sim/collectives/collective.hpp"
#include "sim/config/config.hpp"
#include "sim/config/run_request.hpp"
#include "sim/config/topology_request.hpp"
#include "sim/engine/engine.hpp"
#include "sim/engine/schedule_bound.hpp"
#include "topologies/faults.hpp"
#include "sim/experiment/dimension_paths.hpp"
#include "topologies/generators/generators.hpp"

using namespace snsim;

namespace {

const LinkSpec k50{50e9, 300e-9, LinkKind::Electrical};

// Largest relative difference between the engines over every flow's start and finish.
double disagreement(const Topology& t, const Schedule& s, const std::vector<Topology::Vertex>& endpoints,
                    EngineOptions options, RoutingOptions routing = {}) {
    Router router(t, routing);
    const auto des = simulate(t, router, s, endpoints, options);
    options.kind = EngineKind::analytic;
    const auto analytic = simulate(t, router, s, endpoints, options);
    CHECK_FALSE(analytic.estimate); // used where the model holds: the engine must say it is exact
    double worst = std::abs(analytic.time_s - des.time_s) / des.time_s;
    for (std::size_t f = 0; f < s.size(); ++f) {
        worst = std::max(worst, std::abs(analytic.flows[f].finish_s - des.flows[f].finish_s) / des.time_s);
        worst = std::max(worst, std::abs(analytic.flows[f].start_s - des.flows[f].start_s) / des.time_s);
    }
    return worst;
}

double disagreement(const Topology& t, Collective c, Algorithm a, CollectiveParams params, double alpha = 1e-6,
                    RoutingOptions routing = {}) {
    const auto chips = t.nodes_of(NodeKind::Chip);
    std::vector<Topology::Vertex> endpoints = chips;
    if (a == Algorithm::in_switch) {
        const auto switches = t.nodes_of(NodeKind::Switch);
        endpoints.insert(endpoints.end(), switches.begin(), switches.end());
        params.switches = static_cast<Rank>(switches.size());
    }
    const Schedule s = build_schedule(c, a, static_cast<Rank>(chips.size()), params);
    return disagreement(t, s, endpoints, {.alpha_s = alpha}, routing);
}

} // namespace

TEST_CASE("analytic: agrees with the discrete-event engine where no cable is shared within a step", "[analytic]") {
    const RoutingOptions shortest{RouteStrategy::Shortest, 0};
    CHECK(disagreement(torus({{8}, true, {}, 1, k50}), Collective::allreduce, Algorithm::ring, {.bytes = 1e9}, 1e-6,
                       shortest) < 1e-9);
    CHECK(disagreement(switched({16, 1, 1, 1, k50}), Collective::allreduce, Algorithm::ring, {.bytes = 1e9}) < 1e-9);
    CHECK(disagreement(switched({8, 9, 1, 1, k50}), Collective::allreduce, Algorithm::ring, {.bytes = 1e9}) < 1e-9);
    CHECK(disagreement(switched({8, 2, 1, 1, k50}), Collective::allreduce, Algorithm::bidirectional_ring,
                       {.bytes = 1e9}) < 1e-9);
    CHECK(disagreement(full_mesh({8, 1, k50}), Collective::allreduce, Algorithm::recursive_doubling, {.bytes = 1e8}) <
          1e-9);
    CHECK(disagreement(switched({12, 1, 1, 1, k50}), Collective::allgather, Algorithm::direct, {.bytes = 1.2e8}) <
          1e-9);
    CHECK(disagreement(switched({8, 1, 1, 1, k50}), Collective::broadcast, Algorithm::binomial_tree,
                       {.bytes = 1e8, .root = 3}) < 1e-9);
    CHECK(disagreement(switched({8, 4, 1, 1, k50}), Collective::allreduce, Algorithm::in_switch, {.bytes = 1e9}) <
          1e-9);
    CHECK(disagreement(full_mesh({8, 1, k50}), Collective::alltoall, Algorithm::direct, {.bytes = 8e7}) < 1e-9);
    // Pipelined, one message per cable: the chunks stream (Flow::follows), each paying alpha and the first the
    // route latency too.
    CHECK(disagreement(torus({{8}, true, {}, 1, k50}), Collective::broadcast, Algorithm::ring,
                       {.bytes = 64e6, .chunks = 16}, 1e-6, shortest) < 1e-9);
    // Hand-written: two equal flows on one cable direction share it evenly in both engines.
    const Topology line = switched({3, 1, 1, 1, k50});
    Schedule s(3);
    s.add({0, 2, 1e8, 0, FlowOp::Copy, 0, 1});
    s.add({1, 2, 1e8, 0, FlowOp::Copy, 0, 1});
    CHECK(disagreement(line, s, line.nodes_of(NodeKind::Chip), {}) < 1e-9);
}

TEST_CASE("analytic: streamed chunks that meet another wave's on a cable make the time an estimate", "[analytic]") {
    // A chunked ring on a switch: chunk c of step k shares its cable with chunk c+1 of step k-1 (one wave, step +
    // chunk), but a chunk that streams after its predecessor (Flow::follows) skips the cable latency its
    // neighbour pays, so the two are ready at different instants and E2 fails. The analytic engine must say so;
    // both engines stay above the schedule's bound. The disagreement is printed.
    const Topology t = switched({8, 6, 1, 2, k50});
    const auto chips = t.nodes_of(NodeKind::Chip);
    Router router(t, {});
    const Schedule s = build_schedule(Collective::allreduce, Algorithm::ring, 8, {.bytes = 64e6, .chunks = 8});
    const RunResult des = simulate(t, router, s, chips, {.alpha_s = 1e-6});
    const RunResult analytic = simulate(t, router, s, chips, {.kind = EngineKind::analytic, .alpha_s = 1e-6});
    CHECK(analytic.estimate);
    CHECK(des.time_s >= engine::schedule_lower_bound(t, router, s, chips, {.alpha_s = 1e-6}));
    CHECK(analytic.time_s >=
          engine::schedule_lower_bound(t, router, s, chips, {.kind = EngineKind::analytic, .alpha_s = 1e-6}));
    std::cout << fmt::format("chunked ring, 8 chips, 8 chunks: simgrid {:.2f} us, analytic {:.2f} us (estimate, "
                             "{:+.1f}%)\n",
                             des.time_s * 1e6, analytic.time_s * 1e6, (analytic.time_s / des.time_s - 1) * 100);
}

TEST_CASE("analytic: a degraded cable: waves that overlap queue on it, and the time says it is an estimate",
          "[analytic][faults]") {
    // 8 chips, 2 planes of one switch chip, 50 GB/s and 200 ns cables; c1's plane-0 cable at half bandwidth. A ring
    // allreduce of S stripes each step's S/8 over both planes, so both directions of the slow cable carry 2(p-1)
    // stripes of S/16 at B/2: at least 2(p-1) S / (p B) on any engine. Before the queue, the analytic engine let
    // the ranks after the slow cable run ahead and their overlapping steps each use it at full speed: 24.16 ms,
    // 103.7% of the bound and half the discrete-event engine's 46.18 ms. Now the slow direction is held from the
    // first stripe's arrival (2L) back to back: c1's step-k send is ready 2L after c0's step-k send into c1, which
    // the down direction delivers every S/(pB), so c1's last send ends at 2(p-1) S/(pB) + 4L.
    const double p = 8, B = 50e9, L = 200e-9, S = 1024.0 * 1024 * 1024;
    FaultSpec spec;
    spec.degraded.links = {"c1 - p0.sw0"};
    const Topology t = apply_faults(switched({8, 2, 1, 1, {B, L, LinkKind::Electrical}}), spec);
    Router router(t, {});
    const auto chips = t.nodes_of(NodeKind::Chip);
    const Schedule s = build_schedule(Collective::allreduce, Algorithm::ring, 8, {.bytes = S});
    const RunResult des = simulate(t, router, s, chips, {});
    const RunResult analytic = simulate(t, router, s, chips, {.kind = EngineKind::analytic});
    const double drain = 2 * (p - 1) * S / (p * B);
    CHECK(analytic.time_s == Approx(drain + 4 * L).epsilon(1e-9));
    CHECK(analytic.estimate);
    CHECK(des.time_s >= drain);
    CHECK(!des.estimate);
    std::cout << fmt::format("degraded cable, 8 chips: simgrid {:.2f} us, analytic {:.2f} us (estimate)\n",
                             des.time_s * 1e6, analytic.time_s * 1e6);
}
