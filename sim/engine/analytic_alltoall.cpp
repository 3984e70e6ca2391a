#include "sim/engine/analytic_alltoall.hpp"

#include "sim/engine/analytic.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>

namespace snsim::engine {
namespace {

using Vertex = Topology::Vertex;

struct DestinationClass {
    std::vector<Vertex> neighbours; // sorted, a vertex once per cable
    std::vector<Rank> members;      // ascending
    std::uint32_t multiplicity(Vertex v) const {
        const auto [lo, hi] = std::equal_range(neighbours.begin(), neighbours.end(), v);
        return static_cast<std::uint32_t>(hi - lo);
    }
};

// Ranks grouped by their chip's neighbours, classes in order of their first rank; with `alone`, one class per rank
// (ecmp hashes each destination on its own).
std::vector<DestinationClass> destination_classes(const Topology& t, const std::vector<Vertex>& chips, bool alone) {
    const auto& g = t.graph();
    std::map<std::vector<Vertex>, std::size_t> index;
    std::vector<DestinationClass> out;
    for (Rank r = 0; r < chips.size(); ++r) {
        std::vector<Vertex> neighbours;
        for (auto [e, end] = boost::out_edges(chips[r], g); e != end; ++e)
            neighbours.push_back(boost::target(*e, g));
        std::sort(neighbours.begin(), neighbours.end());
        if (alone) neighbours.push_back(chips[r]); // a key no other chip has; not part of the class's neighbours
        const auto [it, fresh] = index.try_emplace(neighbours, out.size());
        if (alone && fresh) neighbours.pop_back();
        if (fresh) out.push_back({std::move(neighbours), {}});
        out[it->second].members.push_back(r);
    }
    return out;
}

// A last hop of a class: down from neighbour `from`, the `index`-th of its cables to the chip.
using LastHop = std::pair<Vertex, std::uint32_t>;

// The cable directions from `from` down to `chip`, by hop as the Router orders them.
std::vector<Hop> down(const Topology& t, Vertex from, Vertex chip) {
    const auto& g = t.graph();
    std::vector<Hop> hops;
    for (auto [e, end] = boost::out_edges(chip, g); e != end; ++e)
        if (boost::target(*e, g) == from) hops.push_back(make_hop(g[*e].id, from, chip));
    std::sort(hops.begin(), hops.end());
    return hops;
}

// The two largest values over a class's chips and whose they are, so the largest over all chips but one is known.
struct TopTwo {
    double first = -std::numeric_limits<double>::infinity(), second = first;
    Rank first_of = std::numeric_limits<Rank>::max();
    void add(double value, Rank rank) {
        if (value > first) {
            second = first;
            first = value;
            first_of = rank;
        } else if (value > second) {
            second = value;
        }
    }
    double without(Rank rank) const { return rank == first_of ? second : first; }
};

class Alltoall {
  public:
    Alltoall(const Topology& t, Router& router, const std::vector<Vertex>& chips, double pair_bytes,
             const EngineOptions& options)
        : t_(t), router_(router), chips_(chips), pair_bytes_(pair_bytes), options_(options), cables_(t.cables()),
          rate_(direction_rates(t, options.efficiency)), load_(2 * t.num_links(), 0.0),
          latest_(load_.size(), -std::numeric_limits<double>::infinity()) {}

    // One walk per (source, class): every byte on every cable direction, and on each the largest latency of a
    // stripe that crosses it. A stripe takes alpha + its latency + the drain time of its busiest direction, so the
    // slowest stripe is, over cable directions, the largest of (drain + the latest stripe crossing it): known once
    // every class is counted, without walking again (time()).
    void count(const DestinationClass& c) {
        router_.aim(c.neighbours, only(c));
        // Per last hop, over the class's chips: the largest latency down to them, and their least.
        struct Down {
            TopTwo latency;
            double least = std::numeric_limits<double>::infinity();
            TopTwo arrival; // over the sources whose stripes go down it: the latest arrival at the neighbour
            double bytes = 0; // from every source
        };
        std::map<LastHop, Down> last_hops;
        std::map<Rank, std::vector<std::pair<LastHop, double>>> own; // sources inside the class, to take back out
        const auto down_of = [&](const LastHop& last) -> Down& {
            auto [it, fresh] = last_hops.try_emplace(last);
            if (fresh)
                for (Rank d : c.members) {
                    const double latency = cables_[cable_of(down(t_, last.first, chips_[d])[last.second])]->latency_s;
                    it->second.latency.add(latency, d);
                    it->second.least = std::min(it->second.least, latency);
                }
            return it->second;
        };
        for (Rank s = 0; s < chips_.size(); ++s) {
            const bool inside = std::binary_search(c.members.begin(), c.members.end(), s);
            const double receivers = static_cast<double>(c.members.size() - (inside ? 1 : 0));
            if (receivers == 0) continue;
            router_.open_paths(chips_[s], open_);
            const double share = pair_bytes_ / static_cast<double>(open_.size());
            communications_ += open_.size() * static_cast<std::size_t>(receivers);
            fewest_stripes_ = std::min(fewest_stripes_, open_.size());
            most_stripes_ = std::max(most_stripes_, open_.size());
            for (const auto& open : open_) {
                sprayed_ = sprayed_ || open.path.sprayed() || open.arrivals.size() > 1;
                double arrival_latency = 0;
                for (const auto& arrival : open.arrivals)
                    arrival_latency = std::max(arrival_latency, arrival.latency_s);
                double latest_down = -std::numeric_limits<double>::infinity(); // to a chip of the class but s
                for_each_last_hop(c, open, [&](const LastHop& last, double fraction) {
                    Down& d = down_of(last);
                    d.bytes += share * fraction;
                    if (inside) own[s].emplace_back(last, share * fraction);
                    d.arrival.add(arrival_latency, s);
                    latest_down = std::max(latest_down, d.latency.without(s));
                    least_latency_ = std::min(least_latency_, arrival_latency + d.least);
                    most_latency_ = std::max(most_latency_, arrival_latency + d.latency.without(s));
                });
                const double latency = arrival_latency + latest_down;
                for_each_hop(open.path, [&](Hop hop, double fraction) {
                    load_[hop] += receivers * share * fraction;
                    latest_[hop] = std::max(latest_[hop], latency);
                });
            }
        }
        // The last hops: each chip's bytes from every source but itself, its stripes' latest arrival likewise.
        for (const auto& [last, d] : last_hops)
            for (Rank r : c.members) {
                const Hop hop = down(t_, last.first, chips_[r])[last.second];
                load_[hop] += d.bytes;
                latest_[hop] = std::max(latest_[hop], d.arrival.without(r) + cables_[cable_of(hop)]->latency_s);
            }
        for (const auto& [r, shares] : own)
            for (const auto& [last, share] : shares)
                load_[down(t_, last.first, chips_[r])[last.second]] -= share;
    }

