#pragma once
// Runs one schedule on SimGrid in this process (which must not have run SimGrid before). Used by simulate()
// inside its child process.
#include <vector>

#include "sim/engine/engine.hpp"

namespace snsim::engine {

// `stripes[f]` are the paths flow f is striped over.
std::vector<FlowTiming> run_simgrid(const Topology& topology, const Schedule& schedule,
                                    const std::vector<Topology::Vertex>& chips,
                                    const std::vector<const std::vector<Path>*>& stripes, const EngineOptions& options);

} // namespace snsim::engine
