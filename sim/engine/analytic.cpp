#include "sim/engine/analytic.hpp"
#include "sim/engine/relative.hpp"
#include "sim/engine/streaming.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <queue>

namespace snsim::engine {
namespace {

constexpr double kRounding = 1e-9; // relative: what rounding makes of equal times

bool later(double a, double b) {
    return a > b && !same_within(a, b, kRounding);
}

std::uint64_t wave_of(const Schedule& s, FlowId f) {
    return std::uint64_t{s.flow(f).step} + s.chunk_of(f);
}

// What both passes read of a flow.
struct Flows {
    const Schedule& s;
    const std::vector<const std::vector<Path>*>& stripes;
    const EngineOptions& options;
    std::vector<double> rate; // per direction, at the options' efficiency

    double share(FlowId f) const { return s.flow(f).bytes / static_cast<double>(stripes[f]->size()); }
    // A reducing flow moves no faster than the reduction bandwidth, all its stripes together.
    double reducing(FlowId f) const {
        return s.flow(f).op == FlowOp::Reduce && options.reduction_Bps > 0 ? s.flow(f).bytes / options.reduction_Bps
                                                                           : 0.0;
    }
    // Alpha and the path's latency, once per round (Flow::rounds), less what the flow f follows has `covered` of
    // the latency (sim/engine/streaming.hpp).
    double lead(FlowId f, const Path& path, double covered) const {
        return stripe_lead(s.flow(f).rounds, options.alpha_s + s.flow(f).alpha_s, path.latency_s, covered);
    }
};

// Each stripe's drain (Waves): the drains of flow f's stripes are drain[at[f] .. at[f + 1]), in stripe order.
struct Drains {
    std::vector<std::size_t> at;
    std::vector<double> drain;
};

// Wave by wave: each stripe's drain as long as no queue delays it, and whether E2 holds.
class Waves {
  public:
    explicit Waves(const Flows& in)
        : in_(in), load_(in.rate.size(), 0.0), most_drain_(in.rate.size(), 0.0), most_bytes_(in.rate.size(), 0.0),
          seen_(in.rate.size(), 0) {
        drains_.at.assign(in.s.size() + 1, 0);
        for (FlowId f = 0; f < in.s.size(); ++f)
            drains_.at[f + 1] = drains_.at[f] + in.stripes[f]->size();
        drains_.drain.assign(drains_.at.back(), 0.0);
    }

    void run() {
        std::vector<std::pair<std::uint64_t, FlowId>> order(in_.s.size());
        for (FlowId f = 0; f < in_.s.size(); ++f)
            order[f] = {wave_of(in_.s, f), f};
        std::sort(order.begin(), order.end());
        for (std::size_t begin = 0; begin < order.size();) {
            std::size_t end = begin;
            while (end < order.size() && order[end].first == order[begin].first)
                ++end;
            wave({order.data() + begin, order.data() + end});
            begin = end;
        }
    }
    bool even() const { return even_; }
    Drains drains() && { return std::move(drains_); }

  private:
    using Members = std::span<const std::pair<std::uint64_t, FlowId>>;

    void wave(Members members) {
        // Sprayed layers are shared by many stripes of a wave (a Clos node's uplinks by every pair leaving it):
        // each layer's bytes are summed first and spread over its cables once.
        ++wave_;
        wave_layers_.clear();
        const auto add = [&](Hop hop, double bytes) {
            if (!seen_[hop]) seen_[hop] = 1, touched_.push_back(hop);
            load_[hop] += bytes;
        };
        // FlowId copied out of the pair: clang 14 (the fuzz build) cannot capture a structured binding.
        for (const auto& member : members) {
            const FlowId f = member.second;
            const double share = in_.share(f);
            for (const auto& path : *in_.stripes[f]) {
                for (Hop hop : path.hops)
                    add(hop, share);
                for (const SprayLayer* layer : path.layers) {
                    if (layer->id >= layer_stamp_.size()) {
                        layer_stamp_.resize(layer->id + 1, 0);
                        layer_bytes_.resize(layer->id + 1, 0.0);
                        layer_drain_.resize(layer->id + 1, 0.0);
                    }
                    if (layer_stamp_[layer->id] != wave_) {
                        layer_stamp_[layer->id] = wave_;
                        layer_bytes_[layer->id] = 0;
                        layer_drain_[layer->id] = -1; // not known yet
                        wave_layers_.push_back(layer);
                    }
                    layer_bytes_[layer->id] += share;
                }
            }
        }
        for (const SprayLayer* layer : wave_layers_)
            for (std::size_t j = 0; j < layer->hops.size(); ++j)
                add(layer->hops[j], layer_bytes_[layer->id] * layer->fractions[j]);
        // E2's per-direction maxima are read only while E2 still holds (a sprayed stripe ends it at once).
        for (const auto& member : members) {
            const FlowId f = member.second;
            std::size_t stripe = drains_.at[f];
            for (const auto& path : *in_.stripes[f]) {
                const double d = drains_.drain[stripe++] = drain(f, path);
                if (!even_) continue;
                for_each_hop(path, [&](Hop hop, double fraction) {
                    most_drain_[hop] = std::max(most_drain_[hop], d);
                    most_bytes_[hop] = std::max(most_bytes_[hop], in_.share(f) * fraction);
                });
            }
        }
        for (const auto& [w, f] : members)
            for (const auto& path : *in_.stripes[f])
                even_ = even_ && evenly_shared(f, path);
        for (Hop hop : touched_)
            load_[hop] = most_drain_[hop] = most_bytes_[hop] = 0, seen_[hop] = 0;
        touched_.clear();
    }

