#include "sim/workload/lower.hpp"

#include <algorithm>
#include <deque>
#include <limits>
#include <map>

#include <fmt/format.h>

#include "topologies/errors.hpp"

namespace snsim::workload {
namespace {

// The lowered schedule has as many blocks as chunks, so that a flow's chunk (what the analytic engine groups
// waves by) is its block: chunk_of(f) = block_begin.
constexpr std::uint32_t kChunkSlots = 1 << 16;
constexpr std::size_t kMaxFlows = 200000000;          // ~9 GB of flows and dependencies
constexpr std::size_t kMaxDependencies = 0xFFFFFFFFu; // Schedule's 32-bit dependency offsets
constexpr std::size_t kMaxRunRanks = 50000000;        // runs x ranks: the ready and done tables

std::size_t runs_in(const Node& n) {
    if (n.op != kNoOp) return 1;
    std::size_t once = 0;
    for (const Node& item : n.items)
        once = std::min(kMaxRuns + 1, once + runs_in(item));
    return std::min<std::size_t>(kMaxRuns + 1, once * n.times);
}

void unroll_node(const Workload& w, const Node& n, std::vector<Run>& runs, std::vector<std::size_t>& latest) {
    if (n.op != kNoOp) {
        Run run{n.op, {}};
        if (const auto& after = w.ops[n.op].after) {
            for (std::size_t k : *after)
                if (latest[k] != kNoOp) run.waits_for.push_back(latest[k]);
            std::sort(run.waits_for.begin(), run.waits_for.end());
            run.waits_for.erase(std::unique(run.waits_for.begin(), run.waits_for.end()), run.waits_for.end());
        } else if (!runs.empty()) {
            run.waits_for.push_back(runs.size() - 1);
        }
        latest[n.op] = runs.size();
        runs.push_back(std::move(run));
        return;
    }
    for (std::uint32_t t = 0; t < n.times; ++t)
        for (const Node& item : n.items)
            unroll_node(w, item, runs, latest);
}

// The op's algorithm, else the config's when it implements the collective and is not a grid algorithm (whose
// dims describe the whole communicator, not a group), else ring (direct for alltoall).
// Dependencies as a flow takes them: no kNoFlow (time 0), each once, ascending.
void tidy(std::vector<FlowId>& deps) {
    deps.erase(std::remove(deps.begin(), deps.end(), kNoFlow), deps.end());
    std::sort(deps.begin(), deps.end());
    deps.erase(std::unique(deps.begin(), deps.end()), deps.end());
}

Algorithm algorithm_for(const Op& op, const Experiment& base) {
    if (op.algorithm) return *op.algorithm;
    const bool grid = base.algorithm == Algorithm::hierarchical || base.algorithm == Algorithm::multidim;
    if (!grid && supports(base.algorithm, op.collective)) return base.algorithm;
    return op.collective == Collective::alltoall ? Algorithm::direct : Algorithm::ring;
}

// A collective's schedule on one group, in group ranks, and which of its flows nothing else waits for; for
// in_switch, the reducing switches its endpoints after the ranks stand for.
struct GroupSchedule {
    Schedule schedule;
    std::vector<FlowId> sinks;
    std::vector<Topology::Vertex> switches;
    const Protocol* protocol = nullptr; // its messages' (cost.protocols)
};

class Lowerer {
  public:
    Lowerer(const Workload& w, const Placement& placement, const Topology& t, Router& router,
            const std::vector<Topology::Vertex>& chips, const Experiment& base)
        : w_(w), place_(placement), t_(t), router_(router), base_(base), R_(placement.ranks()) {
        out_.endpoints.assign(chips.begin(), chips.begin() + R_);
        out_.runs = unroll(w);
        if (out_.runs.size() * R_ > kMaxRunRanks)
            throw InputError(located(w.file, 0, "workload.program",
                                     fmt::format("{} op runs on {} ranks", out_.runs.size(), R_),
                                     fmt::format("more than {} op runs x ranks", kMaxRunRanks)));
        out_.ready.assign(out_.runs.size() * R_, kUnset);
        out_.done.assign(out_.runs.size() * R_, kUnset);
        step_base_.assign(out_.runs.size(), kUnsetStep);
        last_compute_.assign(R_, kNoFlow);
        for (const Op& op : w.ops) { // the group kinds the program uses
            const std::size_t k = op.group.index();
            if (op.kind != OpKind::collective || !groups_[k].empty()) continue;
            group_of_[k].assign(R_, 0);
            groups_[k] = place_.groups(op.group);
            for (std::size_t g = 0; g < groups_[k].size(); ++g)
                for (Rank r : groups_[k][g])
                    group_of_[k][r] = static_cast<std::uint32_t>(g);
            arrived_[k].assign(groups_[k].size(), 0);
        }
        // The switches in-switch reductions use are endpoints after the ranks, each once (groups may share them).
        for (const Op& op : w.ops) {
            if (op.kind != OpKind::collective || algorithm_for(op, base_) != Algorithm::in_switch) continue;
            for (const auto& group : groups_[op.group.index()]) {
                if (group.size() < 2) continue;
                std::vector<Topology::Vertex> members;
                for (Rank r : group)
                    members.push_back(out_.endpoints[r]);
                try {
                    for (Topology::Vertex sw : reducing_switches(t_, members))
                        if (switch_endpoint_.emplace(sw, static_cast<Rank>(R_ + switch_endpoint_.size())).second) switches_.push_back(sw);
                } catch (const InputError& e) {
                    throw InputError(located(w_.file, op.line, op.name, "",
                                             fmt::format("in_switch on a {} group of {} ranks: {}", to_string(op.group),
                                                         group.size(), e.what())));
                }
            }
        }
        out_.endpoints.insert(out_.endpoints.end(), switches_.begin(), switches_.end());
        out_.schedule = Schedule(R_, kChunkSlots, static_cast<Rank>(switches_.size()), kChunkSlots);
        pair_sends_and_recvs();
    }

