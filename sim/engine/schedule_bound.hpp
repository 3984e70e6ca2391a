#pragma once
// A lower bound on the time an engine gives a Schedule, found without running the engine: what lets
// `--algorithm best` skip a candidate that cannot beat the best time found so far (sim/experiment/best.hpp).
//
//   chain: both engines start a flow when the last flow it depends on ends, and a flow lasts at least, on each of
//          its stripes, rounds x (alpha + the stripe's path latency), less the latency covered by the flow it
//          follows (sim/engine/streaming.hpp), plus the stripe's bytes at the slowest cable
//          direction of its path as if alone on the fabric (a sprayed stripe: its fraction of them on each
//          direction; and no less than its bytes at the reduction bandwidth when it reduces): so the longest chain
//          of such durations is a bound for both engines.
//   cable: no cable direction moves more than its bandwidth x efficiency per second (the spray plan's links never
//          let a direction carry more: sim/engine/spray_plan.cpp), and no byte crosses it before the earliest
//          chain start + alpha + path latency of the stripes that cross it (a transfer moves only after its
//          route's latency), so a discrete-event run lasts at least that start plus the bytes the whole schedule
//          puts on the direction divided by its rate. Not for the
//          analytic engine: it drains each wave's bytes on its own, and waves that do not depend on each other may
//          overlap on a cable.
#include <vector>

#include "sim/engine/engine.hpp"

namespace snsim::engine {

// `endpoints[e]`: the chip of schedule endpoint e, as simulate() takes them. Routes through `router` (its cache
// then holds every pair, as simulate() would).
double schedule_lower_bound(const Topology& topology, Router& router, const Schedule& schedule,
                            const std::vector<Topology::Vertex>& endpoints, const EngineOptions& options);

} // namespace snsim::engine
