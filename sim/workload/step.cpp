#include "sim/workload/step.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "sim/workload/placement.hpp"
#include "topologies/errors.hpp"

namespace snsim::workload {
namespace {

using Interval = std::pair<double, double>;

// Sorts and merges `spans` into disjoint intervals.
std::vector<Interval> merged(std::vector<Interval> spans) {
    std::sort(spans.begin(), spans.end());
    std::vector<Interval> out;
    for (const auto& s : spans) {
        if (s.second <= s.first) continue;
        if (!out.empty() && s.first <= out.back().second)
            out.back().second = std::max(out.back().second, s.second);
        else
            out.push_back(s);
    }
    return out;
}

double length(const std::vector<Interval>& spans) {
    double total = 0;
    for (const auto& s : spans)
        total += s.second - s.first;
    return total;
}

// Length of `a` (disjoint, sorted) outside `b` (disjoint, sorted).
double outside(const std::vector<Interval>& a, const std::vector<Interval>& b) {
    double total = 0;
    std::size_t j = 0;
    for (const auto& [from, to] : a) {
        double at = from;
        while (j < b.size() && b[j].second <= at)
            ++j;
        for (std::size_t k = j; k < b.size() && b[k].first < to; ++k) {
            if (b[k].first > at) total += b[k].first - at;
            at = std::max(at, b[k].second);
        }
        if (to > at) total += to - at;
    }
    return total;
}

} // namespace

StepResult run_step(const Workload& given, const Topology& t, const std::vector<Topology::Vertex>& chips,
                    const Experiment& base, std::size_t busiest) {
    std::optional<Workload> timed; // a generated workload's compute, timed on the config's chip
    if (given.untimed) time_compute(timed.emplace(given), base.peak_flops, base.memory_bandwidth);
    const Workload& w = timed ? *timed : given;
    const Placement placement(w, chips.size());
    check_strict(w, placement, t, chips);
    Router router(t, base.routing);
    Lowered lowered = lower(w, placement, t, router, chips, base);
    const EngineOptions& options = base.engine; // each op's protocol is in its flows (lower.hpp)
    const RunResult run = simulate(t, router, lowered.schedule, lowered.endpoints, options);

    StepResult out;
    out.engine = options.kind;
    out.estimate = run.estimate || run.approximate_plan;
    out.approximate = run.approximate_plan;
    out.ranks = placement.ranks();
    for (Dim d : kDims)
        out.size[static_cast<std::size_t>(d)] = placement.size(d);
    out.step_s = run.time_s;
    for (const Op& op : w.ops) {
        auto& g = out.groups[op.group.index()];
        if (op.kind == OpKind::compute || g.count > 0) continue;
        const auto groups = placement.groups(op.group);
        g.count = groups.size();
        g.size = groups.front().size();
        for (Rank r : groups.front())
            g.first.push_back(t.node(chips[r]).name);
    }
    for (const Op& op : w.ops)
        out.op_seconds.push_back(op.seconds);
    out.flows = lowered.schedule.size();
    const Rank R = placement.ranks();
    const auto finish = [&](FlowId f) { return f == kNoFlow ? 0.0 : run.flows[f].finish_s; };

    // When each run was on each rank.
    out.times.resize(lowered.runs.size() * R);
    for (std::size_t i = 0; i < lowered.runs.size(); ++i) {
        const Op& op = w.ops[lowered.runs[i].op];
        for (Rank r = 0; r < R; ++r) {
            const std::size_t k = i * R + r;
            const double start =
                op.kind == OpKind::compute ? run.flows[lowered.done[k]].start_s : finish(lowered.ready[k]);
            out.times[k] = {start, std::max(start, finish(lowered.done[k]))};
        }
    }

    // Per rank: compute, and each kind's communication with the part of it outside compute.
    for (Rank r = 0; r < R; ++r) {
        std::vector<Interval> compute, all;
        std::array<std::vector<Interval>, kGroupKinds> comm;
        for (std::size_t i = 0; i < lowered.runs.size(); ++i) {
            const Op& op = w.ops[lowered.runs[i].op];
            const RunTime& when = out.times[i * R + r];
            if (op.kind == OpKind::compute) {
                if (op.occupies) compute.emplace_back(when.start_s, when.end_s);
                continue;
            }
            comm[op.group.index()].emplace_back(when.start_s, when.end_s);
            all.emplace_back(when.start_s, when.end_s);
            ++out.kinds[op.group.index()].ops;
        }
        const auto busy = merged(std::move(compute));
        out.compute_s = std::max(out.compute_s, length(busy));
        out.exposed_s += outside(merged(std::move(all)), busy) / R;
        for (std::size_t d = 0; d < comm.size(); ++d) {
            const auto spans = merged(std::move(comm[d]));
            out.kinds[d].comm_s += length(spans) / R;
            out.kinds[d].exposed_s += outside(spans, busy) / R;
        }
    }

    // Per op of the file.
    out.ops.resize(w.ops.size());
    for (std::size_t k = 0; k < w.ops.size(); ++k)
        out.ops[k].op = k;
    for (std::size_t i = 0; i < lowered.runs.size(); ++i) {
        OpTime& o = out.ops[lowered.runs[i].op];
        for (Rank r = 0; r < R; ++r)
            o.mean_s += out.times[i * R + r].end_s - out.times[i * R + r].start_s;
        o.runs += R;
    }
    for (auto& o : out.ops)
        if (o.runs > 0) o.mean_s /= static_cast<double>(o.runs);

    // The busiest cable directions, and which group kinds loaded them.
    std::vector<Hop> hops;
    const auto uses = cable_use(t, run, &hops);
    out.idle_cable_directions = run.hop_bytes.size() - uses.size();
    // Per cable direction, the bytes of each group kind the workload uses (kinds numbered densely: a step on
    // 8,192 chips has over a million directions and three or four kinds).
    std::array<std::size_t, kGroupKinds> column;
    column.fill(kGroupKinds);
    std::vector<std::size_t> kinds_used;
    for (FlowId f = 0; f < lowered.schedule.size(); ++f)
        if (lowered.flow_is_comm[f] && column[lowered.flow_group[f].index()] == kGroupKinds) {
            column[lowered.flow_group[f].index()] = kinds_used.size();
            kinds_used.push_back(lowered.flow_group[f].index());
        }
    const std::size_t K = kinds_used.size();
    std::vector<double> by_kind(run.hop_bytes.size() * K, 0.0);
    // A sprayed layer's bytes per kind are summed first and spread over its cables once (layers are shared).
    std::vector<double> layer_bytes;
    std::vector<const SprayLayer*> layers;
    for (FlowId f = 0; f < lowered.schedule.size(); ++f) {
        if (!lowered.flow_is_comm[f]) continue;
        const Flow& flow = lowered.schedule.flow(f);
        const auto& paths = router.paths(lowered.endpoints[flow.src], lowered.endpoints[flow.dst]);
        const double share = flow.bytes / static_cast<double>(paths.size());
        const std::size_t c = column[lowered.flow_group[f].index()];
        for (const auto& path : paths) {
            for (Hop hop : path.hops)
                by_kind[hop * K + c] += share;
            for (const SprayLayer* layer : path.layers) {
                if (layer->id >= layers.size()) {
                    layers.resize(layer->id + 1, nullptr);
                    layer_bytes.resize(layers.size() * K, 0.0);
                }
                layers[layer->id] = layer;
                layer_bytes[layer->id * K + c] += share;
            }
        }
    }
    for (const SprayLayer* layer : layers)
        if (layer)
            for (std::size_t j = 0; j < layer->hops.size(); ++j)
                for (std::size_t c = 0; c < K; ++c)
                    by_kind[layer->hops[j] * K + c] += layer_bytes[layer->id * K + c] * layer->fractions[j];
    for (std::size_t hop = 0; hop < run.hop_bytes.size(); ++hop)
        for (std::size_t c = 0; c < K; ++c)
            out.directions[kinds_used[c]] += by_kind[hop * K + c] > 0;
    for (std::size_t k = 0; k < std::min(busiest, uses.size()); ++k) {
        CableLoad load{uses[k], {}};
        for (std::size_t c = 0; c < K; ++c)
            load.bytes[kinds_used[c]] = by_kind[hops[k] * K + c];
        out.busiest.push_back(load);
    }
    out.runs = std::move(lowered.runs);
    return out;
}

} // namespace snsim::workload