    Lowered lower() && {
        std::vector<std::size_t> pc(R_, 0);
        std::vector<std::size_t> blocked_at(R_, kNotBlocked);
        std::deque<Rank> queue;
        for (Rank r = 0; r < R_; ++r)
            queue.push_back(r);
        // recvs waiting for a send: key send run * R + sender, value the receiving rank
        std::map<std::size_t, Rank> waiting;
        while (!queue.empty()) {
            const Rank r = queue.front();
            queue.pop_front();
            while (pc[r] < out_.runs.size()) {
                const std::size_t i = pc[r];
                const Op& op = w_.ops[out_.runs[i].op];
                if (op.kind == OpKind::compute) {
                    compute(i, r);
                } else if (op.kind == OpKind::send) {
                    send(i, r);
                    if (const auto it = waiting.find(i * R_ + r); it != waiting.end()) {
                        queue.push_back(it->second);
                        waiting.erase(it);
                    }
                } else if (op.kind == OpKind::recv) {
                    const auto sender = place_.stage_neighbour(r, op.forward ? -1 : 1);
                    const std::size_t j = pair_[i];
                    if (sender && pc[*sender] <= j) { // its send is not lowered yet
                        waiting[j * R_ + *sender] = r;
                        break;
                    }
                    recv(i, r, sender ? std::optional<FlowId>(out_.done[j * R_ + *sender]) : std::nullopt);
                } else {
                    if (blocked_at[r] == i) break; // already counted, waiting for the rest of its group
                    const auto d = op.group.index();
                    const std::uint32_t g = group_of_[d][r];
                    blocked_at[r] = i;
                    if (++arrived_[d][g] < groups_[d][g].size()) break;
                    arrived_[d][g] = 0;
                    collective(i, groups_[d][g]);
                    for (Rank m : groups_[d][g]) {
                        blocked_at[m] = kNotBlocked;
                        if (m != r) ++pc[m], queue.push_back(m);
                    }
                }
                ++pc[r];
            }
        }
        for (Rank r = 0; r < R_; ++r)
            if (pc[r] < out_.runs.size()) {
                const Op& op = w_.ops[out_.runs[pc[r]].op];
                throw InputError(located(
                    w_.file, op.line, op.name, "",
                    fmt::format("the program cannot go on: rank {} waits here forever ({})", r,
                                op.kind == OpKind::recv ? "the send it pairs with comes after a wait for this rank"
                                                        : "a rank of its group waits for something that never comes")));
            }
        return std::move(out_);
    }

  private:
    static constexpr FlowId kUnset = kNoFlow - 1;
    static constexpr std::size_t kNotBlocked = std::numeric_limits<std::size_t>::max();
    static constexpr std::uint32_t kUnsetStep = std::numeric_limits<std::uint32_t>::max();

