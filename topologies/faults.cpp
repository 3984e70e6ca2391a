#include "topologies/faults.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <fnmatch.h>

#include <fmt/format.h>

#include "topologies/errors.hpp"
#include "topologies/sample.hpp"

namespace snsim {
namespace {

using Vertex = Topology::Vertex;

bool matches(const std::string& pattern, const std::string& name) {
    return ::fnmatch(pattern.c_str(), name.c_str(), 0) == 0;
}

// Marks of what a selection chose: per vertex and per cable id.
struct Marks {
    std::vector<char> vertex, cable;
    explicit Marks(const Topology& t) : vertex(t.num_nodes(), 0), cable(t.num_links(), 0) {}
};

void mark_nodes(const Topology& t, NodeKind kind, const std::vector<std::string>& patterns, const std::string& key,
                Marks& marks) {
    const auto candidates = t.nodes_of(kind);
    for (const auto& pattern : patterns) {
        std::size_t hits = 0;
        for (Vertex v : candidates)
            if (matches(pattern, t.node(v).name)) marks.vertex[v] = 1, ++hits;
        if (hits == 0)
            throw ParamError(key, pattern,
                             candidates.empty()
                                 ? fmt::format("the topology has no {}", to_string(kind))
                                 : fmt::format("matches no {} (names such as \"{}\": snsim topo --dot lists them)",
                                               to_string(kind), t.node(candidates.front()).name));
    }
}

// "A - B" into its two patterns.
std::pair<std::string, std::string> cable_ends(const std::string& text, const std::string& key) {
    const auto dash = text.find(" - ");
    const auto trim = [](std::string s) {
        s.erase(0, s.find_first_not_of(' '));
        s.erase(s.find_last_not_of(' ') + 1);
        return s;
    };
    if (dash == std::string::npos || trim(text.substr(0, dash)).empty() || trim(text.substr(dash + 3)).empty())
        throw ParamError(key, text, "expected a cable as \"A - B\" (node names or patterns, spaces around the dash)");
    return {trim(text.substr(0, dash)), trim(text.substr(dash + 3))};
}

void mark_links(const Topology& t, const std::vector<std::string>& cables, const std::string& key, Marks& marks) {
    for (const auto& text : cables) {
        const auto [a, b] = cable_ends(text, key);
        std::size_t hits = 0;
        for (std::uint32_t id = 0; id < t.num_links(); ++id) {
            const auto& x = t.node(t.ends(id).first).name;
            const auto& y = t.node(t.ends(id).second).name;
            if ((matches(a, x) && matches(b, y)) || (matches(a, y) && matches(b, x))) marks.cable[id] = 1, ++hits;
        }
        if (hits == 0) throw ParamError(key, text, "matches no cable (snsim topo --dot lists them)");
    }
}

void mark_planes(const Topology& t, const std::vector<long long>& planes, const std::string& key, Marks& marks) {
    const auto cables = t.cables();
    for (long long plane : planes) {
        std::size_t hits = 0;
        for (std::uint32_t id = 0; id < cables.size(); ++id)
            if (cables[id]->plane == plane) marks.cable[id] = 1, ++hits;
        for (Vertex v : t.nodes_of(NodeKind::Switch))
            if (t.node(v).place.plane == plane) marks.vertex[v] = 1, ++hits;
        if (hits == 0) throw ParamError(key, std::to_string(plane), "no cable or switch chip is in this plane");
    }
}

Marks mark(const Topology& t, const FaultSelection& s, const std::string& prefix) {
    Marks marks(t);
    mark_nodes(t, NodeKind::Chip, s.chips, prefix + "chips", marks);
    mark_nodes(t, NodeKind::Switch, s.switches, prefix + "switches", marks);
    mark_links(t, s.links, prefix + "links", marks);
    mark_planes(t, s.planes, prefix + "planes", marks);
    return marks;
}

void mark_random(const Topology& t, const RandomFaults& r, Marks& marks) {
    if (!(r.fraction >= 0 && r.fraction <= 1))
        throw ParamError("random.fraction", fmt::format("{}", r.fraction), "must be between 0 and 1");
    if (r.fraction == 0) return;
    std::vector<std::size_t> parts;
    if (r.kind == FaultKind::Links)
        for (std::size_t id = 0; id < t.num_links(); ++id)
            parts.push_back(id);
    else
        for (Vertex v : t.nodes_of(r.kind == FaultKind::Chips ? NodeKind::Chip : NodeKind::Switch))
            parts.push_back(v);
    if (parts.empty()) throw ParamError("random.kind", "switches", "the topology has no switch chips");
    const auto n = static_cast<std::size_t>(std::llround(r.fraction * static_cast<double>(parts.size())));
    if (n == 0 && r.fraction > 0)
        throw ParamError("random.fraction", fmt::format("{}", r.fraction),
                         fmt::format("is less than one of the {} {} (a fault that fails nothing would simulate "
                                     "the healthy system)",
                                     parts.size(),
                                     r.kind == FaultKind::Links   ? "cables"
                                     : r.kind == FaultKind::Chips ? "chips"
                                                                  : "switch chips"));
    for (std::size_t part : seeded_sample(std::move(parts), n, r.seed))
        (r.kind == FaultKind::Links ? marks.cable : marks.vertex)[part] = 1;
}

// A degraded switch or chip degrades every cable it has.
void degrade_vertex_cables(const Topology& t, Marks& marks) {
    for (std::uint32_t id = 0; id < t.num_links(); ++id)
        if (marks.vertex[t.ends(id).first] || marks.vertex[t.ends(id).second]) marks.cable[id] = 1;
}

} // namespace

Topology apply_faults(const Topology& healthy, const FaultSpec& spec) {
    if (!(spec.bandwidth_fraction > 0 && spec.bandwidth_fraction <= 1))
        throw ParamError("degrade.bandwidth_fraction", fmt::format("{}", spec.bandwidth_fraction),
                         "must be above 0 and at most 1");
    Marks failed = mark(healthy, spec.failed, "");
    mark_random(healthy, spec.random, failed);
    Marks degraded = mark(healthy, spec.degraded, "degrade.");
    degrade_vertex_cables(healthy, degraded);

    Topology out(healthy.kind());
    FaultSummary summary;
    std::vector<Vertex> renumbered(healthy.num_nodes());
    out.reserve_nodes(healthy.num_nodes());
    for (Vertex v = 0; v < healthy.num_nodes(); ++v) {
        const Node& node = healthy.node(v);
        if (!failed.vertex[v]) {
            renumbered[v] = out.add_node(node);
            continue;
        }
        if (node.kind == NodeKind::Chip) summary.failed_chips.push_back(node.name);
        ++(node.kind == NodeKind::Chip ? summary.chips : summary.switches); // no fault selects a CPU
    }
    const auto cables = healthy.cables();
    for (std::uint32_t id = 0; id < cables.size(); ++id) {
        const auto [a, b] = healthy.ends(id);
        if (failed.cable[id] || failed.vertex[a] || failed.vertex[b]) {
            ++summary.cables;
            continue;
        }
        Link link = *cables[id];
        if (degraded.cable[id]) link.bytes_per_s *= spec.bandwidth_fraction, ++summary.degraded_cables;
        out.add_link(renumbered[a], renumbered[b], link);
    }
    out.set_faults(std::move(summary));
    if (healthy.cluster()) out.set_cluster(*healthy.cluster()); // as built: failed chips leave gaps
    return out;
}

std::vector<Topology::Vertex> unreachable(const Topology& t, const std::vector<Topology::Vertex>& group) {
    if (group.empty()) return {};
    const auto& g = t.graph();
    std::vector<char> seen(t.num_nodes(), 0);
    std::deque<Vertex> queue{group.front()};
    seen[group.front()] = 1;
    while (!queue.empty()) {
        const Vertex v = queue.front();
        queue.pop_front();
        for (auto [e, end] = boost::out_edges(v, g); e != end; ++e)
            if (const Vertex w = boost::target(*e, g); !seen[w]) seen[w] = 1, queue.push_back(w);
    }
    std::vector<Vertex> out;
    for (Vertex v : group)
        if (!seen[v]) out.push_back(v);
    return out;
}

} // namespace snsim
