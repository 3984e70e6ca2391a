#include "topologies/metrics/hops.hpp"

#include <algorithm>

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/visitors.hpp>
#include <fmt/format.h>

#include "topologies/errors.hpp"
#include "topologies/sample.hpp"

namespace snsim {
namespace {

// Sum and maximum of hop counts from one source to every other chip.
struct FromSource {
    double sum = 0;
    int max = 0;
};

class Bfs {
  public:
    explicit Bfs(const Topology& t) : t_(t), dist_(t.num_nodes()), is_chip_(t.num_nodes()) {
        for (auto v : t.nodes_of(NodeKind::Chip))
            is_chip_[v] = 1;
        if (t.has_supernodes())
            for (std::size_t v = 0; v < t.num_nodes(); ++v)
                supernode_.push_back(t.node(v).place.supernode);
    }

    FromSource run(Topology::Vertex source) {
        std::fill(dist_.begin(), dist_.end(), -1);
        if (supernode_.empty()) {
            dist_[source] = 0;
            boost::breadth_first_search(
                t_.graph(), source,
                boost::visitor(boost::make_bfs_visitor(boost::record_distances(dist_.data(), boost::on_tree_edge()))));
        } else {
            // As a cluster routes (sim/routing/router.hpp): inside the source's supernode, then from its NICs
            // through scale-out switches only; what that misses (failed NICs) by any way.
            const int home = supernode_[source];
            search(source, [&](std::size_t v) { return supernode_[v] == home; });
            search(source, [&](std::size_t v) { return supernode_[v] < 0 || (is_chip_[v] && supernode_[v] != home); },
                   true);
            // The whole graph again only when faults left a chip unreached (a full BFS per source otherwise).
            bool missed = false;
            for (std::size_t v = 0; v < dist_.size() && !missed; ++v)
                missed = is_chip_[v] && dist_[v] < 0;
            if (missed) search(source, [](std::size_t) { return true; });
        }
        FromSource out;
        for (std::size_t v = 0; v < dist_.size(); ++v) {
            if (!is_chip_[v] || v == source) continue;
            if (dist_[v] < 0)
                throw InputError(fmt::format("topology is disconnected: chip {} cannot reach chip {}",
                                             t_.node(source).name, t_.node(v).name));
            out.sum += dist_[v];
            out.max = std::max(out.max, dist_[v]);
        }
        return out;
    }

  private:
    // Breadth-first from `source` over the vertices `allowed` admits, labelling those still unlabelled; with
    // `chips_end`, chips other than the source are reached but not passed through.
    template <class Allowed> void search(Topology::Vertex source, Allowed allowed, bool chips_end = false) {
        const auto& g = t_.graph();
        seen_.assign(t_.num_nodes(), -1);
        seen_[source] = 0;
        queue_.assign({source});
        for (std::size_t i = 0; i < queue_.size(); ++i) {
            const auto v = queue_[i];
            if (dist_[v] < 0) dist_[v] = seen_[v];
            if (chips_end && v != source && is_chip_[v]) continue;
            for (auto [e, end] = boost::out_edges(v, g); e != end; ++e) {
                const auto w = boost::target(*e, g);
                if (seen_[w] >= 0 || !allowed(w)) continue;
                seen_[w] = seen_[v] + 1;
                queue_.push_back(w);
            }
        }
    }

    const Topology& t_;
    std::vector<int> dist_, seen_;
    std::vector<std::uint8_t> is_chip_;
    std::vector<int> supernode_; // clusters only
    std::vector<Topology::Vertex> queue_;
};

} // namespace

std::string_view to_string(HopStats::Method method) {
    switch (method) {
    case HopStats::Method::Exact: return "exact";
    case HopStats::Method::Symmetry: return "exact by symmetry";
    case HopStats::Method::Sampled: return "sampled";
    }
    return "";
}

HopStats chip_hops(const Topology& t, const HopOptions& options) {
    const auto chips = t.nodes_of(NodeKind::Chip);
    const double n = static_cast<double>(chips.size());
    const double bfs_cost = static_cast<double>(t.num_nodes() + 2 * t.num_links());
    Bfs bfs(t);
    HopStats stats;
    double weighted_sum = 0, weight = 0;
    auto visit = [&](Topology::Vertex source, double w) {
        const FromSource r = bfs.run(source);
        weighted_sum += w * r.sum;
        weight += w;
        stats.diameter = std::max(stats.diameter, r.max);
        ++stats.sources;
    };

    const auto& orbits = t.chip_orbits();
    if (options.use_symmetry && !orbits.empty() &&
        static_cast<double>(orbits.size()) * bfs_cost <= options.work_budget) {
        stats.method = HopStats::Method::Symmetry;
        for (const auto& o : orbits)
            visit(o.representative, static_cast<double>(o.size));
        stats.how = fmt::format("BFS from {} representative chip{} ({})", orbits.size(), orbits.size() == 1 ? "" : "s",
                                t.symmetry());
    } else if (n * bfs_cost <= options.work_budget) {
        stats.method = HopStats::Method::Exact;
        for (auto c : chips)
            visit(c, 1);
        stats.how = fmt::format("BFS from all {} chips", chips.size());
    } else {
        stats.method = HopStats::Method::Sampled;
        const auto affordable = static_cast<std::size_t>(std::max(8.0, options.work_budget / bfs_cost));
        const std::size_t count = std::min({options.samples, affordable, chips.size()});
        for (auto c : seeded_sample(chips, count, options.seed))
            visit(c, 1);
        stats.how = fmt::format("BFS from {} of {} chips drawn with seed {}; the diameter is a lower bound", count,
                                chips.size(), options.seed);
    }
    stats.mean = weighted_sum / (weight * (n - 1));
    return stats;
}

} // namespace snsim
