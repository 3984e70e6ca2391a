#include "sim/collectives/algorithms/builder.hpp"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "topologies/errors.hpp"

namespace snsim::collectives {

namespace {

std::uint32_t total_blocks(std::uint64_t blocks, std::uint32_t chunks) {
    const double total = static_cast<double>(blocks) * chunks;
    if (total > std::numeric_limits<std::uint32_t>::max())
        throw InputError(fmt::format("{} blocks in {} chunks make more than 2^32-1 blocks; use fewer ranks or chunks",
                                     blocks, chunks));
    return static_cast<std::uint32_t>(total);
}

} // namespace

Builder::Builder(Rank ranks, std::uint64_t blocks, std::uint32_t chunks, double block_bytes, Rank switches)
    : schedule_(ranks, total_blocks(blocks, chunks), switches, chunks), blocks_(static_cast<std::uint32_t>(blocks)),
      chunks_(chunks), block_bytes_(block_bytes) {}

Msg Builder::send(const Send& send, std::uint32_t step, FlowOp op, std::span<const Msg> after) {
    return {add_group({&send, 1}, step, op, after), 1};
}

std::vector<Msg> Builder::exchange(const std::vector<Send>& sends, std::uint32_t step, FlowOp op,
                                   std::span<const Msg> after) {
    const auto group = static_cast<std::uint32_t>(sends.size());
    const FlowId first = add_group(sends, step, op, after);
    std::vector<Msg> msgs;
    for (std::uint32_t i = 0; i < group; ++i)
        msgs.push_back({first + i, group});
    return msgs;
}

FlowId Builder::add_group(std::span<const Send> sends, std::uint32_t step, FlowOp op, std::span<const Msg> after) {
    const auto group = static_cast<std::uint32_t>(sends.size());
    const auto first = static_cast<FlowId>(schedule_.size());
    for (std::uint32_t c = 0; c < chunks_; ++c) {
        deps_.clear();
        for (const Msg& m : after)
            deps_.push_back(m.chunk(c));
        if (c > 0)
            for (std::uint32_t i = 0; i < group; ++i)
                deps_.push_back(first + (c - 1) * group + i);
        std::sort(deps_.begin(), deps_.end());
        deps_.erase(std::unique(deps_.begin(), deps_.end()), deps_.end());
        const std::uint32_t offset = c * blocks_;
        for (std::uint32_t i = 0; i < group; ++i) {
            const Send& s = sends[i];
            schedule_.add({.src = s.src,
                           .dst = s.dst,
                           .bytes = s.bytes > 0 ? s.bytes : (s.end - s.begin) * block_bytes_ * s.rounds,
                           .step = step,
                           .op = op,
                           .block_begin = offset + s.begin,
                           .block_end = offset + s.end,
                           .rounds = s.rounds,
                           .follows = c > 0 ? first + (c - 1) * group + i : kNoFlow},
                          deps_);
        }
    }
    return first;
}

} // namespace snsim::collectives
