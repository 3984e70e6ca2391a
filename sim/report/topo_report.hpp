#pragma once
// Presents TopologyMetrics: an aligned console table with units, and JSON (base units in the key names:
// _Bps = bytes per second per direction).
#include <string>

#include <nlohmann/json.hpp>

#include "topologies/metrics/metrics.hpp"

namespace snsim::report {

struct TopoSource {
    std::string name;   // experiment label
    std::string config; // config file path
    std::uint64_t seed = 1;
    FaultSummary faults; // what the config's faults removed or degraded
};

// "removed 1 chip, 0 switch chips, 14 cables; 0 cables degraded".
std::string faults_text(const FaultSummary& faults);
// The same as JSON: removed_chips, removed_switches, removed_cables, degraded_cables, failed_chips.
nlohmann::ordered_json faults_json(const FaultSummary& faults);
std::string topo_table(const TopoSource& source, const TopologyMetrics& m);
nlohmann::ordered_json topo_json(const TopoSource& source, const TopologyMetrics& m);

} // namespace snsim::report