    // The k-th send to the next stage pairs with the k-th recv from the previous one, and the same backwards.
    void pair_sends_and_recvs() {
        pair_.assign(out_.runs.size(), 0);
        std::array<std::vector<std::size_t>, 2> sends, recvs; // [forward]
        for (std::size_t i = 0; i < out_.runs.size(); ++i) {
            const Op& op = w_.ops[out_.runs[i].op];
            if (op.kind == OpKind::send) sends[op.forward].push_back(i);
            if (op.kind == OpKind::recv) recvs[op.forward].push_back(i);
        }
        for (int forward : {0, 1}) {
            const auto& s = sends[forward];
            const auto& r = recvs[forward];
            if (s.size() != r.size()) {
                const std::size_t first = std::min(s.size(), r.size());
                const Op& op = w_.ops[out_.runs[s.size() > r.size() ? s[first] : r[first]].op];
                throw InputError(located(w_.file, op.line, op.name, "",
                                         fmt::format("the program sends {} times to the {} stage but receives {} "
                                                     "times from the {}; they pair in order",
                                                     s.size(), forward ? "next" : "previous", r.size(),
                                                     forward ? "previous" : "next")));
            }
            for (std::size_t k = 0; k < r.size(); ++k)
                pair_[r[k]] = s[k];
        }
    }

    FlowId add(const Flow& flow, std::vector<FlowId>& deps, GroupKind group, bool comm) {
        if (out_.schedule.size() >= kMaxFlows || out_.schedule.dependencies() + deps.size() > kMaxDependencies)
            throw InputError(located(w_.file, 0, "workload.program", "",
                                     fmt::format("the step needs more than {} flows or {} dependencies; use "
                                                 "fewer ranks, runs or chunks",
                                                 kMaxFlows, kMaxDependencies)));
        tidy(deps);
        out_.flow_group.push_back(group);
        out_.flow_is_comm.push_back(comm ? 1 : 0);
        return out_.schedule.add(flow, deps);
    }

    Flow marker(Rank r, std::size_t run) {
        return {.src = r, .dst = r, .step = step_of(run, 1), .op = FlowOp::Compute, .block_begin = 0, .block_end = 1};
    }

    std::uint32_t step_of(std::size_t run, std::uint32_t steps) {
        if (step_base_[run] == kUnsetStep) {
            if (next_step_ > std::numeric_limits<std::uint32_t>::max() - steps - kChunkSlots)
                throw InputError(located(w_.file, 0, "workload.program", "", "more steps than 2^32"));
            step_base_[run] = next_step_;
            next_step_ += steps + kChunkSlots;
        }
        return step_base_[run];
    }

    // When rank r may start run i: one flow (a marker when it waits for several), or kNoFlow.
    FlowId ready(std::size_t i, Rank r) {
        FlowId& cached = out_.ready[i * R_ + r];
        if (cached != kUnset) return cached;
        deps_.clear();
        for (std::size_t j : out_.runs[i].waits_for)
            deps_.push_back(out_.done[j * R_ + r]);
        tidy(deps_);
        if (deps_.size() <= 1)
            cached = deps_.empty() ? kNoFlow : deps_.front();
        else
            cached = add(marker(r, i), deps_, GroupKind::of(Dim::tp), false);
        return cached;
    }

    void compute(std::size_t i, Rank r) {
        const Op& op = w_.ops[out_.runs[i].op];
        // A chip computes one thing at a time; a delay only waits.
        std::vector<FlowId> deps{ready(i, r)};
        if (op.occupies) deps.push_back(last_compute_[r]);
        Flow flow = marker(r, i);
        flow.seconds = op.seconds;
        const FlowId f = add(flow, deps, GroupKind::of(Dim::tp), false);
        out_.done[i * R_ + r] = f;
        if (op.occupies) last_compute_[r] = f;
    }

    void send(std::size_t i, Rank r) {
        const Op& op = w_.ops[out_.runs[i].op];
        const FlowId at = ready(i, r);
        const auto to = place_.stage_neighbour(r, op.forward ? 1 : -1);
        if (!to || op.bytes == 0) {
            out_.done[i * R_ + r] = at;
            return;
        }
        std::vector<FlowId> deps{at};
        Flow flow{.src = r, .dst = *to, .bytes = op.bytes, .step = step_of(i, 1), .block_begin = 0, .block_end = 1};
        auto [it, fresh] = send_protocol_.try_emplace(out_.runs[i].op, nullptr);
        if (fresh) {
            Schedule alone(2);
            alone.add({.src = 0, .dst = 1, .bytes = op.bytes, .block_begin = 0, .block_end = 1});
            it->second = &protocol_for(op, alone, {out_.endpoints[r], out_.endpoints[*to]});
        }
        out_.done[i * R_ + r] = add(with_protocol(flow, *it->second), deps, GroupKind::of(Dim::pp), true);
    }

