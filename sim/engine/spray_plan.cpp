#include "sim/engine/spray_plan.hpp"
#include "sim/engine/relative.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace snsim {
namespace {

constexpr double kSame = 1e-12; // relative: two fractions (or fraction-to-bandwidth ratios) are the same
// Most times one route names a link: a direction used with fractions that are whole multiples (up to this) of the
// least one is said exactly (see Planner::repeats).
constexpr double kMostRepeats = 64;


// Who uses each cable direction and with what fraction of a stripe.
class Uses {
  public:
    explicit Uses(std::size_t directions)
        : owner_(directions, nullptr), fraction_(directions, 0.0), mixed_(directions, 0), shared_(directions, 0) {}

    // `layer` is null for a direction of an ordinary path (fraction 1).
    void add(Hop hop, const SprayLayer* layer, double fraction) {
        if (fraction_[hop] == 0) {
            owner_[hop] = layer;
            fraction_[hop] = fraction;
            return;
        }
        if (owner_[hop] != layer || layer == nullptr) shared_[hop] = 1;
        if (!engine::same_within(fraction_[hop], fraction, kSame)) {
            auto& seen = fractions_[hop];
            if (!mixed_[hop]) seen.push_back(fraction_[hop]);
            mixed_[hop] = 1;
            if (std::none_of(seen.begin(), seen.end(), [&](double f) { return engine::same_within(f, fraction, kSame); }))
                seen.push_back(fraction);
        }
        fraction_[hop] = std::max(fraction_[hop], fraction);
    }
    bool shared(Hop hop) const { return shared_[hop]; }
    bool mixed(Hop hop) const { return mixed_[hop]; }
    double fraction(Hop hop) const { return fraction_[hop]; }
    // A mixed direction's distinct fractions.
    const std::vector<double>& fractions(Hop hop) const { return fractions_.at(hop); }

  private:
    std::vector<const SprayLayer*> owner_;
    std::vector<double> fraction_; // the largest any stripe puts there
    std::vector<char> mixed_, shared_;
    std::unordered_map<Hop, std::vector<double>> fractions_; // mixed directions only; lookup only, never iterated
};

class Planner {
  public:
    Planner(const Topology& t, double efficiency)
        : cables_(t.cables()), efficiency_(efficiency), uses_(2 * t.num_links()), link_of_hop_(2 * t.num_links(), kNone) {}

    void count(const Path& path) {
        for (Hop hop : path.hops)
            uses_.add(hop, nullptr, 1.0);
        for (const SprayLayer* layer : path.layers)
            for (std::size_t j = 0; j < layer->hops.size(); ++j)
                uses_.add(layer->hops[j], layer, layer->fractions[j]);
    }

    LinkPlan::Route route(const Path& path) {
        LinkPlan::Route out;
        const auto direction = [&](Hop hop, double fraction) {
            const std::uint32_t link = hop_link(hop);
            out.insert(out.end(), static_cast<std::size_t>(repeats(hop, fraction)), link);
        };
        for (Hop hop : path.hops)
            direction(hop, 1.0);
        for (const SprayLayer* layer : path.layers) {
            if (bundles(*layer)) {
                out.push_back(layer_link(*layer));
                continue;
            }
            for (std::size_t j = 0; j < layer->hops.size(); ++j)
                direction(layer->hops[j], layer->fractions[j]);
        }
        return out;
    }

    LinkPlan take() && { return std::move(plan_); }
    LinkPlan& plan() { return plan_; }

  private:
    static constexpr std::uint32_t kNone = ~0u;

    double capacity(Hop hop) const { return cables_[cable_of(hop)]->bytes_per_s * efficiency_; }

    // A layer is one link when no member serves another layer and every member's fraction is in proportion to
    // its bandwidth (then every member's constraint is the same).
    bool bundles(const SprayLayer& layer) const {
        if (layer.hops.size() < 2) return false;
        const double ratio = layer.fractions.front() / capacity(layer.hops.front());
        for (std::size_t j = 0; j < layer.hops.size(); ++j)
            if (uses_.shared(layer.hops[j]) || !engine::same_within(layer.fractions[j] / capacity(layer.hops[j]), ratio, kSame))
                return false;
        return true;
    }