    // The drain of a stripe's busiest direction in this wave (each sprayed layer's found once per wave).
    double drain(FlowId f, const Path& path) {
        double d = in_.reducing(f);
        for (Hop hop : path.hops)
            d = std::max(d, load_[hop] / in_.rate[hop]);
        for (const SprayLayer* layer : path.layers) {
            double& most = layer_drain_[layer->id];
            if (most < 0) {
                most = 0;
                for (Hop hop : layer->hops)
                    most = std::max(most, load_[hop] / in_.rate[hop]);
            }
            d = std::max(d, most);
        }
        return d;
    }

    // E2 for one stripe: a direction where it drains with everything else there and carries the most.
    bool evenly_shared(FlowId f, const Path& path) {
        if (path.sprayed()) return false; // a stripe spread over a DAG: the proof covers one path per stripe
        const double d = drain(f, path);
        if (path.hops.empty() || (in_.reducing(f) > 0 && same_within(d, in_.reducing(f), kRounding))) return true;
        return std::any_of(path.hops.begin(), path.hops.end(), [&](Hop hop) {
            return same_within(load_[hop] / in_.rate[hop], d, kRounding) && same_within(most_drain_[hop], d, kRounding) &&
                   !later(most_bytes_[hop], in_.share(f));
        });
    }

    const Flows& in_;
    std::vector<double> load_, most_drain_, most_bytes_; // of the current wave, per direction
    std::vector<std::uint8_t> seen_;
    std::vector<Hop> touched_;
    // Per sprayed layer (SprayLayer::id), valid where layer_stamp_ is this wave: its bytes and its busiest
    // direction's drain (-1: not yet found).
    std::uint64_t wave_ = 0;
    std::vector<std::uint64_t> layer_stamp_;
    std::vector<double> layer_bytes_, layer_drain_;
    std::vector<const SprayLayer*> wave_layers_;
    Drains drains_;
    bool even_ = true;
};

// Flows in order of start: each direction's queue, and E1 (with E2's common ready instant).
class Timeline {
  public:
    // `even`: whether E2 held; if not, the run is an estimate whatever E1 says, and E1 is not checked.
    Timeline(const Flows& in, Drains drains, bool even)
        : in_(in), drains_(std::move(drains)), apart_(even), held_until_(in.rate.size(), 0.0), wave_(in.rate.size(), kNone),
          ready_(in.rate.size(), 0.0), wave_end_(in.rate.size(), 0.0), others_end_(in.rate.size(), 0.0) {}

