#pragma once
// One entry point over all generators, with the memory guard rail that runs before anything is allocated.
#include <cstdint>
#include <string>
#include <variant>

#include "topologies/generators/generators.hpp"

namespace snsim {

using TopologyParams = std::variant<FullMeshParams, SwitchedParams, ClosParams, TorusParams, NdFullMeshParams,
                                    DragonflyParams, CustomParams>;

// Vertices and cables a generator will create, computed from the parameters alone in doubles, so absurd
// parameters cannot overflow. Exact for every generator but two: dragonfly gives an upper bound (global ports may
// stay unused), custom graphs are unknown until read (zero; their readers apply `max_cables`).
struct GraphSize {
    double nodes = 0;
    double links = 0;
};
GraphSize expected_size(const TopologyParams& params);

// Approximate resident bytes of a Topology, per vertex (bundled Node, adjacency vector, name index) and per cable
// (edge list node plus two adjacency entries); bench/topo_scale measures 121-188 B per cable all stages included.
constexpr double kBytesPerVertex = 256, kBytesPerCable = 128;
double estimated_bytes(const GraphSize& size);

// Throws ParamError naming `chips` (or the generator's size key) when the graph would exceed `memory_budget`.
void check_fits(const TopologyParams& params, double memory_budget_bytes);

Topology generate(const TopologyParams& params);

} // namespace snsim