    std::uint32_t layer_link(const SprayLayer& layer) {
        const Hop first = layer.hops.front();
        if (link_of_hop_[first] != kNone) return link_of_hop_[first];
        PlannedLink link{layer.hops, 0, cables_[cable_of(first)]->latency_s};
        for (Hop hop : layer.hops)
            link.bytes_per_s += capacity(hop);
        return add(std::move(link));
    }

    // Stripes that put different fractions on one direction: when every fraction is a whole multiple m (at most
    // kMostRepeats) of the least, w, the direction is a link of C / w that a stripe of fraction m w names m times in
    // its route. SimGrid (CM02) charges a communication once per link it names, so the constraint is
    // sum(m r) <= C / w, which is sum(m w r) <= C, exactly. Otherwise the link is C / (the largest fraction), named
    // once: the stripes that use it less are slowed there, and the plan is not exact.
    struct Scale {
        double unit = 0; // the fraction one naming stands for
        bool whole = false;
    };
    const Scale& scale(Hop hop) {
        auto [it, fresh] = scales_.try_emplace(hop);
        if (!fresh) return it->second;
        const auto& fractions = uses_.fractions(hop);
        const double least = *std::min_element(fractions.begin(), fractions.end());
        it->second = {least, std::all_of(fractions.begin(), fractions.end(), [&](double f) {
                          const double m = std::round(f / least);
                          return m <= kMostRepeats && engine::same_within(f / least, m, 1e-9);
                      })};
        if (!it->second.whole) {
            it->second.unit = uses_.fraction(hop);
            plan_.exact = false;
        }
        return it->second;
    }

    // How many times a stripe of `fraction` on `hop` names its link.
    double repeats(Hop hop, double fraction) {
        if (!uses_.mixed(hop)) return 1;
        const Scale& s = scale(hop);
        return s.whole ? std::round(fraction / s.unit) : 1;
    }

    // A direction alone, scaled by the fraction of a stripe that crosses it (the least, when mixed: see Scale).
    std::uint32_t hop_link(Hop hop) {
        if (link_of_hop_[hop] != kNone) return link_of_hop_[hop];
        const double unit = uses_.mixed(hop) ? scale(hop).unit : uses_.fraction(hop);
        return add({{hop}, capacity(hop) / unit, cables_[cable_of(hop)]->latency_s});
    }

    std::uint32_t add(PlannedLink link) {
        const auto id = static_cast<std::uint32_t>(plan_.links.size());
        for (Hop hop : link.hops)
            link_of_hop_[hop] = id;
        plan_.links.push_back(std::move(link));
        return id;
    }

    std::vector<const Link*> cables_; // by id
    double efficiency_;
    Uses uses_;
    std::vector<std::uint32_t> link_of_hop_;
    std::unordered_map<Hop, Scale> scales_; // of mixed directions; lookup only, never iterated
    LinkPlan plan_;
};

} // namespace

LinkPlan sprayed_plan(const Topology& t, const std::vector<const std::vector<Path>*>& sets,
                      std::vector<std::uint32_t> set_of, double efficiency) {
    Planner planner(t, efficiency);
    for (const auto* paths : sets)
        for (const Path& path : *paths)
            planner.count(path);
    for (const auto* paths : sets) {
        std::vector<LinkPlan::Route> routes;
        std::vector<double> latencies;
        for (const Path& path : *paths) {
            routes.push_back(planner.route(path));
            latencies.push_back(path.latency_s);
        }
        planner.plan().route_sets.push_back(std::move(routes));
        planner.plan().route_latencies.push_back(std::move(latencies));
    }
    LinkPlan plan = std::move(planner).take();
    plan.route_set_of = std::move(set_of);
    return plan;
}

} // namespace snsim