    AnalyticRun run() && {
        const Schedule& s = in_.s;
        std::vector<std::size_t> at(s.size() + 1, 0); // dependents of f: dependents[at[f] .. at[f + 1])
        std::vector<std::uint32_t> waiting(s.size());
        for (FlowId f = 0; f < s.size(); ++f) {
            waiting[f] = static_cast<std::uint32_t>(s.deps(f).size());
            for (FlowId d : s.deps(f))
                ++at[d + 1];
        }
        for (FlowId f = 0; f < s.size(); ++f)
            at[f + 1] += at[f];
        std::vector<FlowId> dependents(at.back());
        std::vector<std::size_t> fill(at.begin(), at.end() - 1);
        for (FlowId f = 0; f < s.size(); ++f)
            for (FlowId d : s.deps(f))
                dependents[fill[d]++] = f;

        AnalyticRun out;
        out.flows.resize(s.size());
        using Start = std::pair<double, FlowId>;
        std::priority_queue<Start, std::vector<Start>, std::greater<>> ready;
        for (FlowId f = 0; f < s.size(); ++f)
            if (waiting[f] == 0) ready.push({0.0, f});
        while (!ready.empty()) {
            const auto [start, f] = ready.top();
            ready.pop();
            const double covered = covered_latency(s, f, [&](FlowId d) { return out.flows[d].finish_s; });
            const double finish = place(f, start, covered);
            out.flows[f] = {start, finish};
            for (std::size_t i = at[f]; i < at[f + 1]; ++i) {
                const FlowId d = dependents[i];
                out.flows[d].start_s = std::max(out.flows[d].start_s, finish);
                if (--waiting[d] == 0) ready.push({out.flows[d].start_s, d});
            }
        }
        out.exact = apart_;
        return out;
    }

  private:
    static constexpr std::uint64_t kNone = std::numeric_limits<std::uint64_t>::max();

    // Flow f started at `start`: its finish, after each stripe's hold on each of its directions.
    double place(FlowId f, double start, double covered) {
        double natural = start + in_.s.flow(f).seconds; // a compute flow's time; it has no stripes
        std::size_t stripe = drains_.at[f];
        for (const auto& path : *in_.stripes[f])
            natural = std::max(natural, start + in_.lead(f, path, covered) + drains_.drain[stripe++]);
        double finish = natural;
        for (const auto& path : *in_.stripes[f]) {
            const double ready = start + in_.lead(f, path, covered);
            for_each_hop(path, [&](Hop hop, double fraction) {
                held_until_[hop] = std::max(held_until_[hop], ready) + in_.share(f) * fraction / in_.rate[hop];
                finish = std::max(finish, held_until_[hop]);
            });
        }
        if (later(finish, natural)) apart_ = false;
        if (!apart_) return finish; // E1 fails already: no need to follow it
        const std::uint64_t wave = wave_of(in_.s, f);
        for (const auto& path : *in_.stripes[f])
            for_each_hop(path, [&](Hop hop, double) { use(hop, wave, start + in_.lead(f, path, covered), finish); });
        return finish;
    }

    // E1 and E2's common ready instant on one direction, for a stripe of `wave` using it from `ready` to `end`.
    void use(Hop hop, std::uint64_t wave, double ready, double end) {
        if (wave_[hop] == wave) {
            if (!same_within(ready, ready_[hop], kRounding) || later(others_end_[hop], ready)) apart_ = false;
            wave_end_[hop] = std::max(wave_end_[hop], end);
            return;
        }
        if (later(std::max(wave_end_[hop], others_end_[hop]), ready)) apart_ = false;
        others_end_[hop] = std::max(others_end_[hop], wave_end_[hop]);
        wave_[hop] = wave;
        ready_[hop] = ready;
        wave_end_[hop] = end;
    }

    const Flows& in_;
    Drains drains_;
    bool apart_; // E1 (and E2, given) hold so far
    std::vector<double> held_until_; // per direction: the end of what stripes placed so far hold
    // Per direction: the wave that used it last, when its stripes were ready, when they end, and when the stripes
    // of every other wave end.
    std::vector<std::uint64_t> wave_;
    std::vector<double> ready_, wave_end_, others_end_;
};

} // namespace

std::vector<double> direction_rates(const Topology& t, double efficiency) {
    std::vector<double> rate(2 * t.num_links());
    for (const Link* cable : t.cables())
        rate[2 * cable->id] = rate[2 * cable->id + 1] = cable->bytes_per_s * efficiency;
    return rate;
}

AnalyticRun run_analytic(const Topology& t, const Schedule& s, const std::vector<const std::vector<Path>*>& stripes,
                         const EngineOptions& options) {
    const Flows in{s, stripes, options, direction_rates(t, options.efficiency)};
    Waves waves(in);
    waves.run();
    const bool even = waves.even();
    AnalyticRun out = Timeline(in, std::move(waves).drains(), even).run();
    out.exact = out.exact && even;
    return out;
}

} // namespace snsim::engine
