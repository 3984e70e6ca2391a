#pragma once
// The least latency from one vertex to every other over all routes (Dijkstra on cable latencies), adding
// `switch_latency_s` at every switch chip a route passes through, as the Router does (sim/routing/router.hpp).
// For lower bounds: the Router picks fewest-hop routes, which need not be the fastest when cables differ, and a
// chain of messages may relay through other chips; no route is faster than this.
#include <vector>

#include "topologies/topology.hpp"

namespace snsim {

// Per vertex; infinity where `from` cannot reach.
std::vector<double> least_latency_from(const Topology& t, Topology::Vertex from, double switch_latency_s);

} // namespace snsim
