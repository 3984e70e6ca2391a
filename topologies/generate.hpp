#pragma once
// One entry point over all generators, with the memory guard rail that runs before anything is allocated.
#include <cstdint>
#include <string>
#include <variant>

#include "topologies/generators/generators.hpp"

namespace snsim {

using TopologyParams = std::variant<FullMeshParams, SwitchedParams, ClosParams, TorusParams, NdFullMeshParams,
                                    DragonflyParams, CustomParams, ClusterParams>;

// Vertices and cables a generator will create, computed from the parameters alone in doubles, so absurd
// parameters cannot overflow. Exact for every generator but two: dragonfly gives an upper bound (global ports may
// stay unused), custom graphs are unknown until read (zero; their readers apply `max_cables`).
struct GraphSize {
    double nodes = 0;
    double links = 0;
};
GraphSize expected_size(const TopologyParams& params);

// An upper bound on the peak resident bytes of `snsim topo` (the graph, its name index and the metrics' work),
// per vertex and per cable. Measured (peak RSS with /usr/bin/time, docs/hostile-input.md "Memory guard"): full
// mesh 2,000 and 4,000 chips 255 and 246 B per cable; 100^3 torus (1M vertices, 3M cables) 1.20 GB; switched
// 1M chips x 2 planes 0.83 GB; 64x64x16 nD full mesh 1.42 GB; a 300k-vertex, 4.5M-cable Clos 1.24 GB. 384 and
// 384 bound every one (the torus closest: 1.54 GB estimated); the earlier 256 and 128 were 1.9x low.
constexpr double kBytesPerVertex = 384, kBytesPerCable = 384;
double estimated_bytes(const GraphSize& size);

// Throws ParamError naming `chips` (or the generator's size key) when the graph would exceed `memory_budget`.
void check_fits(const TopologyParams& params, double memory_budget_bytes);

Topology generate(const TopologyParams& params);

} // namespace snsim
