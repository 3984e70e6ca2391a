#include "topologies/metrics/rack_cuts.hpp"

#include <algorithm>
#include <map>

namespace snsim {
namespace {

// Cuts of the vertex groups `owner` names, per vertex (-1: in none).
std::vector<RackCut> cuts_of(const Topology& t, const std::vector<int>& owner) {
    std::map<int, double> out;
    const auto& g = t.graph();
    for (auto [e, end] = boost::edges(g); e != end; ++e) {
        const int a = owner[boost::source(*e, g)], b = owner[boost::target(*e, g)];
        if (a == b) continue;
        if (a >= 0) out[a] += g[*e].bytes_per_s;
        if (b >= 0) out[b] += g[*e].bytes_per_s;
    }
    for (auto v : t.nodes_of(NodeKind::Chip))
        out.try_emplace(owner[v], 0.0); // a group cut off entirely still bounds (by infinity)
    out.erase(-1);
    std::vector<RackCut> cuts;
    for (const auto& [group, bytes_per_s] : out)
        cuts.push_back({group, bytes_per_s});
    return cuts;
}

} // namespace

std::vector<RackCut> rack_cuts(const Topology& t) {
    std::vector<int> owner(t.num_nodes());
    for (std::size_t v = 0; v < t.num_nodes(); ++v)
        owner[v] = t.node(v).place.rack;
    return cuts_of(t, owner);
}

std::vector<RackCut> supernode_cuts(const Topology& t) {
    if (!t.has_supernodes()) return {};
    // A scale-out switch whose every chip is in one supernode (a fat tree's leaf per supernode) may join it: its
    // uplinks, rather than its NICs, are then the way out (2:1 halves it). Each supernode keeps the narrower of
    // the two cuts (below 1:1, the NICs).
    const auto& g = t.graph();
    std::vector<int> alone(t.num_nodes()), with_leaves(t.num_nodes());
    for (std::size_t v = 0; v < t.num_nodes(); ++v) {
        alone[v] = with_leaves[v] = t.node(v).place.supernode;
        if (alone[v] >= 0 || t.node(v).kind != NodeKind::Switch) continue;
        int only = -1;
        bool one = true;
        for (auto [e, end] = boost::out_edges(v, g); e != end && one; ++e) {
            const Node& w = t.node(boost::target(*e, g));
            if (w.kind != NodeKind::Chip) continue;
            one = only < 0 || w.place.supernode == only;
            only = w.place.supernode;
        }
        if (one) with_leaves[v] = only;
    }
    auto cuts = cuts_of(t, alone);
    const auto wider = cuts_of(t, with_leaves);
    for (std::size_t i = 0; i < cuts.size(); ++i)
        cuts[i].bytes_per_s = std::min(cuts[i].bytes_per_s, wider[i].bytes_per_s);
    return cuts;
}

} // namespace snsim
