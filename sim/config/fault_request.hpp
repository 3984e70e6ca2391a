#pragma once
// From the config's `faults` section to topologies/faults: the FaultSpec (random faults seeded by the top-level
// `seed`), the degraded Topology, and the check that a communicator survived in one piece. Errors point at the
// faults key's line and name the pattern or the unreachable chips.
#include <vector>

#include "sim/config/config.hpp"
#include "topologies/faults.hpp"

namespace snsim::config {

FaultSpec fault_spec(const Config& config);

// `healthy` with the config's faults applied (unchanged when the section is absent).
Topology with_faults(const Config& config, Topology healthy);

// Throws ConfigError naming the first few chips of `chips` that cannot reach the first, and how many, when
// faults split them. A healthy topology is connected by construction, so this only looks when faults removed parts.
void check_connected(const Config& config, const Topology& topology, const std::vector<Topology::Vertex>& chips);

} // namespace snsim::config
