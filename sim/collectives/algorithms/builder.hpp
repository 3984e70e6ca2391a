#pragma once
// Turns an algorithm's messages into a Schedule's flows. A message moves a range of blocks of one slice between
// two ranks; with `chunks` slices it becomes `chunks` flows, chunk c moving the same blocks of slice c. An
// algorithm is then written once, for one slice: chunk c of a message waits for chunk c of the messages it
// names, and for chunk c-1 of itself, because the chunks leave the sender's port one after the other. That is
// what makes the slices flow through the algorithm as a pipeline. Chunk c of a message follows chunk c-1 out of
// the port (Flow::follows): it pays the route's latency only where chunk c-1's did not already cover it.
#include <cstdint>
#include <span>
#include <vector>

#include "sim/collectives/schedule.hpp"

namespace snsim::collectives {

// The flows of one message: chunk c is flow `first + c * stride`.
struct Msg {
    FlowId first = 0;
    std::uint32_t stride = 1;
    FlowId chunk(std::uint32_t c) const { return first + c * stride; }
};

// Blocks [begin, end) of a slice, sent from `src` to `dst`; with rounds > 1, a coalesced flow standing for that
// many steps of equal messages (Flow::rounds), [begin, end) being its first round's blocks.
struct Send {
    Rank src = 0, dst = 0;
    std::uint32_t begin = 0, end = 0;
    std::uint32_t rounds = 1;
    double bytes = 0; // > 0: the bytes of each chunk, for parts of unequal size (in_switch); 0: the blocks' size
};

class Builder {
  public:
    // `blocks` per slice, each of `block_bytes`; `switches` reducing switches after the ranks (Schedule). Throws
    // InputError when the schedule would need more than 2^32-1 blocks.
    Builder(Rank ranks, std::uint64_t blocks, std::uint32_t chunks, double block_bytes, Rank switches = 0);

    Msg send(const Send& send, std::uint32_t step, FlowOp op, std::span<const Msg> after = {});

    // Messages that start together, such as the two directions of an exchange whose receivers reduce in place:
    // chunk c of each waits for chunk c of every message in `after` and for chunk c-1 of all of them, so each
    // chunk of the group starts when all have started and none can land in a buffer before the send of that
    // buffer has read it.
    std::vector<Msg> exchange(const std::vector<Send>& sends, std::uint32_t step, FlowOp op,
                              std::span<const Msg> after);

    Schedule take() { return std::move(schedule_); }

  private:
    // Adds the flows of `sends` as a group (see exchange); chunk c of sends[i] is flow first + c * size + i.
    FlowId add_group(std::span<const Send> sends, std::uint32_t step, FlowOp op, std::span<const Msg> after);

    Schedule schedule_;
    std::vector<FlowId> deps_; // scratch, reused by every add_group
    std::uint32_t blocks_, chunks_;
    double block_bytes_;
};

inline bool is_power_of_two(Rank n) {
    return n != 0 && (n & (n - 1)) == 0;
}

// Smallest k with 2^k >= n (0 for n <= 1).
inline std::uint32_t ceil_log2(Rank n) {
    std::uint32_t k = 0;
    while ((std::uint64_t{1} << k) < n)
        ++k;
    return k;
}

} // namespace snsim::collectives
