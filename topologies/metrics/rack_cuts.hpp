#pragma once
// Rack cuts: for every rack (a Clos node, a dragonfly group: Place::rack), the bandwidth of the cables that leave
// it, one direction. Everything a rack's chips exchange with chips outside crosses these cables, whatever the
// routing or algorithm, so each rack gives a lower bound on a collective's time next to the bisection's
// (sim/report/bounds.hpp). It is tighter than the bisection where a rack's way out is narrower than its chips'
// injection (an oversubscribed fat tree: there half the traffic a node sends out stays on its side of any
// bisection, yet all of it crosses the node's uplinks). Counted on the graph as it is, faults included.
#include <cstddef>
#include <vector>

#include "topologies/topology.hpp"

namespace snsim {

struct RackCut {
    int rack = -1;
    double bytes_per_s = 0; // cables between the rack's vertices and the rest, one direction
};

// Racks in ascending order; empty when no vertex has a rack.
std::vector<RackCut> rack_cuts(const Topology& t);
// The same for a cluster's supernodes (Place::supernode; `rack` holds the supernode): everything a supernode's
// chips exchange with other supernodes crosses its NICs, the scale-out injection bound, or the uplinks of a
// scale-out leaf that only its chips use. Empty outside clusters.
std::vector<RackCut> supernode_cuts(const Topology& t);

} // namespace snsim