    // The protocol an op's messages take: of cost.protocols, those whose size range holds the op's bytes, and of
    // them the one that times `alone` (the op's schedule on one group) fastest by itself on the analytic engine,
    // as snsim run keeps the fastest per size.
    const Protocol& protocol_for(const Op& op, const Schedule& alone, const std::vector<Topology::Vertex>& endpoints) {
        const Protocol* best = nullptr;
        double fastest = 0;
        for (const Protocol& p : base_.cost.protocols) {
            if (!p.covers(op.bytes)) continue;
            if (base_.cost.protocols.size() == 1) return p;
            EngineOptions options = base_.cost.options(base_.engine, p);
            options.kind = EngineKind::analytic;
            const double time = simulate(t_, router_, alone, endpoints, options).time_s;
            if (!best || time < fastest) best = &p, fastest = time;
        }
        if (!best)
            throw InputError(located(w_.file, op.line, op.name, "",
                                     fmt::format("cost.protocols: none of them is used for its {} bytes (their "
                                                 "min_size and max_size leave it out)",
                                                 op.bytes)));
        return *best;
    }

    // A transfer sent with protocol `p`: its latency on top of alpha, and on the wire its bytes / its efficiency.
    static Flow with_protocol(Flow flow, const Protocol& p) {
        if (flow.computes()) return flow;
        flow.alpha_s = p.latency_s;
        flow.bytes /= p.efficiency;
        return flow;
    }

    // `sent`: the end of the matching send (its flow, or the sender's ready for 0 bytes); nullopt on the first
    // stage (nothing to receive).
    void recv(std::size_t i, Rank r, std::optional<FlowId> sent) {
        const FlowId at = ready(i, r);
        const FlowId arrived = sent.value_or(kNoFlow);
        FlowId& done = out_.done[i * R_ + r];
        if (arrived == kNoFlow || arrived == at)
            done = at;
        else if (at == kNoFlow)
            done = arrived;
        else {
            std::vector<FlowId> deps{at, arrived};
            done = add(marker(r, i), deps, GroupKind::of(Dim::pp), false);
        }
    }

    const GroupSchedule& schedule_for(std::size_t i, const std::vector<Rank>& group) {
        const Op& op = w_.ops[out_.runs[i].op];
        const Algorithm a = algorithm_for(op, base_);
        // The schedule depends on the chips only through multidim's dimension paths and in_switch's switches.
        const bool by_group = a == Algorithm::multidim || a == Algorithm::in_switch;
        const std::pair key{out_.runs[i].op, by_group ? group.front() : Rank{0}};
        if (const auto it = cache_.find(key); it != cache_.end()) return it->second;
        Experiment x = base_;
        x.collective = op.collective;
        x.algorithm = a;
        x.coalesce_steps = false;
        x.params.dims.clear(); // a grid algorithm on a group: multidim reads the group's grid from its chips
        if (a != Algorithm::multi_ring) x.params.channels = 1;
        std::vector<Topology::Vertex> chips;
        for (Rank r : group)
            chips.push_back(out_.endpoints[r]);
        try {
            const SchedulePlan plan = plan_schedule(t_, router_, chips, x);
            GroupSchedule gs{
                build_schedule(op.collective, a, static_cast<Rank>(group.size()), params_at(x, plan, op.bytes)),
                {},
                {plan.endpoints.begin() + static_cast<std::ptrdiff_t>(group.size()), plan.endpoints.end()}};
            gs.protocol = &protocol_for(op, gs.schedule, plan.endpoints);
            std::vector<std::uint8_t> needed(gs.schedule.size(), 0);
            for (FlowId f = 0; f < gs.schedule.size(); ++f)
                for (FlowId d : gs.schedule.deps(f))
                    needed[d] = 1;
            for (FlowId f = 0; f < gs.schedule.size(); ++f)
                if (!needed[f]) gs.sinks.push_back(f);
            return cache_.emplace(key, std::move(gs)).first->second;
        } catch (const InputError& e) {
            throw InputError(located(w_.file, op.line, op.name, "",
                                     fmt::format("{} on a {} group of {} ranks: {}", to_string(a), to_string(op.group),
                                                 group.size(), e.what())));
        }
    }

