#include "sim/experiment/best.hpp"

#include <algorithm>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include "sim/engine/lockstep.hpp"
#include "sim/engine/schedule_bound.hpp"
#include "topologies/errors.hpp"

namespace snsim {
namespace {

// SimGrid counts bytes scaled by 2^20 (sim/engine/simgrid_run.cpp): a time may sit below a bound by rounding
// only; a candidate is skipped when its bound is above the best time by more than that.
constexpr double kRounding = 1e-9;

struct Candidate {
    std::size_t order = 0; // in kAlgorithms: breaks ties
    Experiment experiment;
    bool refused = false;
};

std::vector<Candidate> candidates_of(const Experiment& x) {
    std::vector<Candidate> out;
    for (std::size_t i = 0; i < kAlgorithms.size(); ++i) {
        const Algorithm a = kAlgorithms[i];
        if (!supports(a, x.collective) || (a == Algorithm::multi_ring && x.params.channels == 1)) continue;
        Experiment candidate = x;
        candidate.algorithm = a;
        if (a != Algorithm::hierarchical && a != Algorithm::multidim) candidate.params.dims.clear();
        if (a != Algorithm::multi_ring) candidate.params.channels = 1;
        out.push_back({i, std::move(candidate)});
    }
    return out;
}

// What running a candidate at one size will cost, and the least time it can take.
struct Estimate {
    double cost = 0;  // engine communications (flows x stripes), over every protocol that covers the size
    double bound = 0; // 0 when not computed (a listless alltoall: it is cheap anyway)
};

// Builds the candidate's schedule as run_experiment does (same endpoints, chunks and coalescing) to bound it.
// Throws InputError when the candidate does not fit the system.
Estimate estimate(const Topology& t, Router& router, const std::vector<Topology::Vertex>& chips, const Experiment& x,
                  double size) {
    const auto p = static_cast<Rank>(chips.size());
    const SchedulePlan plan = plan_schedule(t, router, chips, x);
    const CollectiveParams params = params_at(x, plan, size);
    const std::vector<Topology::Vertex>& endpoints = plan.endpoints;
    Estimate e;
    const auto protocols = static_cast<double>(std::count_if(
        x.cost.protocols.begin(), x.cost.protocols.end(), [&](const Protocol& c) { return c.covers(size); }));
    if (listless_alltoall(t, x, params.chunks)) {
        e.cost = protocols * p * (p - 1.0);
        return e;
    }
    const Schedule schedule = build_schedule(x.collective, x.algorithm, p, params);
    double stripes = 0;
    for (const Flow& f : schedule.flows())
        stripes += static_cast<double>(router.paths(endpoints[f.src], endpoints[f.dst]).size());
    e.cost = protocols * stripes;
    e.bound = std::numeric_limits<double>::infinity();
    for (const Protocol& protocol : x.cost.protocols)
        if (protocol.covers(size))
            e.bound = std::min(e.bound, engine::schedule_lower_bound(t, router, schedule, endpoints,
                                                                     x.cost.options(x.engine, protocol)));
    e.bound = std::max(e.bound, x.cost.launch_interval_s);
    return e;
}

class Search {
  public:
    Search(const Topology& t, const std::vector<Topology::Vertex>& chips, const Experiment& x,
           const BestEvents& events, bool prune)
        : t_(t), chips_(chips), x_(x), events_(events), prune_(prune), router_(t, x.routing),
          candidates_(candidates_of(x)) {}

    // Decides one size; false when stopped before it was decided.
    bool decide(double size, bool largest) {
        std::vector<std::pair<Estimate, Candidate*>> runs;
        for (auto& c : candidates_) {
            if (c.refused) continue;
            if (events_.stop()) return false;
            try {
                runs.emplace_back(estimate(t_, router_, chips_, c.experiment, size), &c);
            } catch (const InputError& e) {
                refuse(c, e.what());
            }
        }
        std::stable_sort(runs.begin(), runs.end(), [](const auto& a, const auto& b) {
            return a.first.cost != b.first.cost ? a.first.cost < b.first.cost : a.second->order < b.second->order;
        });
        std::optional<std::pair<report::RunRow, std::size_t>> best; // row, order
        for (auto& [estimate, c] : runs) {
            if (events_.stop()) return false;
            if (prune_ && best && estimate.bound > best->first.time_s * (1 + kRounding)) {
                ++result_.pruned;
                events_.skipped(c->experiment.algorithm, size,
                                fmt::format("its bound {:.6g} us is above {}'s {:.6g} us", estimate.bound * 1e6,
                                            best->first.algorithm, best->first.time_s * 1e6));
                continue;
            }
            Experiment one = c->experiment;
            one.sizes = {size};
            ExperimentResult r;
            try {
                r = run_experiment(t_, chips_, one, [&](const report::RunRow& row) { events_.timed(row); });
            } catch (const InputError& e) {
                refuse(*c, e.what());
                continue;
            }
            ++result_.timed;
            const report::RunRow& row = r.rows.front();
            const bool faster = !best || row.time_s < best->first.time_s ||
                                (row.time_s == best->first.time_s && c->order < best->second);
            if (!faster) continue;
            best = {row, c->order};
            if (largest) {
                result_.result.cables = std::move(r.cables);
                result_.result.idle_cable_directions = r.idle_cable_directions;
                result_.result.cables_size_bytes = r.cables_size_bytes;
            }
        }
        if (!best)
            throw InputError(fmt::format("no algorithm implements {} on it", to_string(x_.collective)));
        events_.decided(best->first);
        result_.result.rows.push_back(std::move(best->first));
        return true;
    }

    BestResult take() && { return std::move(result_); }

  private:
    void refuse(Candidate& c, const std::string& why) {
        c.refused = true;
        events_.skipped(c.experiment.algorithm, 0, why);
    }

    const Topology& t_;
    const std::vector<Topology::Vertex>& chips_;
    const Experiment& x_;
    const BestEvents& events_;
    bool prune_;
    Router router_; // for bounds only; each run routes on its own, as snsim run does
    std::vector<Candidate> candidates_;
    BestResult result_;
};

} // namespace

BestResult run_best(const Topology& t, const std::vector<Topology::Vertex>& chips, const Experiment& x,
                    const BestEvents& events, bool prune) {
    if (x.sizes_per_pair) return run_best(t, chips, per_rank_sizes(x, static_cast<Rank>(chips.size())), events, prune);
    Search search(t, chips, x, events, prune);
    const double largest = x.sizes.empty() ? 0 : *std::max_element(x.sizes.begin(), x.sizes.end());
    bool largest_done = false;
    for (double size : x.sizes) {
        // The cables reported are the winner's at the largest size (its first occurrence).
        const bool is_largest = size == largest && !largest_done;
        if (!search.decide(size, is_largest)) break;
        largest_done = largest_done || is_largest;
    }
    return std::move(search).take();
}

} // namespace snsim
