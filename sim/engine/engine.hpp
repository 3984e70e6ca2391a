#pragma once
// The engines: time a Schedule on a Topology. This header has no SimGrid types; only sim/engine/*.cpp include
// SimGrid.
//
// simgrid (discrete events): max-min sharing of every cable direction among the flows crossing it, as it
// evolves. analytic (sim/engine/analytic.cpp): the same routes, dependencies and latencies, but each flow
// moves at the rate its busiest cable direction allows given everything its wave (step + chunk) puts there, and
// waves that overlap in time queue on the cables they share; exact where analytic.hpp's conditions E1 and E2 hold
// (RunResult::estimate says when they do not).
//
// Each flow is striped over the paths the Router gives for its chip pair, one SimGrid communication per stripe
// (or one per flow over bundled links, see link_plan.hpp), started as soon as the flows it depends on have
// finished (after their route's latency), by the actor that saw the last of them finish (memory follows the flows
// in flight). SimGrid's Engine is a process-wide singleton, so every simulate() call runs SimGrid in a child
// process and returns the timings; the caller can simulate any number of schedules.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/collectives/schedule.hpp"
#include "sim/routing/router.hpp"
#include "topologies/topology.hpp"

namespace snsim {

enum class EngineKind { simgrid, analytic };
std::string_view to_string(EngineKind kind);
std::optional<EngineKind> engine_from(std::string_view name);

struct EngineOptions {
    EngineKind kind = EngineKind::simgrid;
    double alpha_s = 0;                   // software latency added to every flow (per step of an algorithm)
    double efficiency = 1.0;              // fraction of each cable's bandwidth that flows achieve
    std::vector<std::string> simgrid_cfg; // extra SimGrid settings "key:value", applied after snsim's defaults
    bool bundle_stripes = true;           // one link per bundle of parallel cables when exact (link_plan.hpp)
    double reduction_Bps = 0;             // most a reducing flow moves per second, all stripes together (0: no cap)
    std::size_t max_lanes = 16384;        // discrete-event engine: SimGrid actors at most (sim/engine/simgrid_run.cpp)
};

// SimGrid settings snsim applies by default: CM02 with factors 1, no TCP window, no cross-traffic, no
// latency-weighted sharing, because these fabrics are not TCP (see docs/architecture.md).
const std::vector<std::string>& default_simgrid_cfg();

struct FlowTiming {
    double start_s = 0;
    double finish_s = 0;
};

struct RunResult {
    double time_s = 0;                // when the last flow finished (the schedule starts at 0)
    std::vector<FlowTiming> flows;    // per schedule flow
    std::vector<double> hop_bytes;    // bytes per cable direction (index: Hop), over the whole schedule
    std::size_t communications = 0;   // SimGrid communications (flows x stripes, or flows when bundled)
    bool bundled = false;             // parallel cable directions were bundled into one SimGrid link each
    std::size_t simgrid_peak_kib = 0; // peak resident memory of the SimGrid process (discrete-event engine only)
    // The analytic engine's model did not provably hold (sim/engine/analytic.hpp, E1 and E2): its time is an
    // estimate of the discrete-event engine's. Always false for the discrete-event engine.
    bool estimate = false;
    // Discrete-event engine: sprayed stripes put different fractions on one cable direction, which SimGrid cannot be
    // told exactly (LinkPlan::exact, docs/routing.md), so the time is an approximation.
    bool approximate_plan = false;
};

// Simulates `schedule` with endpoint e on vertex `chips[e]`: rank r on chip chips[r], and for in-network
// algorithms the schedule's reducing switch j on switch chip chips[ranks + j]. Throws InputError when a setting is
// refused (an unknown SimGrid key, a rank without a chip) and std::runtime_error when the engine fails.
RunResult simulate(const Topology& topology, Router& router, const Schedule& schedule,
                   const std::vector<Topology::Vertex>& chips, const EngineOptions& options);

} // namespace snsim
