#include "topologies/topology.hpp"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "topologies/errors.hpp"

namespace snsim {

std::string_view to_string(NodeKind kind) {
    switch (kind) {
    case NodeKind::Chip: return "chip";
    case NodeKind::Switch: return "switch";
    case NodeKind::Cpu: return "cpu";
    }
    return "?";
}

std::string_view to_string(LinkKind kind) {
    return kind == LinkKind::Optical ? "optical" : "electrical";
}

std::string_view to_string(LinkTier tier) {
    return tier == LinkTier::ScaleOut ? "scale_out" : "scale_up";
}

std::optional<LinkTier> link_tier_from(std::string_view text) {
    if (text == "scale_up") return LinkTier::ScaleUp;
    if (text == "scale_out") return LinkTier::ScaleOut;
    return std::nullopt;
}

std::optional<NodeKind> node_kind_from(std::string_view text) {
    if (text == "chip") return NodeKind::Chip;
    if (text == "switch") return NodeKind::Switch;
    if (text == "cpu") return NodeKind::Cpu;
    return std::nullopt;
}

std::optional<LinkKind> link_kind_from(std::string_view text) {
    if (text == "electrical") return LinkKind::Electrical;
    if (text == "optical") return LinkKind::Optical;
    return std::nullopt;
}

Topology::Vertex Topology::add_node(Node node) {
    if (by_name_.count(node.name)) throw InputError(fmt::format("duplicate node name \"{}\"", node.name));
    const std::string name = node.name;
    has_supernodes_ = has_supernodes_ || node.place.supernode >= 0;
    const Vertex v = boost::add_vertex(std::move(node), graph_);
    by_name_.emplace(name, v);
    return v;
}

void Topology::add_link(Vertex a, Vertex b, const Link& link) {
    if (a == b) throw InputError(fmt::format("self-loop on node \"{}\"", graph_[a].name));
    if (!(link.bytes_per_s > 0) || !std::isfinite(link.bytes_per_s))
        throw InputError(fmt::format("link {} - {} needs a positive finite bandwidth", graph_[a].name, graph_[b].name));
    if (!(link.latency_s >= 0) || !std::isfinite(link.latency_s))
        throw InputError(fmt::format("link {} - {} needs a finite latency >= 0", graph_[a].name, graph_[b].name));
    Link numbered = link;
    numbered.id = static_cast<std::uint32_t>(num_links());
    boost::add_edge(a, b, numbered, graph_);
    ends_.emplace_back(a, b);
}

std::optional<Topology::Vertex> Topology::find(std::string_view name) const {
    const auto it = by_name_.find(std::string(name));
    if (it == by_name_.end()) return std::nullopt;
    return it->second;
}

std::vector<Topology::Vertex> Topology::nodes_of(NodeKind kind) const {
    std::vector<Vertex> out;
    for (Vertex v = 0; v < num_nodes(); ++v)
        if (graph_[v].kind == kind) out.push_back(v);
    return out;
}

std::size_t Topology::count(NodeKind kind) const {
    std::size_t n = 0;
    for (Vertex v = 0; v < num_nodes(); ++v)
        n += graph_[v].kind == kind;
    return n;
}

double Topology::injection_bytes_per_s(Vertex v) const {
    double sum = 0;
    for (auto [e, end] = boost::out_edges(v, graph_); e != end; ++e)
        sum += graph_[*e].bytes_per_s;
    return sum;
}

std::vector<const Link*> Topology::cables() const {
    std::vector<const Link*> out(num_links(), nullptr);
    for (auto [e, end] = boost::edges(graph_); e != end; ++e)
        out[graph_[*e].id] = &graph_[*e];
    return out;
}

void Topology::set_chip_orbits(std::vector<ChipOrbit> orbits, std::string why) {
    chip_orbits_ = std::move(orbits);
    symmetry_ = std::move(why);
}

} // namespace snsim
