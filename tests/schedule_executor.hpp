#pragma once
// A symbolic executor for Schedules, the oracle of the collective tests. Each rank holds, per block, the set of
// ranks whose contribution it contains (a reducing switch, an endpoint after the ranks, starts with none). A flow
// carries the sender's blocks as they are once the flows it depends on (transitively) have finished; Copy replaces the
// receiver's set, Reduce adds to it and must not add a contribution twice. Along the way it reports every way the
// result could depend on timing:
// - a flow reads a block that a flow it does not descend from writes, and that writer could finish before the
//   flow starts (it does not wait for all of the flow's dependencies);
// - two writers of one block, one of them a Copy, are not ordered by dependencies;
// - the flows that delivered the version of a block a flow sends are not among its dependencies, directly or one
//   level up (real causality, not an accident of a long chain).
#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/collectives/schedule.hpp"

namespace snsim::test {

using Contributors = std::uint64_t; // bit r: rank r's contribution (schedules of up to 64 ranks)

struct Execution {
    std::vector<std::string> problems; // empty when the schedule is sound
    std::vector<Contributors> state;   // final state, index rank * blocks + block
    std::uint32_t blocks = 0;
    Contributors at(Rank r, std::uint32_t b) const { return state[std::size_t{r} * blocks + b]; }
};

inline Execution execute(const Schedule& s, const std::function<Contributors(Rank, std::uint32_t)>& rank_initial) {
    const auto initial = [&](Rank r, std::uint32_t b) { return r < s.ranks() ? rank_initial(r, b) : 0; };
    Execution out;
    out.blocks = s.blocks();
    const auto problem = [&](std::string text) {
        if (out.problems.size() < 10) out.problems.push_back(std::move(text));
    };
    const std::size_t n = s.size(), words = n / 64 + 1;
    std::vector<std::vector<std::uint64_t>> ancestors(n, std::vector<std::uint64_t>(words, 0));
    const auto is_ancestor = [&](FlowId a, FlowId of) { return (ancestors[of][a / 64] >> (a % 64)) & 1; };
    std::vector<std::vector<FlowId>> writers(std::size_t{s.endpoints()} * s.blocks());
    for (FlowId f = 0; f < n; ++f) {
        for (FlowId d : s.deps(f)) {
            for (std::size_t w = 0; w < words; ++w)
                ancestors[f][w] |= ancestors[d][w];
            ancestors[f][d / 64] |= std::uint64_t{1} << (d % 64);
            if (s.flow(d).step > s.flow(f).step) problem(fmt::format("flow {} depends on a later step", f));
        }
        for (std::uint32_t b = s.flow(f).block_begin; b < s.flow(f).block_end; ++b)
            writers[std::size_t{s.flow(f).dst} * s.blocks() + b].push_back(f);
    }
    const auto starts_no_earlier = [&](FlowId w, FlowId f) {
        const auto deps = s.deps(f);
        return std::all_of(deps.begin(), deps.end(), [&](FlowId d) { return is_ancestor(d, w); });
    };
    const auto apply = [&](Contributors& into, FlowId w, Contributors payload) {
        if (s.flow(w).op == FlowOp::Copy) {
            into = payload;
        } else {
            if (into & payload) problem(fmt::format("flow {} reduces a contribution twice", w));
            into |= payload;
        }
    };

    std::vector<std::vector<Contributors>> payload(n);
    for (FlowId f = 0; f < n; ++f) {
        const Flow& flow = s.flow(f);
        std::vector<FlowId> near(s.deps(f).begin(), s.deps(f).end()); // dependencies, and theirs
        for (FlowId d : s.deps(f))
            for (FlowId dd : s.deps(d))
                near.push_back(dd);
        for (std::uint32_t b = flow.block_begin; b < flow.block_end; ++b) {
            Contributors view = initial(flow.src, b);
            std::vector<FlowId> seen;
            for (FlowId w : writers[std::size_t{flow.src} * s.blocks() + b]) {
                if (w < f && is_ancestor(w, f)) {
                    apply(view, w, payload[w][b - s.flow(w).block_begin]);
                    seen.push_back(w);
                } else if (!starts_no_earlier(w, f)) {
                    problem(
                        fmt::format("flow {} reads block {} on rank {} while flow {} may write it", f, b, flow.src, w));
                }
            }
            for (FlowId w : seen) {
                const bool latest =
                    std::none_of(seen.begin(), seen.end(), [&](FlowId o) { return o != w && is_ancestor(w, o); });
                if (latest && std::find(near.begin(), near.end(), w) == near.end())
                    problem(fmt::format("flow {} sends block {} of rank {} without depending on flow {}, which "
                                        "delivered it",
                                        f, b, flow.src, w));
            }
            if (!view) problem(fmt::format("flow {} sends block {} that rank {} does not hold", f, b, flow.src));
            payload[f].push_back(view);
        }
    }

    out.state.resize(writers.size());
    for (Rank r = 0; r < s.ranks(); ++r)
        for (std::uint32_t b = 0; b < s.blocks(); ++b) {
            const auto& list = writers[std::size_t{r} * s.blocks() + b];
            Contributors value = initial(r, b);
            for (std::size_t i = 0; i < list.size(); ++i) {
                for (std::size_t j = 0; j < i; ++j)
                    if ((s.flow(list[i]).op == FlowOp::Copy || s.flow(list[j]).op == FlowOp::Copy) &&
                        !is_ancestor(list[j], list[i]))
                        problem(fmt::format("flows {} and {} write block {} on rank {} in no fixed order", list[j],
                                            list[i], b, r));
                apply(value, list[i], payload[list[i]][b - s.flow(list[i]).block_begin]);
            }
            out.state[std::size_t{r} * s.blocks() + b] = value;
        }
    return out;
}

} // namespace snsim::test
