#pragma once
// Readers and writers of graph files. Readers throw InputError with `file:line: key: reason (got "value")`.
//
// Both readers take the same attributes (docs/graph-files.md):
//   node: name (unique; GraphML default: the node id), kind = chip | switch | cpu (default chip),
//         rack, board, plane, tier (integers, optional)
//   edge: bandwidth ("50GB/s", per direction), latency ("100ns"), plane (integer), kind = electrical | optical,
//         count (parallel cables, edge list only); omitted values come from the config's default link.
// The edge list refuses other attributes; GraphML, written by other tools, ignores them and notes their names on
// the Topology (Topology::notes), and reads plain numbers in GB/s and ns unless the graph names its units.
#include <string>

#include "topologies/generators/generators.hpp"

namespace snsim {

Topology read_graphml(const std::string& path, const LinkSpec& defaults);
// Refuses files whose edges add up to more than `max_cables` cables (edges can carry `count`).
Topology read_edge_list(const std::string& path, const LinkSpec& defaults, double max_cables);

// Writers: GraphML with the attributes above (reads back into the same graph), and GraphViz DOT with readable
// labels (node name; cable bandwidth and latency). Both write to `out`; the caller owns files.
void write_graphml(std::ostream& out, const Topology& t);
void write_dot(std::ostream& out, const Topology& t);

} // namespace snsim
