#pragma once
// The communicator: which chips take part in a collective, and which chip each rank is on (rank order matters:
// a ring's neighbours are consecutive ranks, a hierarchical grid's lines are runs of ranks). docs/config.md has
// the keys; docs/collectives.md "Rank order" how they combine with each other, with faults and with
// hierarchical dims.
//
// - communicator.order: chips (vertex order), snake or hilbert (grids: sim/config/rank_order.hpp), with
//   communicator.dim_order choosing which grid dimension varies fastest;
// - communicator.first / stride / count then pick from that order;
// - or communicator.map: a file naming the chip of each rank, one per line.
// Chips that faults removed are not in the topology: the survivors keep their order and re-form the ranks.
#include <vector>

#include "sim/config/config.hpp"
#include "topologies/topology.hpp"

namespace snsim::config {

// Chips of the communicator in rank order. Throws ConfigError at the key's line (or the map file's line) for a
// selection that does not fit the topology, a bad map, or faults that left the chips disconnected.
std::vector<Topology::Vertex> communicator(const Config& config, const Topology& topology);

} // namespace snsim::config
