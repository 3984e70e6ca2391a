#pragma once
// Everything `snsim topo` reports about a topology, measured on the graph itself.
#include <cstddef>
#include <string>

#include "topologies/metrics/bisection.hpp"
#include "topologies/metrics/hops.hpp"

namespace snsim {

struct Spread {
    double min = 0, mean = 0, max = 0;
};

struct TopologyMetrics {
    std::string kind;
    std::size_t chips = 0, switches = 0, cpus = 0;
    std::size_t cables = 0, optical_cables = 0;
    std::size_t switch_ports = 0;     // cable ends on switch chips
    std::size_t max_switch_ports = 0; // the busiest switch chip's radix in use
    Spread chip_degree;               // cables per chip
    Spread injection_bytes_per_s;     // per chip, one direction
    double total_bytes_per_s = 0;     // sum over cables, one direction
    HopStats hops;
    Bisection bisection;
};

TopologyMetrics measure(const Topology& t, const HopOptions& hop_options = {});

} // namespace snsim
