// recursive_doubling and halving_doubling (Rabenseifner): log2 p rounds of pairwise exchanges between r and
// r XOR distance, for a power-of-two p. A rank's data at round k combines what it received in every earlier
// round, and those messages do not descend from each other, so each send waits for all of them.
#include "sim/collectives/algorithms/algorithms.hpp"
#include "sim/collectives/algorithms/builder.hpp"

namespace snsim::collectives {

namespace {

// Per rank, every message it has received so far.
using Received = std::vector<std::vector<Msg>>;

// Allreduce: the whole buffer both ways every round, distance 1, 2, 4, ... Each side reduces into the buffer the
// other is reading, so the two directions are one exchange group (see Builder::exchange) waiting for both ranks'
// earlier rounds; that also makes all earlier rounds' messages ancestors of each send.
Schedule doubling_allreduce(Rank p, const CollectiveParams& params) {
    Builder builder(p, 1, params.chunks, params.bytes / params.chunks);
    std::vector<Msg> last(p); // what each rank received in the previous round
    std::vector<Msg> next(p);
    for (std::uint32_t k = 0; (Rank{1} << k) < p; ++k) {
        for (Rank r = 0; r < p; ++r) {
            const Rank q = r ^ (Rank{1} << k);
            if (q < r) continue;
            const std::vector<Msg> after = k == 0 ? std::vector<Msg>{} : std::vector<Msg>{last[r], last[q]};
            const auto pair = builder.exchange({{r, q, 0, 1}, {q, r, 0, 1}}, k, FlowOp::Reduce, after);
            next[q] = pair[0];
            next[r] = pair[1];
        }
        last = next;
    }
    return builder.take();
}

// Recursive halving, distance p/2 first: rank r keeps the half of its range that holds block r and sends the other
// half to r XOR distance, which keeps that one. Rank r ends with block r reduced.
void halving_reduce_scatter(Builder& builder, Rank p, Received& received) {
    std::uint32_t step = 0;
    for (Rank distance = p / 2; distance >= 1; distance /= 2, ++step) {
        std::vector<Msg> sent(p);
        for (Rank r = 0; r < p; ++r) {
            const Rank first = (r & ~(2 * distance - 1)) + ((r & distance) ? 0 : distance);
            sent[r ^ distance] =
                builder.send({r, r ^ distance, first, first + distance}, step, FlowOp::Reduce, received[r]);
        }
        for (Rank r = 0; r < p; ++r)
            received[r].push_back(sent[r]);
    }
}

// Allgather, block r being rank r's share: at round k rank r sends the 2^k blocks of its aligned group, which its
// partner's group lacks. After halving_reduce_scatter this is the halving in reverse.
void doubling_allgather(Builder& builder, Rank p, std::uint32_t first_step, Received& received) {
    std::uint32_t step = first_step;
    for (Rank distance = 1; distance < p; distance *= 2, ++step) {
        std::vector<Msg> sent(p);
        for (Rank r = 0; r < p; ++r) {
            const Rank first = r & ~(distance - 1);
            sent[r ^ distance] =
                builder.send({r, r ^ distance, first, first + distance}, step, FlowOp::Copy, received[r]);
        }
        for (Rank r = 0; r < p; ++r)
            received[r].push_back(sent[r]);
    }
}

} // namespace

Schedule recursive_doubling_schedule(Collective collective, Rank p, const CollectiveParams& params) {
    if (collective == Collective::allreduce) return doubling_allreduce(p, params);
    if (collective != Collective::allgather) not_implemented("recursive_doubling", collective);
    Builder builder(p, p, params.chunks, params.bytes / p / params.chunks);
    Received received(p);
    doubling_allgather(builder, p, 0, received);
    return builder.take();
}

Schedule halving_doubling_schedule(Collective collective, Rank p, const CollectiveParams& params) {
    if (collective != Collective::allreduce && collective != Collective::reduce_scatter)
        not_implemented("halving_doubling", collective);
    Builder builder(p, p, params.chunks, params.bytes / p / params.chunks);
    Received received(p);
    halving_reduce_scatter(builder, p, received);
    if (collective == Collective::allreduce) doubling_allgather(builder, p, ceil_log2(p), received);
    return builder.take();
}

} // namespace snsim::collectives
