#pragma once
// The analytic engine (EngineKind::analytic): no events of its own, one pass over the flows in order of start.
//
// Waves. A flow's wave is its step + chunk (in a pipeline, chunk c of step k moves with chunk c+1 of step k-1).
// A flow starts when its last dependency finishes. Each of its stripes pays alpha and its path's latency (once
// per round of a coalesced flow, Flow::rounds; less what the flow it follows has covered: streaming.hpp), then
// moves its b bytes; L_h is what the flows of its wave put on
// cable direction h of rate C_h (bandwidth x efficiency), and the stripe's drain is
//   d = max(max over its directions of L_h / C_h, flow bytes / reduction bandwidth for a reducing flow):
// it ends when its busiest direction has drained its wave's bytes. The flow ends with its last stripe.
//
// Cables between waves. Flows of different waves that overlap in time on a cable direction share it too (after a
// slow step, the ranks downstream of it run ahead and their next steps overlap the slow one's). So each cable
// direction also keeps a queue: a stripe ready at r holds direction h for b / C_h from max(r, the end of what
// earlier stripes hold there), in order of start, and it ends no earlier than its hold on each of its directions.
// Hence every direction is held for (all its bytes) / C_h in disjoint intervals that start no earlier than the
// least one-cable latency, and the opener of each interval ends no earlier than it: the run takes at least
// (bytes of any direction) / C_h plus that latency, so the lower bounds of sim/report/bounds.hpp (injection and
// bisection are sums of such directions) hold for this engine as for max-min sharing. Without the queue a run
// with one degraded cable took 103.7% of its bound (tests/test_analytic.cpp).
//
// When it is exact (AnalyticRun::exact). The time equals max-min sharing's (the discrete-event engine's, to
// rounding) when both conditions hold; they are checked during the pass, at a cost linear in the stripes' hops:
//   E1 (waves apart): no cable direction is used by stripes of two waves at overlapping times (each stripe is
//      taken to use its directions from its ready time to its flow's finish), and so no queue ever delays one;
//   E2 (even sharing): within a wave, stripes that share a direction are ready at the same instant, and every
//      stripe s has a direction h with L_h / C_h = d_s on which every stripe has the same drain d_s and none
//      carries more bytes than s (or s is held back by the reduction bandwidth alone).
// Proof of E2: the constant rates b_s / d_s are feasible (on h they sum to at most L_h / (L_h / C_h) = C_h), and
// each stripe has a saturated direction on which its rate is the largest, so they are the max-min allocation;
// when a stripe ends, the others keep their saturated direction (all on it end together), so the rates stay. By
// E1, max-min decomposes into waves that never meet. Otherwise (uneven sharing, overlapping waves, stripes of a
// wave ready at different instants) the time is an estimate and reports say so; the size of the disagreement on
// the presets is measured by tests/test_fault_bounds.cpp.
#include <vector>

#include "sim/engine/engine.hpp"

namespace snsim::engine {

// Bytes per second of every cable direction (index: Hop) at `efficiency`, for reading once per hop.
std::vector<double> direction_rates(const Topology& topology, double efficiency);

struct AnalyticRun {
    std::vector<FlowTiming> flows; // per schedule flow
    bool exact = true;             // E1 and E2 above hold: the time is max-min sharing's
};

AnalyticRun run_analytic(const Topology& topology, const Schedule& schedule,
                         const std::vector<const std::vector<Path>*>& stripes, const EngineOptions& options);

} // namespace snsim::engine
