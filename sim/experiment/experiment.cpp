#include "sim/experiment/experiment.hpp"

#include <algorithm>
#include <limits>
#include <numeric>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "sim/engine/analytic_alltoall.hpp"
#include "sim/engine/lockstep.hpp"
#include "sim/report/bounds.hpp"
#include "topologies/errors.hpp"
#include "topologies/metrics/bisection.hpp"

namespace snsim {
namespace {

// What the bounds need to know of the topology and communicator (see sim/report/bounds.hpp).
report::BoundInputs bound_inputs(const Topology& t, Router& router, const std::vector<Topology::Vertex>& chips,
                                 double alpha_s) {
    report::BoundInputs in;
    in.alpha_s = alpha_s;
    in.injection_Bps = std::numeric_limits<double>::infinity();
    in.near_latency_s = std::numeric_limits<double>::infinity();
    const auto& g = t.graph();
    for (auto chip : chips) {
        in.injection_Bps = std::min(in.injection_Bps, t.injection_bytes_per_s(chip));
        for (auto [e, end] = boost::out_edges(chip, g); e != end; ++e)
            in.near_latency_s = std::min(in.near_latency_s, g[*e].latency_s);
    }
    for (std::size_t r = 1; r < chips.size(); ++r) {
        const auto& paths = router.paths(chips[0], chips[r]);
        double fastest = std::numeric_limits<double>::infinity();
        for (const auto& p : paths)
            fastest = std::min(fastest, p.latency_s);
        in.far_latency_s = std::max(in.far_latency_s, fastest);
    }
    if (chips.size() == t.count(NodeKind::Chip)) in.bisection_Bps = bisection(t).bytes_per_s;
    return in;
}

// Every cable direction that carried bytes in `run`, most bytes first.
std::vector<report::CableUse> cable_use(const Topology& t, const RunResult& run) {
    std::vector<Hop> hops;
    for (Hop h = 0; h < run.hop_bytes.size(); ++h)
        if (run.hop_bytes[h] > 0) hops.push_back(h);
    std::stable_sort(hops.begin(), hops.end(), [&](Hop a, Hop b) { return run.hop_bytes[a] > run.hop_bytes[b]; });
    std::vector<report::CableUse> out;
    const auto cables = t.cables();
    for (Hop h : hops) {
        const auto [from, to] = hop_ends(t, h);
        const double bandwidth = cables[cable_of(h)]->bytes_per_s;
        out.push_back({t.node(from).name, t.node(to).name, cable_of(h), bandwidth, run.hop_bytes[h],
                       run.hop_bytes[h] / (bandwidth * run.time_s)});
    }
    return out;
}

// Faults remove parts the healthy structure relied on: refuse what cannot re-form around them, with the reason.
void check_fits_faults(const Topology& t, const Experiment& x, std::size_t ranks) {
    const FaultSummary& f = t.faults();
    if (x.routing.strategy == RouteStrategy::DimensionOrder && f.removed_any())
        throw InputError(fmt::format("routing.strategy dimension_order cannot route around failed parts ({} cable{} "
                                     "removed by faults); use ecmp or shortest",
                                     f.cables, f.cables == 1 ? "" : "s"));
    if (x.algorithm != Algorithm::hierarchical || f.chips == 0 || x.params.dims.empty()) return;
    std::size_t product = 1;
    for (Rank d : x.params.dims)
        product *= d;
    if (product == ranks) return;
    throw InputError(fmt::format("hierarchical: its rank grid collective.dims [{}] ({} ranks) cannot re-form around "
                                 "{} failed chip{} (first: {}), which leave {} ranks; use ring or another flat "
                                 "algorithm, or dims for {} ranks",
                                 fmt::join(x.params.dims, ", "), product, f.chips, f.chips == 1 ? "" : "s",
                                 f.failed_chips.front(), ranks, ranks));
}

// With -v: what was simulated, and the SimGrid process's peak memory (snsim's own is logged at exit).
void log_run(double size, const Schedule& schedule, const RunResult& run, EngineKind engine) {
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
        std::vector<Topology::Vertex> reached;
        for (auto [e, end] = boost::out_edges(sw, g); e != end; ++e)
            if (const auto v = boost::target(*e, g); member[v]) reached.push_back(v);
        std::sort(reached.begin(), reached.end());
        if (std::unique(reached.begin(), reached.end()) - reached.begin() == static_cast<std::ptrdiff_t>(chips.size()))
            out.push_back(sw);
    }
    if (out.empty())
        throw InputError(fmt::format("in_switch needs switch chips cabled to every chip of the communicator; {} has "
                                     "none for these {} chips",
                                     t.kind(), chips.size()));
    return out;
}

bool listless_alltoall(const Experiment& x, std::uint32_t chunks) {
    const bool classes = x.routing.strategy == RouteStrategy::Shortest || x.routing.strategy == RouteStrategy::Spray;
    return x.collective == Collective::alltoall && x.algorithm == Algorithm::direct &&
           x.engine.kind == EngineKind::analytic && chunks == 1 && classes;
}

ExperimentResult run_experiment(const Topology& t, const std::vector<Topology::Vertex>& chips, const Experiment& x,
                                const std::function<void(const report::RunRow&)>& on_row) {
    check_fits_faults(t, x, chips.size());
    if (const auto why = x.cost.refusal(x.sizes)) throw InputError("cost.protocols: " + *why);
    Router router(t, x.routing);
    const auto p = static_cast<Rank>(chips.size());
    report::BoundInputs bounds = bound_inputs(t, router, chips, x.engine.alpha_s);
    // The schedule's endpoints: the ranks' chips, then for in_switch the switches that reduce.
    std::vector<Topology::Vertex> endpoints = chips;
    CollectiveParams params = x.params;
    if (x.algorithm == Algorithm::in_switch) {
        const auto switches = reducing_switches(t, chips);
        endpoints.insert(endpoints.end(), switches.begin(), switches.end());
        params.switches = static_cast<Rank>(switches.size());
    }
    if (x.coalesce_steps)
        params.lockstep = [&](std::span<const RankPair> messages) {
            return engine::runs_in_lockstep(t, router, endpoints, messages);
        };
    ExperimentResult result;
    RunResult largest;
    for (double size : x.sizes) {
        params.bytes = size;
        params.chunks = x.cost.chunks_for(size, x.params.chunks);
        RunResult run;
        std::string protocol;
        bool timed_any = false;
        std::size_t flows = 0;
        std::optional<Schedule> schedule;
        if (!listless_alltoall(x, params.chunks)) schedule = build_schedule(x.collective, x.algorithm, p, params);
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
                timed_any = true;
            }
        }
        run.time_s = std::max(run.time_s, x.cost.launch_interval_s);
        bounds.per_rank_bytes = report::injected_bytes(x.collective, x.algorithm, p, size);
        bounds.bisection_bytes = report::bisection_bytes(x.collective, p, size);
        report::RunRow row{std::string(to_string(x.collective)),
                           std::string(to_string(x.algorithm)),
                           size,
                           run.time_s,
                           report::busbw_factor(x.collective, p),
                           report::lower_bound_s(bounds),
                           flows,
                           x.seed,
                           protocol};
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