    // The slowest stripe, once every class is counted.
    double time() const {
        double worst = 0;
        for (Hop hop = 0; hop < load_.size(); ++hop)
            if (latest_[hop] > -std::numeric_limits<double>::infinity())
                worst = std::max(worst, latest_[hop] + load_[hop] / rate_[hop]);
        return options_.alpha_s + worst;
    }

    std::optional<Vertex> only(const DestinationClass& c) const {
        if (c.members.size() != 1) return std::nullopt;
        return chips_[c.members.front()];
    }

    // Calls f(last hop, fraction of the stripe) for the cables an open path goes down into a chip of class `c`: the
    // first of them (shortest), or all of them evenly (spray), as Router::paths takes them.
    template <class F> void for_each_last_hop(const DestinationClass& c, const Router::OpenPath& open, F&& f) const {
        const bool spread = router_.strategy() == RouteStrategy::Spray;
        for (const auto& arrival : open.arrivals) {
            if (!spread) {
                f(LastHop{arrival.at, arrival.cable}, arrival.fraction);
                continue;
            }
            const std::uint32_t cables = c.multiplicity(arrival.at);
            for (std::uint32_t i = 0; i < cables; ++i)
                f(LastHop{arrival.at, i}, arrival.fraction / cables);
        }
    }

    RunResult result(double time_s) && {
        RunResult out;
        out.time_s = time_s;
        out.estimate = !exact();
        out.hop_bytes = std::move(load_);
        out.communications = communications_;
        return out;
    }

  private:
    // E1 holds (one wave, started at 0); E2 (sim/engine/analytic.hpp) is checked by a sufficient condition: every
    // stripe is one path (not sprayed) with the same latency and bytes, and every cable direction used drains in
    // the same time, so every stripe's busiest direction is every direction it crosses.
    bool exact() const {
        if (sprayed_ || fewest_stripes_ != most_stripes_ || least_latency_ < most_latency_ * (1 - 1e-9)) return false;
        double least = std::numeric_limits<double>::infinity(), most = 0;
        for (Hop hop = 0; hop < load_.size(); ++hop)
            if (load_[hop] > 0) {
                least = std::min(least, load_[hop] / rate_[hop]);
                most = std::max(most, load_[hop] / rate_[hop]);
            }
        return least >= most * (1 - 1e-9);
    }

    const Topology& t_;
    Router& router_;
    const std::vector<Vertex>& chips_;
    double pair_bytes_;
    const EngineOptions& options_;
    std::vector<const Link*> cables_; // by id
    std::vector<double> rate_, load_;
    std::vector<double> latest_; // per cable direction, the latency of the latest stripe crossing it; -inf: none
    std::size_t communications_ = 0;
    std::size_t fewest_stripes_ = std::numeric_limits<std::size_t>::max(), most_stripes_ = 0;
    double least_latency_ = std::numeric_limits<double>::infinity(), most_latency_ = 0;
    bool sprayed_ = false;
    std::vector<Router::OpenPath> open_; // reused by every walk
};

} // namespace

RunResult analytic_alltoall(const Topology& t, Router& router, const std::vector<Vertex>& chips, double pair_bytes,
                            const EngineOptions& options) {
    const auto classes = destination_classes(t, chips, router.strategy() == RouteStrategy::Ecmp);
    Alltoall alltoall(t, router, chips, pair_bytes, options);
    for (const auto& c : classes)
        alltoall.count(c);
    return std::move(alltoall).result(chips.size() > 1 ? alltoall.time() : 0);
}

} // namespace snsim::engine
