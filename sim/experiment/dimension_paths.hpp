#pragma once
// The one place where the multidim algorithm learns the topology (collectives know none): the rank grid, when the
// config gives none, and how each of its dimensions is cabled (CollectiveParams::dim_paths). Both come from the
// graph alone, so they hold for generated grids, GraphML files and faulty topologies alike.
//
// Along each dimension the ranks form lines (ranks differing only in that coordinate). A dimension is
//   - direct, when every pair of a line is cabled (a full-mesh dimension): bandwidth = the least a rank has to the
//     rest of its line;
//   - ring, when each rank is cabled to the next and the previous one, around (a torus dimension): bandwidth = the
//     least a rank has to both; or to the next one only, not around (a mesh dimension): the ring's wrap-around
//     then crosses the line backwards, so each cable direction carries two rings: bandwidth = the least cable;
//   - direct, when no pair of a line is cabled (joined through a switch tier): bandwidth = the least a rank has
//     to vertices that are not chips, shared by every such dimension (DimPath::cables);
//   - otherwise (cables missing to faults), direct with the least a rank has to its line or, if more, to
//     switches.
#include <vector>

#include "sim/collectives/collective.hpp"
#include "topologies/topology.hpp"

namespace snsim {

// The chips' coordinates as a grid (dimension 0 fastest), when the communicator is a whole grid in chip order.
// Throws InputError naming collective.dims otherwise.
std::vector<Rank> grid_dims(const Topology& t, const std::vector<Topology::Vertex>& chips);

// One path per dimension of `dims` (product: the number of chips). Throws InputError naming collective.dims when
// a dimension has no bandwidth at all.
std::vector<DimPath> dimension_paths(const Topology& t, const std::vector<Topology::Vertex>& chips,
                                     const std::vector<Rank>& dims);

} // namespace snsim
