#include "topologies/metrics/bisection.hpp"

#include <deque>
#include <stdexcept>

#include <fmt/format.h>

namespace snsim {
namespace {

// Chips in breadth-first order from `start`, first half on side 0; every other vertex then joins the side
// where more of its cable bandwidth already is (ties to side 1).
std::vector<std::uint8_t> bfs_split(const Topology& t, Topology::Vertex start, std::size_t chips) {
    const auto& g = t.graph();
    std::vector<std::uint8_t> side(t.num_nodes(), 1), seen(t.num_nodes(), 0);
    std::deque<Topology::Vertex> queue{start};
    seen[start] = 1;
    std::size_t placed = 0;
    std::vector<Topology::Vertex> others;
    while (!queue.empty()) {
        const auto v = queue.front();
        queue.pop_front();
        if (t.node(v).kind == NodeKind::Chip) {
            if (placed < chips / 2) side[v] = 0;
            ++placed;
        } else {
            others.push_back(v);
        }
        for (auto [e, end] = boost::out_edges(v, g); e != end; ++e) {
            const auto w = boost::target(*e, g);
            if (!seen[w]) {
                seen[w] = 1;
                queue.push_back(w);
            }
        }
    }
    for (auto v : others) {
        double pull[2] = {0, 0};
        for (auto [e, end] = boost::out_edges(v, g); e != end; ++e)
            pull[side[boost::target(*e, g)]] += g[*e].bytes_per_s;
        side[v] = pull[0] > pull[1] ? 0 : 1;
    }
    return side;
}

} // namespace

Bisection cut(const Topology& t, const std::vector<std::uint8_t>& side) {
    if (side.size() != t.num_nodes()) throw std::logic_error("bisection partition does not cover every vertex");
    const auto& g = t.graph();
    Bisection b;
    for (auto [e, end] = boost::edges(g); e != end; ++e)
        if (side[boost::source(*e, g)] != side[boost::target(*e, g)]) {
            b.bytes_per_s += g[*e].bytes_per_s;
            ++b.cables;
        }
    return b;
}

Bisection bisection(const Topology& t) {
    const auto chips = t.nodes_of(NodeKind::Chip);
    std::vector<std::vector<std::uint8_t>> candidates;
    if (const auto& hint = t.bisection_hint()) {
        candidates = hint->candidates;
    } else {
        for (std::size_t i = 0, starts = std::min<std::size_t>(8, chips.size()); i < starts; ++i)
            candidates.push_back(bfs_split(t, chips[i * chips.size() / starts], chips.size()));
    }
    Bisection best;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        std::size_t side0 = 0;
        for (auto c : chips)
            side0 += candidates[i].at(c) == 0;
        if (side0 != chips.size() / 2) throw std::logic_error("bisection candidate is not balanced");
        const Bisection b = cut(t, candidates[i]);
        if (i == 0 || b.bytes_per_s < best.bytes_per_s) best = b;
    }
    if (const auto& hint = t.bisection_hint()) {
        best.exact = hint->exact;
        best.method = hint->method;
    } else {
        best.method = fmt::format("breadth-first splits of the chips from {} start chips, least kept",
                                  std::min<std::size_t>(8, chips.size()));
    }
    return best;
}

} // namespace snsim
