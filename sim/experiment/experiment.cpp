#include "sim/experiment/experiment.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "sim/engine/analytic_alltoall.hpp"
#include "sim/engine/limits.hpp"
#include "sim/engine/lockstep.hpp"
#include "sim/experiment/dimension_paths.hpp"
#include "sim/report/bounds.hpp"
#include "topologies/errors.hpp"
#include "topologies/metrics/bisection.hpp"
#include "topologies/metrics/latency.hpp"
#include "topologies/metrics/rack_cuts.hpp"

namespace snsim {
namespace {

constexpr double kMaxDefaultChunks = 128, kDefaultChunkFlows = 524288;

// What the bounds need to know of the topology and communicator (see sim/report/bounds.hpp), on the topology as
// built (faults applied): injection from the cables each chip has left, at their bandwidth.
report::BoundInputs bound_inputs(const Topology& t, const std::vector<Topology::Vertex>& chips, const Experiment& x) {
    report::BoundInputs in;
    in.alpha_s = x.engine.alpha_s;
    in.injection_Bps = std::numeric_limits<double>::infinity();
    in.near_latency_s = std::numeric_limits<double>::infinity();
    const auto& g = t.graph();
    for (auto chip : chips) {
        in.injection_Bps = std::min(in.injection_Bps, t.injection_bytes_per_s(chip));
        in.total_injection_Bps += t.injection_bytes_per_s(chip);
        for (auto [e, end] = boost::out_edges(chip, g); e != end; ++e)
            in.near_latency_s = std::min(in.near_latency_s, g[*e].latency_s);
    }
    // Reducing switches are endpoints: a chain of flows through one pays no switch latency there.
    const double switch_latency = x.algorithm == Algorithm::in_switch ? 0.0 : x.routing.switch_latency_s;
    const bool rooted = x.collective == Collective::broadcast || x.collective == Collective::reduce;
    const Rank source = rooted && x.params.root < chips.size() ? x.params.root : 0;
    const auto latency = least_latency_from(t, chips[source], switch_latency);
    if (x.collective == Collective::permutation) {
        if (chips.size() > 1) in.far_latency_s = latency[chips[chips.size() / 2]];
    } else {
        for (auto chip : chips)
            in.far_latency_s = std::max(in.far_latency_s, latency[chip]);
    }
    if (chips.size() == t.count(NodeKind::Chip)) in.bisection_Bps = bisection(t).bytes_per_s;
    // Racks, and a cluster's supernodes: the same kind of cut.
    const auto add_cuts = [&](const std::vector<RackCut>& cuts, int Place::*group) {
        std::map<int, Rank> held; // ranks per group
        for (auto chip : chips)
            if (const int k = t.node(chip).place.*group; k >= 0) ++held[k];
        for (const RackCut& cut : cuts)
            if (const auto it = held.find(cut.rack); it != held.end()) in.racks.push_back({it->second, cut.bytes_per_s});
    };
    add_cuts(rack_cuts(t), &Place::rack);
    add_cuts(supernode_cuts(t), &Place::supernode);
    in.collective = x.collective;
    in.ranks = static_cast<Rank>(chips.size());
    return in;
}

} // namespace

std::vector<report::CableUse> cable_use(const Topology& t, const RunResult& run, std::vector<Hop>* order) {
    std::vector<Hop> mine;
    std::vector<Hop>& hops = order ? *order : mine;
    hops.clear();
    for (Hop h = 0; h < run.hop_bytes.size(); ++h)
        if (run.hop_bytes[h] > 0) hops.push_back(h);
    std::stable_sort(hops.begin(), hops.end(), [&](Hop a, Hop b) { return run.hop_bytes[a] > run.hop_bytes[b]; });
    std::vector<report::CableUse> out;
    const auto cables = t.cables();
    for (Hop h : hops) {
        const auto [from, to] = hop_ends(t, h);
        const double bandwidth = cables[cable_of(h)]->bytes_per_s;
        out.push_back({t.node(from).name, t.node(to).name, cable_of(h), bandwidth, run.hop_bytes[h],
                       run.hop_bytes[h] / (bandwidth * run.time_s),
                       cables[cable_of(h)]->tier == LinkTier::ScaleOut});
    }
    return out;
}

namespace {

// Each reducing switch's share of an in_switch reduction: the least rate any rank's part reaches it at (the
// rank's cables to it, or the reduction cap when slower), so that every switch's parts take the same time.
std::vector<double> switch_weights(const Topology& t, const std::vector<Topology::Vertex>& switches,
                                   const std::vector<Topology::Vertex>& chips, const EngineOptions& engine) {
    const auto& g = t.graph();
    std::vector<double> to_chip(boost::num_vertices(g), 0), weights;
    for (auto sw : switches) {
        for (auto [e, end] = boost::out_edges(sw, g); e != end; ++e)
            to_chip[boost::target(*e, g)] += g[*e].bytes_per_s * engine.efficiency;
        double least = std::numeric_limits<double>::infinity();
        for (auto chip : chips) {
            least = std::min(least, to_chip[chip]);
            if (engine.reduction_Bps > 0) least = std::min(least, engine.reduction_Bps);
        }
        for (auto [e, end] = boost::out_edges(sw, g); e != end; ++e)
            to_chip[boost::target(*e, g)] = 0;
        weights.push_back(least);
    }
    return weights;
}

// collective.chunks 0: the algorithm's choice. An in-switch reduction pipelines its two steps, as NVLS does. The
// chunks of a message stream (Flow::follows): the route latency L is paid about twice in all, but every chunk pays
// alpha, so 2L + (c+1)(alpha + S/(cB)) is least at c = sqrt(S/(B alpha)); with alpha 0, the more chunks the
// better, but once a chunk drains in L/8 (c = 8S/(BL)) more chunks gain less than a sixteenth of the 2L every
// run pays, so c is at most that (docs/collectives.md). Every chunk adds 2pk concurrent flows, which the discrete-event
// engine pays for: at most kDefaultChunkFlows, and at most kMaxDefaultChunks.
std::uint32_t default_chunks(const Experiment& x, Rank p, const CollectiveParams& params, double latency_s) {
    if (x.algorithm != Algorithm::in_switch) return 1;
    const double bandwidth = std::accumulate(params.switch_weights.begin(), params.switch_weights.end(), 0.0);
    const double most =
        std::max(1.0, std::min(kMaxDefaultChunks, std::floor(kDefaultChunkFlows / (2.0 * p * params.switches))));
    double chunks = most;
    if (bandwidth == 0) return 1; // over groups (no weights): the rings across pay alpha per chunk and step
    if (latency_s > 0) chunks = std::min(chunks, 8 * params.bytes / (bandwidth * latency_s));
    if (x.engine.alpha_s > 0) chunks = std::min(chunks, std::sqrt(params.bytes / (bandwidth * x.engine.alpha_s)));
    return static_cast<std::uint32_t>(std::clamp(std::round(chunks), 1.0, most));
}

// Faults remove parts the healthy structure relied on: refuse what cannot re-form around them, with the reason.
void check_fits_faults(const Topology& t, const Experiment& x, std::size_t ranks) {
    const FaultSummary& f = t.faults();
    if (x.routing.strategy == RouteStrategy::DimensionOrder && f.removed_any())
        throw InputError(fmt::format("routing.strategy dimension_order cannot route around failed parts ({} cable{} "
                                     "removed by faults); use ecmp or shortest",
                                     f.cables, f.cables == 1 ? "" : "s"));
    if ((x.algorithm != Algorithm::hierarchical && x.algorithm != Algorithm::multidim) || f.chips == 0 ||
        x.params.dims.empty())
        return;
    std::size_t product = 1;
    for (Rank d : x.params.dims)
        product *= d;
    if (product == ranks) return;
    throw InputError(fmt::format("{}: its rank grid collective.dims [{}] ({} ranks) cannot re-form around "
                                 "{} failed chip{} (first: {}), which leave {} ranks; use ring or another flat "
                                 "algorithm, or dims for {} ranks",
                                 to_string(x.algorithm), fmt::join(x.params.dims, ", "), product, f.chips,
                                 f.chips == 1 ? "" : "s", f.failed_chips.front(), ranks, ranks));
}

// With -v: what was simulated, and the SimGrid process's peak memory (snsim's own is logged at exit).
void log_run(double size, const Schedule& schedule, const RunResult& run, EngineKind engine) {
    if (run.approximate_plan)
        spdlog::warn("{} B: sprayed stripes share a cable in different proportions, which SimGrid cannot be told "
                     "exactly: the discrete-event time is an approximation (docs/routing.md)",
                     size);
    const auto log = spdlog::get("experiment");
    if (!log) return;
    const auto coalesced =
        std::count_if(schedule.flows().begin(), schedule.flows().end(), [](const Flow& f) { return f.rounds > 1; });
    log->debug("{} B: {} flows ({} coalesced from {}), {} {} communications; peak memory of the SimGrid process: {} "
               "KiB",
               size, schedule.size(), coalesced, schedule.uncoalesced_size(), run.communications, to_string(engine),
               run.simgrid_peak_kib);
}

} // namespace

std::vector<Topology::Vertex> reducing_switches(const Topology& t, const std::vector<Topology::Vertex>& chips) {
    const auto& g = t.graph();
    std::vector<char> member(boost::num_vertices(g), 0);
    for (auto chip : chips)
        member[chip] = 1;
    std::vector<Topology::Vertex> out;
    for (auto sw : t.nodes_of(NodeKind::Switch)) {
        if (t.has_supernodes() && t.node(sw).place.supernode < 0) continue; // scale-out switches do not reduce
        std::vector<Topology::Vertex> reached;
        for (auto [e, end] = boost::out_edges(sw, g); e != end; ++e)
            if (const auto v = boost::target(*e, g); member[v]) reached.push_back(v);
        std::sort(reached.begin(), reached.end());
        if (std::unique(reached.begin(), reached.end()) - reached.begin() == static_cast<std::ptrdiff_t>(chips.size()))
            out.push_back(sw);
    }
    if (out.empty())
        throw CollectiveParamError(
            "algorithm", "in_switch",
            fmt::format("in_switch needs switch chips cabled to every chip of the communicator; {} has "
                        "none for these {} chips",
                        t.kind(), chips.size()));
    return out;
}

bool listless_alltoall(const Topology& t, const Experiment& x, std::uint32_t chunks) {
    // A cluster's routes keep to a tier (sim/routing/router.hpp), which the class walks do not.
    const bool classes = (x.routing.strategy == RouteStrategy::Shortest || x.routing.strategy == RouteStrategy::Spray ||
                          x.routing.strategy == RouteStrategy::Ecmp) &&
                         !t.has_supernodes();
    return x.collective == Collective::alltoall && x.algorithm == Algorithm::direct &&
           x.engine.kind == EngineKind::analytic && chunks == 1 && classes;
}

SchedulePlan plan_schedule(const Topology& t, Router& router, const std::vector<Topology::Vertex>& chips,
                           const Experiment& x) {
    const auto p = static_cast<Rank>(chips.size());
    SchedulePlan plan{chips, x.params, std::numeric_limits<double>::infinity()};
    const auto& g = t.graph();
    for (auto chip : chips)
        for (auto [e, end] = boost::out_edges(chip, g); e != end; ++e)
            plan.near_latency_s = std::min(plan.near_latency_s, g[*e].latency_s);
    CollectiveParams& params = plan.params;
    if (x.algorithm == Algorithm::in_switch && params.dims.size() == 2 &&
        std::uint64_t{params.dims[0]} * params.dims[1] == p) {
        // Over groups (a cluster's supernodes): each group's own reducing switches, group by group.
        std::size_t per_group = 0;
        for (Rank g = 0; g < params.dims[1]; ++g) {
            const std::vector<Topology::Vertex> group(chips.begin() + g * params.dims[0],
                                                      chips.begin() + (g + 1) * params.dims[0]);
            const auto switches = reducing_switches(t, group);
            if (g == 0) per_group = switches.size();
            if (switches.size() != per_group)
                throw CollectiveParamError("algorithm", "in_switch",
                                           fmt::format("in_switch over groups needs as many reducing switches in "
                                                       "each group; group {} (from chip {}) has {}",
                                                       g, t.node(group.front()).name, switches.size()));
            plan.endpoints.insert(plan.endpoints.end(), switches.begin(), switches.end());
        }
        params.switches = static_cast<Rank>(plan.endpoints.size() - p);
    } else if (x.algorithm == Algorithm::in_switch) {
        const auto switches = reducing_switches(t, chips);
        plan.endpoints.insert(plan.endpoints.end(), switches.begin(), switches.end());
        params.switches = static_cast<Rank>(switches.size());
        params.switch_weights = switch_weights(t, switches, chips, x.engine);
    }
    if (x.algorithm == Algorithm::multidim) {
        if (params.dims.empty() && t.has_supernodes())
            throw CollectiveParamError("dims", "", "multidim on a cluster needs collective.dims: the supernodes' "
                                                   "coordinates repeat in every copy");
        if (params.dims.empty()) params.dims = grid_dims(t, chips);
        const double product = std::accumulate(params.dims.begin(), params.dims.end(), 1.0, std::multiplies<>());
        if (product == p) params.dim_paths = dimension_paths(t, chips, params.dims); // else build_schedule refuses
    }
    if (x.coalesce_steps)
        params.lockstep = [&t, &router, endpoints = plan.endpoints](std::span<const RankPair> messages) {
            return engine::runs_in_lockstep(t, router, endpoints, messages);
        };
    return plan;
}

CollectiveParams params_at(const Experiment& x, const SchedulePlan& plan, double size) {
    CollectiveParams params = plan.params;
    params.bytes = size;
    params.chunks = x.cost.chunks_for(size, x.params.chunks);
    if (params.chunks == 0)
        params.chunks =
            default_chunks(x, static_cast<Rank>(plan.endpoints.size() - params.switches), params, plan.near_latency_s);
    return params;
}

Experiment per_rank_sizes(Experiment x, Rank ranks) {
    if (!x.sizes_per_pair) return x;
    for (double& size : x.sizes) {
        size *= ranks;
        if (size > kMaxMessageBytes)
            throw InputError(fmt::format("sizes per pair: {} B per rank ({} ranks) is over the largest size, {} B",
                                         size, ranks, kMaxMessageBytes));
    }
    x.sizes_per_pair = false;
    return x;
}

ExperimentResult run_experiment(const Topology& t, const std::vector<Topology::Vertex>& chips, const Experiment& x,
                                const std::function<void(const report::RunRow&)>& on_row) {
    if (x.sizes_per_pair) return run_experiment(t, chips, per_rank_sizes(x, static_cast<Rank>(chips.size())), on_row);
    check_fits_faults(t, x, chips.size());
    if (const auto why = x.cost.refusal(x.sizes)) throw InputError("cost.protocols: " + *why);
    Router router(t, x.routing);
    const auto p = static_cast<Rank>(chips.size());
    report::BoundInputs bounds = bound_inputs(t, chips, x);
    SchedulePlan plan = plan_schedule(t, router, chips, x);
    const std::vector<Topology::Vertex>& endpoints = plan.endpoints;
    ExperimentResult result;
    RunResult largest;
    for (double size : x.sizes) {
        const CollectiveParams params = params_at(x, plan, size);
        RunResult run;
        std::string protocol;
        bool timed_any = false;
        std::size_t flows = 0;
        std::optional<Schedule> schedule;
        EngineOptions chosen = x.engine; // the kept protocol's
        if (!listless_alltoall(t, x, params.chunks)) schedule = build_schedule(x.collective, x.algorithm, p, params);
        // Every protocol whose range holds the size; the fastest is kept (sim/engine/cost_model.hpp).
        for (const Protocol& candidate : x.cost.protocols) {
            if (!candidate.covers(size)) continue;
            const EngineOptions options = x.cost.options(x.engine, candidate);
            RunResult timed;
            if (schedule) {
                timed = simulate(t, router, *schedule, endpoints, options);
                flows = schedule->uncoalesced_size();
                log_run(size, *schedule, timed, x.engine.kind);
            } else {
                timed = engine::analytic_alltoall(t, router, chips, size / p, options);
                flows = std::size_t{p} * (p - 1);
            }
            if (!timed_any || timed.time_s < run.time_s) {
                run = std::move(timed);
                protocol = candidate.name;
                chosen = options;
                timed_any = true;
            }
        }
        run.time_s = std::max(run.time_s, x.cost.launch_interval_s);
        std::optional<RunResult> analytic;
        if (x.both_engines && schedule) {
            chosen.kind = EngineKind::analytic;
            analytic = simulate(t, router, *schedule, endpoints, chosen);
            analytic->time_s = std::max(analytic->time_s, x.cost.launch_interval_s);
        }
        bounds.per_rank_bytes = report::every_rank_bytes(x.collective, x.algorithm, p, size);
        bounds.total_bytes = p * report::injected_bytes(x.collective, x.algorithm, p, size);
        bounds.bisection_bytes = report::bisection_bytes(x.collective, p, size);
        bounds.size_bytes = size;
        report::RunRow row{std::string(to_string(x.collective)),
                           std::string(to_string(x.algorithm)),
                           size,
                           run.time_s,
                           report::busbw_factor(x.collective, p),
                           report::lower_bound_s(bounds),
                           flows,
                           x.seed,
                           protocol,
                           x.both_engines ? "both" : std::string(to_string(x.engine.kind)),
                           analytic ? analytic->estimate : run.estimate,
                           analytic ? analytic->time_s : -1.0,
                           schedule ? schedule->size() : flows};
        on_row(row);
        result.rows.push_back(std::move(row));
        if (size == *std::max_element(x.sizes.begin(), x.sizes.end())) largest = std::move(run);
    }
    result.cables = cable_use(t, largest);
    result.idle_cable_directions = largest.hop_bytes.size() - result.cables.size();
    result.cables_size_bytes = *std::max_element(x.sizes.begin(), x.sizes.end());
    return result;
}

} // namespace snsim
