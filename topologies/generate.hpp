#pragma once
// One entry point over all generators, with the memory guard rail that runs before anything is allocated.
#include <cstdint>
#include <string>
#include <variant>

#include "topologies/generators/generators.hpp"

namespace snsim {

using TopologyParams = std::variant<FullMeshParams, SwitchedParams, ClosParams, TorusParams, NdFullMeshParams,
                                    DragonflyParams, CustomParams>;

// The generator's name as written in configs (`topology.kind`).
std::string kind_name(const TopologyParams& params);

// Vertices and cables a generator will create, computed from the parameters alone (custom graphs: unknown
// until read, so zero). Doubles, so absurd parameters cannot overflow.
struct GraphSize {
    double nodes = 0;
    double links = 0;
};
GraphSize expected_size(const TopologyParams& params);

// Approximate resident bytes of a Topology with this many vertices and cables (measured: bench/topo_scale).
double estimated_bytes(const GraphSize& size);

// Throws ParamError naming `chips` (or the generator's size key) when the graph would exceed `memory_budget`.
void check_fits(const TopologyParams& params, double memory_budget_bytes);

Topology generate(const TopologyParams& params);

} // namespace snsim
