#pragma once
// From a validated Config to a built Topology: maps `topology.*` keys onto generator parameters, applies the
// memory guard rail before anything is allocated, reports a generator's ParamError at the key's line, and applies
// the `faults` section (sim/config/fault_request.hpp).
#include "sim/config/config.hpp"
#include "topologies/generate.hpp"
#include "topologies/metrics/hops.hpp"

namespace snsim::config {

TopologyParams topology_params(const Config& config);
Topology build_topology(const Config& config);
HopOptions hop_options(const Config& config);

} // namespace snsim::config
