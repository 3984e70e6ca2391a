#include "topologies/metrics/bisection.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <map>
#include <stdexcept>

#include <fmt/format.h>
#include <metis.h>
#include <pthread.h>
#include <signal.h>

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

// Moves chips from the side with too many to the other, each time the one whose move adds the least crossing
// bandwidth, until side 0 holds exactly `half` chips (METIS balances within a tolerance, the definition exactly).
void rebalance(const Topology& t, std::vector<std::uint8_t>& side, std::size_t half) {
    const auto& g = t.graph();
    const auto chips = t.nodes_of(NodeKind::Chip);
    std::size_t side0 = 0;
    for (auto c : chips)
        side0 += side[c] == 0;
    if (side0 == chips.size() - half) { // balanced the other way round (n odd): the same cut with sides swapped
        for (auto& s : side)
            s = 1 - s;
        side0 = half;
    }
    while (side0 != half) {
        const std::uint8_t from = side0 > half ? 0 : 1;
        double least = std::numeric_limits<double>::infinity();
        Topology::Vertex chosen = chips.front();
        for (auto c : chips) {
            if (side[c] != from) continue;
            double added = 0; // crossing bandwidth after the move minus before
            for (auto [e, end] = boost::out_edges(c, g); e != end; ++e)
                added += (side[boost::target(*e, g)] == from ? 1 : -1) * g[*e].bytes_per_s;
            if (added < least) least = added, chosen = c;
        }
        side[chosen] = 1 - from;
        side0 += from == 0 ? -1 : 1;
    }
}

constexpr int kMetisSeeds = 8;

// Balanced two-way partitions of the chips by METIS (recursive bisection, multilevel with FM refinement), one per
// seed: chips weigh 1, switches and CPUs 0 (free to go where they cut least), cables weigh their bandwidth
// relative to the slowest (parallel cables merged). Empty if METIS refuses the graph.
std::vector<std::vector<std::uint8_t>> metis_splits(const Topology& t, std::size_t chips) {
    const auto& g = t.graph();
    const std::size_t n = t.num_nodes();
    if (n < 2 || n > static_cast<std::size_t>(std::numeric_limits<idx_t>::max() / 4)) return {};
    // Cable weights in units of `unit` bytes/s: 1/64 of the slowest cable, coarser if the sum of all weights would
    // not fit in idx_t. A cable slower than the unit weighs 1 (METIS wants whole positive weights).
    double slowest = std::numeric_limits<double>::infinity(), total = 0;
    for (auto [e, end] = boost::edges(g); e != end; ++e) {
        slowest = std::min(slowest, g[*e].bytes_per_s);
        total += g[*e].bytes_per_s;
    }
    const double unit = std::max(slowest / 64, 2 * total / (0.5 * std::numeric_limits<idx_t>::max()));
    std::vector<idx_t> xadj{0}, adjncy, adjwgt, vwgt(n);
    std::map<Topology::Vertex, double> neighbours; // merges parallel cables
    for (Topology::Vertex v = 0; v < n; ++v) {
        vwgt[v] = t.node(v).kind == NodeKind::Chip ? 1 : 0;
        neighbours.clear();
        for (auto [e, end] = boost::out_edges(v, g); e != end; ++e)
            neighbours[boost::target(*e, g)] += g[*e].bytes_per_s;
        for (const auto& [w, bandwidth] : neighbours) {
            adjncy.push_back(static_cast<idx_t>(w));
            adjwgt.push_back(static_cast<idx_t>(std::max(1.0, std::round(bandwidth / unit))));
        }
        if (adjncy.size() > static_cast<std::size_t>(std::numeric_limits<idx_t>::max())) return {};
        xadj.push_back(static_cast<idx_t>(adjncy.size()));
    }
    std::vector<std::vector<std::uint8_t>> splits;
    for (int seed = 0; seed < kMetisSeeds; ++seed) {
        idx_t nvtxs = static_cast<idx_t>(n), ncon = 1, nparts = 2, objval = 0;
        idx_t options[METIS_NOPTIONS];
        METIS_SetDefaultOptions(options);
        options[METIS_OPTION_SEED] = seed;
        options[METIS_OPTION_NCUTS] = 2;
        std::vector<idx_t> part(n);
        // METIS catches SIGTERM (and SIGINT) while it runs and turns it into an error return, which would swallow a
        // request to stop (snsim run's, or the default action's): held pending here, delivered when unblocked.
        sigset_t stop_signals, previous;
        sigemptyset(&stop_signals);
        sigaddset(&stop_signals, SIGINT);
        sigaddset(&stop_signals, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &stop_signals, &previous);
        const int status = METIS_PartGraphRecursive(&nvtxs, &ncon, xadj.data(), adjncy.data(), vwgt.data(), nullptr,
                                                    adjwgt.data(), &nparts, nullptr, nullptr, options, &objval,
                                                    part.data());
        pthread_sigmask(SIG_SETMASK, &previous, nullptr);
        if (status != METIS_OK) return splits;
        std::vector<std::uint8_t> side(part.begin(), part.end());
        rebalance(t, side, chips / 2);
        splits.push_back(std::move(side));
    }
    return splits;
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
    std::vector<std::vector<std::uint8_t>> candidates, metis;
    if (const auto& hint = t.bisection_hint()) {
        candidates = hint->candidates;
    } else {
        for (std::size_t i = 0, starts = std::min<std::size_t>(8, chips.size()); i < starts; ++i)
            candidates.push_back(bfs_split(t, chips[i * chips.size() / starts], chips.size()));
        metis = metis_splits(t, chips.size());
        candidates.insert(candidates.end(), metis.begin(), metis.end());
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
        best.method = fmt::format("{}breadth-first splits of the chips from {} start chips, least kept",
                                  metis.empty() ? "" : fmt::format("METIS partitions ({} seeds) and ", metis.size()),
                                  std::min<std::size_t>(8, chips.size()));
    }
    return best;
}

