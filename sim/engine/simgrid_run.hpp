#pragma once
// Runs one schedule on SimGrid in this process (which must not have run SimGrid before). Used by simulate()
// inside its child process.
#include <vector>

#include "sim/engine/engine.hpp"
#include "sim/engine/link_plan.hpp"

namespace snsim::engine {

std::vector<FlowTiming> run_simgrid(const Topology& topology, const Schedule& schedule,
                                    const std::vector<Topology::Vertex>& chips, const LinkPlan& plan,
                                    const EngineOptions& options);

} // namespace snsim::engine
