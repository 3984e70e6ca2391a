#pragma once
// Everything `snsim topo` reports about a topology, measured on the graph itself.
#include <cstddef>
#include <optional>
#include <string>

#include "topologies/metrics/bisection.hpp"
#include "topologies/metrics/hops.hpp"

namespace snsim {

struct Spread {
    double min = 0, mean = 0, max = 0;
};

// A cluster's two tiers (Topology::cluster()), for `snsim topo`.
struct ClusterMetrics {
    std::size_t supernodes = 0, chips_per_supernode = 0;
    std::string network;
    std::size_t scale_out_cables = 0, scale_out_switches = 0;
    Spread scale_up_injection_bytes_per_s;  // per chip, its scale-up cables, one direction
    Spread scale_out_injection_bytes_per_s; // per chip, its NICs, one direction
    Bisection supernode_bisection;          // the scale-up tier: one supernode alone
    double supernode_out_bytes_per_s = 0;   // the least, over supernodes, of its NIC bandwidth out (one direction)
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
    std::optional<BisectionFloor> bisection_floor; // when the bisection is not exact and the work fits the budget
    std::optional<ClusterMetrics> cluster;
};

TopologyMetrics measure(const Topology& t, const HopOptions& hop_options = {});

} // namespace snsim
