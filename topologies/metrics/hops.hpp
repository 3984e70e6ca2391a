#pragma once
// Hop counts between chips (cables crossed, switch chips included: chip-switch-chip is 2 hops), by
// breadth-first search. Exact by BFS from every chip where affordable; exact by symmetry when the generator
// declared chip orbits; otherwise sampled from seeded random chips, and then the diameter is a lower bound.
// On a cluster the hops are those its routes keep to (sim/routing/router.hpp): inside a supernode without its NICs,
// between supernodes from NIC to NIC through scale-out switches, not the graph's shortcuts.
#include <cstdint>
#include <string>

#include "topologies/topology.hpp"

namespace snsim {

struct HopOptions {
    double work_budget = 1e9;  // BFS edge visits allowed for an exact all-sources answer
    std::size_t samples = 256; // sources when sampling
    std::uint64_t seed = 1;
    bool use_symmetry = true; // tests turn it off to check the orbits against all-sources BFS
};

struct HopStats {
    enum class Method { Exact, Symmetry, Sampled };
    Method method = Method::Exact;
    int diameter = 0;        // max hops over chip pairs (a lower bound when sampled)
    double mean = 0;         // mean hops over ordered pairs of distinct chips
    std::size_t sources = 0; // BFS runs made
    std::string how;         // one line for the report
};

std::string_view to_string(HopStats::Method method);

// Requires every chip to reach every other (throws InputError naming an unreachable chip otherwise).
HopStats chip_hops(const Topology& t, const HopOptions& options = {});

} // namespace snsim
