// bruck alltoall and allgather, any p, in ceil(log2 p) steps; at step k rank r sends to r + 2^k (alltoall) or
// r - 2^k (allgather).
//
// Alltoall: the data s sends to d, (d - s) mod p = j ranks ahead, moves 2^k ranks forward at each step k where
// bit k of j is set, so it travels the binary digits of j. A step's message gathers items from many senders and
// is not a range of blocks: each item is its own flow (the flows of one message share their source,
// destination, step and start). Besides the flow that brought its item, each waits for the last flows its rank
// sent and received at the previous step, which keeps the step structure of the algorithm.
//
// Allgather: before step k rank r holds the shares of r .. r+2^k-1 and sends them (at the last step only the
// p-2^k still missing) to r - 2^k: one or two ranges of blocks, as the shares wrap past p-1.
#include <algorithm>
#include <optional>

#include "sim/collectives/algorithms/algorithms.hpp"
#include "sim/collectives/algorithms/builder.hpp"

namespace snsim::collectives {

namespace {

void append(std::vector<Msg>& to, const std::optional<Msg>& m) {
    if (m) to.push_back(*m);
}

Schedule alltoall(Rank p, const CollectiveParams& params) {
    Builder builder(p, std::uint64_t{p} * p, params.chunks, params.bytes / p / params.chunks);
    std::vector<std::optional<Msg>> brought(std::size_t{p} * p); // per item s*p+d, the flow that brought it
    std::vector<std::optional<Msg>> last_sent(p), last_received(p);
    for (std::uint32_t k = 0; (Rank{1} << k) < p; ++k) {
        const Rank distance = Rank{1} << k;
        std::vector<std::optional<Msg>> sent(p), received(p);
        for (Rank r = 0; r < p; ++r) {
            const Rank to = (r + distance) % p;
            for (Rank j = distance; j < p; ++j) {
                if (!(j & distance)) continue;
                const Rank s = (r + p - (j & (distance - 1))) % p; // items at r have moved the lower bits of j
                const std::uint32_t item = s * p + (s + j) % p;
                std::vector<Msg> after;
                append(after, brought[item]);
                append(after, last_sent[r]);
                append(after, last_received[r]);
                const Msg m = builder.send({r, to, item, item + 1}, k, FlowOp::Copy, after);
                brought[item] = m;
                sent[r] = m;
                received[to] = m;
            }
        }
        last_sent = sent;
        last_received = received;
    }
    return builder.take();
}

Schedule allgather(Rank p, const CollectiveParams& params) {
    Builder builder(p, p, params.chunks, params.bytes / p / params.chunks);
    std::vector<std::vector<Msg>> received(p);
    for (std::uint32_t k = 0; (Rank{1} << k) < p; ++k) {
        const Rank distance = Rank{1} << k;
        const Rank count = std::min(distance, p - distance);
        std::vector<std::vector<Msg>> arrived(p);
        for (Rank r = 0; r < p; ++r) {
            const Rank to = (r + p - distance) % p;
            const Rank end = r + count;
            arrived[to].push_back(builder.send({r, to, r, std::min(end, p)}, k, FlowOp::Copy, received[r]));
            if (end > p) arrived[to].push_back(builder.send({r, to, 0, end - p}, k, FlowOp::Copy, received[r]));
        }
        for (Rank r = 0; r < p; ++r)
            received[r].insert(received[r].end(), arrived[r].begin(), arrived[r].end());
    }
    return builder.take();
}

} // namespace

Schedule bruck_schedule(Collective collective, Rank p, const CollectiveParams& params) {
    if (collective == Collective::alltoall) return alltoall(p, params);
    if (collective == Collective::allgather) return allgather(p, params);
    not_implemented("bruck", collective);
}

} // namespace snsim::collectives
