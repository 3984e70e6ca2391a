#include "topologies/metrics/rack_cuts.hpp"

#include <map>

namespace snsim {

std::vector<RackCut> rack_cuts(const Topology& t) {
    std::map<int, double> out;
    const auto& g = t.graph();
    for (auto [e, end] = boost::edges(g); e != end; ++e) {
        const int a = g[boost::source(*e, g)].place.rack, b = g[boost::target(*e, g)].place.rack;
        if (a == b) continue;
        if (a >= 0) out[a] += g[*e].bytes_per_s;
        if (b >= 0) out[b] += g[*e].bytes_per_s;
    }
    for (auto v : t.nodes_of(NodeKind::Chip))
        out.try_emplace(t.node(v).place.rack, 0.0); // a rack cut off entirely still bounds (by infinity)
    out.erase(-1);
    std::vector<RackCut> cuts;
    for (const auto& [rack, bytes_per_s] : out)
        cuts.push_back({rack, bytes_per_s});
    return cuts;
}

} // namespace snsim
