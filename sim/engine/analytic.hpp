#pragma once
// The analytic engine (EngineKind::analytic): no events, one pass over the flows in dependency order.
//
// A flow starts when its last dependency finishes. Each of its stripes pays alpha and its path's latency (once per
// round of a coalesced flow, Flow::rounds), then moves its bytes at the rate of its busiest cable direction (and
// a reducing flow no faster than the reduction bandwidth), where "busiest" counts every byte that the flows of
// the same wave (step + chunk: in a pipeline, chunk c of step k moves with chunk c+1 of step k-1) put on that
// direction: a direction carrying L bytes of that wave at bandwidth B takes L / B to drain, and the stripe ends
// when its slowest direction has drained. The flow ends with its last stripe.
//
// Where no cable direction carries two flows of one wave (rings, pipelined or not, trees, recursive doubling, one-shot
// schedules on a switch), this is what max-min sharing gives, and it agrees with the discrete-event engine to
// rounding. Where flows of a step share cables unevenly, or flows of different steps overlap in time, it is an
// estimate (tests/test_analytic.cpp reports the difference on the presets).
#include <vector>

#include "sim/engine/engine.hpp"

namespace snsim::engine {

// Bytes per second of every cable direction (index: Hop) at `efficiency`, for reading once per hop.
std::vector<double> direction_rates(const Topology& topology, double efficiency);

std::vector<FlowTiming> run_analytic(const Topology& topology, const Schedule& schedule,
                                     const std::vector<const std::vector<Path>*>& stripes,
                                     const EngineOptions& options);

} // namespace snsim::engine