std::optional<BisectionFloor> bisection_floor(const Topology& t, double work_budget) {
    const auto& g = t.graph();
    const auto chips = t.nodes_of(NodeKind::Chip);
    const std::size_t n = t.num_nodes();
    if (chips.size() < 2 || static_cast<double>(chips.size()) * static_cast<double>(n + 2 * t.num_links()) > work_budget)
        return std::nullopt;
    std::vector<double> load(2 * t.num_links(), 0.0); // per cable direction: [2 id] from ends().first, [2 id + 1] back
    std::vector<double> paths(n), through(n);         // shortest paths from the source; units passing each vertex
    std::vector<int> distance(n);
    std::vector<Topology::Vertex> order; // breadth-first order from the source
    order.reserve(n);
    const auto direction = [&](std::uint32_t cable, Topology::Vertex from) {
        return 2 * static_cast<std::size_t>(cable) + (t.ends(cable).first == from ? 0 : 1);
    };
    for (auto source : chips) {
        // Brandes' accumulation (as for edge betweenness), with chips alone as sources and as destinations.
        std::fill(distance.begin(), distance.end(), -1);
        std::fill(paths.begin(), paths.end(), 0.0);
        std::fill(through.begin(), through.end(), 0.0);
        order.assign(1, source);
        distance[source] = 0;
        paths[source] = 1;
        for (std::size_t i = 0; i < order.size(); ++i) {
            const auto v = order[i];
            for (auto [e, end] = boost::out_edges(v, g); e != end; ++e) {
                const auto w = boost::target(*e, g);
                if (distance[w] < 0) distance[w] = distance[v] + 1, order.push_back(w);
                if (distance[w] == distance[v] + 1) paths[w] += paths[v]; // once per parallel cable
            }
        }
        for (auto it = order.rbegin(); it != order.rend(); ++it) {
            const auto w = *it;
            const double arriving = (t.node(w).kind == NodeKind::Chip && w != source ? 1.0 : 0.0) + through[w];
            if (arriving == 0) continue;
            for (auto [e, end] = boost::out_edges(w, g); e != end; ++e) {
                const auto v = boost::target(*e, g);
                if (distance[v] != distance[w] - 1) continue;
                const double share = arriving * paths[v] / paths[w];
                through[v] += share;
                load[direction(g[*e].id, v)] += share;
            }
        }
    }
    double per_bandwidth = std::numeric_limits<double>::infinity(), per_cable = per_bandwidth;
    for (auto [e, end] = boost::edges(g); e != end; ++e)
        for (std::size_t d : {0, 1}) {
            const double l = load[2 * static_cast<std::size_t>(g[*e].id) + d];
            if (l <= 0) continue;
            per_bandwidth = std::min(per_bandwidth, g[*e].bytes_per_s / l);
            per_cable = std::min(per_cable, 1.0 / l);
        }
    const double crossing = static_cast<double>(chips.size() / 2) * static_cast<double>(chips.size() - chips.size() / 2);
    return BisectionFloor{crossing * per_bandwidth, crossing * per_cable,
                          "every pair of chips sends one unit, split evenly over its shortest paths; the floor(n/2) x "
                          "ceil(n/2) units across any bisection over the busiest cable direction's load"};
}

} // namespace snsim
