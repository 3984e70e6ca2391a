#include <ostream>

#include <boost/graph/graphviz.hpp>
#include <fmt/format.h>

#include "topologies/io/graph_file.hpp"
#include "topologies/units.hpp"

namespace snsim {

void write_dot(std::ostream& out, const Topology& t) {
    const auto& g = t.graph();
    auto node_label = [&](std::ostream& os, Topology::Vertex v) {
        const Node& n = g[v];
        os << fmt::format("[label={}, shape={}]", boost::escape_dot_string(n.name),
                          n.kind == NodeKind::Switch ? "box" : "ellipse");
    };
    auto edge_label = [&](std::ostream& os, Topology::Graph::edge_descriptor e) {
        const Link& l = g[e];
        os << fmt::format("[label=\"{} {}{}{}\"{}]", units::format_bandwidth(l.bytes_per_s),
                          units::format_time(l.latency_s), l.plane >= 0 ? fmt::format(" p{}", l.plane) : "",
                          l.tier == LinkTier::ScaleOut ? " scale-out" : "",
                          l.kind == LinkKind::Optical ? ", style=dashed" : "");
    };
    boost::write_graphviz(out, g, node_label, edge_label);
}

} // namespace snsim