    void collective(std::size_t i, const std::vector<Rank>& group) {
        std::vector<FlowId> at(group.size());
        for (std::size_t m = 0; m < group.size(); ++m)
            at[m] = ready(i, group[m]);
        if (group.size() == 1) {
            out_.done[i * R_ + group.front()] = at.front();
            return;
        }
        const Op& op = w_.ops[out_.runs[i].op];
        const GroupSchedule& gs = schedule_for(i, group);
        const Schedule& s = gs.schedule;
        const auto base = static_cast<FlowId>(out_.schedule.size());
        const std::uint32_t step = step_of(i, s.steps() + s.chunks());
        std::vector<FlowId> deps;
        for (FlowId f = 0; f < s.size(); ++f) {
            Flow flow = s.flow(f);
            deps.clear();
            for (FlowId d : s.deps(f))
                deps.push_back(base + d);
            // A rank's flows wait for the rank; a switch's only for what it reduces (the schedule's own deps).
            if (flow.src < group.size()) deps.push_back(at[flow.src]);
            const std::uint32_t chunk = s.chunk_of(f);
            const auto endpoint = [&](Rank e) {
                return e < group.size() ? group[e] : switch_endpoint_.at(gs.switches[e - group.size()]);
            };
            flow.src = endpoint(flow.src);
            flow.dst = endpoint(flow.dst);
            flow.step += step;
            flow.block_begin = chunk;
            flow.block_end = chunk + 1;
            if (flow.follows != kNoFlow) flow.follows += base;
            add(with_protocol(flow, *gs.protocol), deps, op.group, true);
        }
        if (s.size() == 0) {
            for (std::size_t m = 0; m < group.size(); ++m)
                out_.done[i * R_ + group[m]] = at[m];
            return;
        }
        deps.clear();
        for (FlowId f : gs.sinks)
            deps.push_back(base + f);
        // A collective takes at least the launch interval from when its last member is ready (cost.launch_interval:
        // nccl-tests' back-to-back launches): a delay on the first member's chip, which occupies nothing.
        if (base_.cost.launch_interval_s > 0) {
            Flow delay = marker(group.front(), i);
            delay.seconds = base_.cost.launch_interval_s;
            std::vector<FlowId> members_ready(at.begin(), at.end());
            tidy(members_ready);
            deps.push_back(add(delay, members_ready, op.group, false));
        }
        const FlowId end = add(marker(group.front(), i), deps, op.group, false);
        for (Rank m : group)
            out_.done[i * R_ + m] = end;
    }

    const Workload& w_;
    const Placement& place_;
    const Topology& t_;
    Router& router_;
    const Experiment& base_;
    const Rank R_;
    Lowered out_;
    std::vector<std::uint32_t> step_base_;
    std::uint64_t next_step_ = 0;
    std::array<std::vector<std::uint32_t>, kGroupKinds> group_of_; // by GroupKind::index(): the kinds the program uses
    std::array<std::vector<std::vector<Rank>>, kGroupKinds> groups_;
    std::array<std::vector<std::uint32_t>, kGroupKinds> arrived_;
    std::vector<std::size_t> pair_;
    std::vector<FlowId> last_compute_; // per rank: its latest compute flow (a chip computes one thing at a time)
    std::vector<FlowId> deps_;
    std::map<std::pair<std::size_t, Rank>, GroupSchedule> cache_; // by op and (multidim, in_switch) group
    std::map<Topology::Vertex, Rank> switch_endpoint_;              // reducing switch -> its endpoint
    std::map<std::size_t, const Protocol*> send_protocol_;          // by op: a send's protocol
    std::vector<Topology::Vertex> switches_;                        // in endpoint order
};

} // namespace

std::vector<Run> unroll(const Workload& w) {
    if (runs_in(w.program) > kMaxRuns)
        throw InputError(located(w.file, 0, "workload.program", "",
                                 fmt::format("runs more than {} ops once unrolled; use fewer repeats", kMaxRuns)));
    std::vector<Run> runs;
    std::vector<std::size_t> latest(w.ops.size(), kNoOp); // the latest run of each op so far
    unroll_node(w, w.program, runs, latest);
    return runs;
}

Lowered lower(const Workload& w, const Placement& placement, const Topology& t, Router& router,
              const std::vector<Topology::Vertex>& chips, const Experiment& base) {
    return Lowerer(w, placement, t, router, chips, base).lower();
}

} // namespace snsim::workload
