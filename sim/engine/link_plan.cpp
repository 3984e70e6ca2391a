#include "sim/engine/link_plan.hpp"

#include "sim/engine/spray_plan.hpp"

#include <algorithm>
#include <optional>
#include <unordered_map>

namespace snsim {
namespace {

// Numbers the distinct stripe sets in order of first use, so plans are deterministic.
std::vector<const std::vector<Path>*> distinct_sets(const std::vector<const std::vector<Path>*>& stripes,
                                                    std::vector<std::uint32_t>& set_of) {
    std::unordered_map<const std::vector<Path>*, std::uint32_t> index;
    std::vector<const std::vector<Path>*> sets;
    set_of.resize(stripes.size());
    for (std::size_t f = 0; f < stripes.size(); ++f) {
        auto [it, fresh] = index.try_emplace(stripes[f], static_cast<std::uint32_t>(sets.size()));
        if (fresh) sets.push_back(stripes[f]);
        set_of[f] = it->second;
    }
    return sets;
}

class Builder {
  public:
    Builder(const Topology& t, double efficiency) : cables_(t.cables()), efficiency_(efficiency) {}

    // The link standing for exactly `members` (sorted), created on first use; nullopt when a member already
    // belongs to another link or the members differ in bandwidth or latency.
    std::optional<std::uint32_t> link(const std::vector<Hop>& members) {
        const auto found = link_of_.find(members.front());
        if (found != link_of_.end()) {
            if (plan_.links[found->second].hops != members) return std::nullopt;
            return found->second;
        }
        const Link& first = *cables_[cable_of(members.front())];
        PlannedLink planned{members, 0, first.latency_s};
        for (Hop hop : members) {
            const Link& cable = *cables_[cable_of(hop)];
            if (cable.bytes_per_s != first.bytes_per_s || cable.latency_s != first.latency_s ||
                link_of_.count(hop) != 0)
                return std::nullopt;
            planned.bytes_per_s += cable.bytes_per_s * efficiency_;
        }
        const auto id = static_cast<std::uint32_t>(plan_.links.size());
        for (Hop hop : members)
            link_of_.emplace(hop, id);
        plan_.links.push_back(std::move(planned));
        return id;
    }

    // One route per path, one link per cable direction.
    std::vector<LinkPlan::Route> separate(const std::vector<Path>& paths) {
        std::vector<LinkPlan::Route> routes;
        for (const auto& path : paths) {
            LinkPlan::Route& route = routes.emplace_back();
            for (Hop hop : path.hops)
                route.push_back(*link({hop})); // single cable directions never conflict
        }
        return routes;
    }

    // The set's routes and their latencies: one per path, or the bundle's (the slowest path's: they are alike).
    void add_set(std::vector<LinkPlan::Route> routes, const std::vector<Path>& paths) {
        std::vector<double> latencies;
        for (const auto& path : paths)
            latencies.push_back(path.latency_s);
        if (routes.size() == 1 && paths.size() > 1) latencies = {*std::max_element(latencies.begin(), latencies.end())};
        plan_.route_sets.push_back(std::move(routes));
        plan_.route_latencies.push_back(std::move(latencies));
    }

    // One route through bundles for the whole set, or nullopt when the set does not follow the bundling rule.
    std::optional<std::vector<LinkPlan::Route>> bundled(const std::vector<Path>& paths) {
        if (paths.empty()) return std::nullopt;
        const std::size_t length = paths.front().hops.size();
        LinkPlan::Route route;
        std::vector<Hop> members(paths.size());
        for (std::size_t j = 0; j < length; ++j) {
            for (std::size_t i = 0; i < paths.size(); ++i) {
                if (paths[i].hops.size() != length) return std::nullopt;
                members[i] = paths[i].hops[j];
            }
            std::sort(members.begin(), members.end());
            if (std::adjacent_find(members.begin(), members.end()) != members.end()) return std::nullopt;
            const auto id = link(members);
            if (!id || std::find(route.begin(), route.end(), *id) != route.end()) return std::nullopt;
            route.push_back(*id);
        }
        return std::vector<LinkPlan::Route>{std::move(route)};
    }

    LinkPlan take(std::vector<std::uint32_t> set_of) && {
        plan_.route_set_of = std::move(set_of);
        return std::move(plan_);
    }
    LinkPlan& plan() { return plan_; }

  private:
    std::vector<const Link*> cables_; // by cable id
    double efficiency_;
    LinkPlan plan_;
    std::unordered_map<Hop, std::uint32_t> link_of_;
};

// The bundled plan, or nullopt when any stripe set breaks the bundling rule (then `set_of` is left as it was).
std::optional<LinkPlan> bundled_plan(const Topology& t, const std::vector<const std::vector<Path>*>& sets,
                                     std::vector<std::uint32_t>& set_of, double efficiency) {
    Builder builder(t, efficiency);
    for (const auto* paths : sets) {
        auto routes = builder.bundled(*paths);
        if (!routes) return std::nullopt;
        builder.add_set(std::move(*routes), *paths);
    }
    return std::move(builder).take(std::move(set_of));
}

} // namespace

std::size_t LinkPlan::communications() const {
    std::size_t total = 0;
    for (auto set : route_set_of)
        total += route_sets[set].size();
    return total;
}

bool LinkPlan::bundled() const {
    return std::any_of(links.begin(), links.end(), [](const PlannedLink& link) { return link.hops.size() > 1; });
}

LinkPlan plan_links(const Topology& t, const std::vector<const std::vector<Path>*>& stripes, double efficiency,
                    bool bundle) {
    std::vector<std::uint32_t> set_of;
    const auto sets = distinct_sets(stripes, set_of);
    const bool sprayed = std::any_of(sets.begin(), sets.end(), [](const std::vector<Path>* paths) {
        return std::any_of(paths->begin(), paths->end(), [](const Path& p) { return p.sprayed(); });
    });
    if (sprayed) return sprayed_plan(t, sets, std::move(set_of), efficiency);
    if (bundle)
        if (auto plan = bundled_plan(t, sets, set_of, efficiency)) return std::move(*plan);
    Builder builder(t, efficiency);
    for (const auto* paths : sets)
        builder.add_set(builder.separate(*paths), *paths);
    return std::move(builder).take(std::move(set_of));
}

} // namespace snsim
