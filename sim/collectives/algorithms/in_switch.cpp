// in_switch: in-network reduction (NVLink SHARP / NVLS, UB switch reduction). The buffer is cut into one part
// per reducing switch; every rank sends part j to switch j, which combines the p contributions and sends the
// result back to every rank. Two steps whatever p: each rank sends its buffer once and receives the result once.
// With chunks, a switch returns chunk c as soon as all p contributions of chunk c have arrived.
//
// Part j is block j of a slice. Its size is the share switch_weights[j] / sum of weights of the buffer (equal
// shares without weights): NVLS splits in proportion to each switch's bandwidth, so that a switch with 5 cables
// to every GPU and one with 4 finish together instead of the 4-cable one holding everyone back.
//
// Over groups (dims [n, N]: N groups of n consecutive ranks, such as a cluster's supernodes, each group with its
// own k = switches / N reducing switches, endpoints p + g k + j): the in-switch reduction inside each group
// becomes a reduce-scatter, the groups allreduce across by rings, and an in-switch allgather ends it, as NCCL
// combines NVLS inside an NVLink domain with its network algorithms across domains:
//   1. every member sends part j (S/k) to its group's switch j, which returns slice x of the reduced part
//      (S/(k n)) to member x;
//   2. for each member index x and part j, a ring allreduce of that slice over the N groups' member x (the same
//      rail on a rail-optimized cluster): 2(N-1) steps of S/(k n N);
//   3. member x sends its slice of part j, now the total, to its group's switch j, which, once it has all n
//      slices, sends every member the others' slices (as a multicast allgather does: (n-1)/n of the part).
// Blocks are numbered part-major, (j, x, y) = j p + x N + y, so every message moves one range; the parts are equal
// (weights apply within one group only).
#include <numeric>

#include "sim/collectives/algorithms/algorithms.hpp"
#include "sim/collectives/algorithms/builder.hpp"
#include "sim/collectives/algorithms/ring_phases.hpp"

namespace snsim::collectives {
namespace {

Schedule in_switch_over_groups(Rank p, const CollectiveParams& params) {
    const Rank n = params.dims[0], groups = params.dims[1], k = params.switches / groups;
    const double slice = params.bytes / params.chunks;
    Builder builder(p, std::uint64_t{k} * p, params.chunks, slice / (static_cast<double>(k) * p), params.switches);
    const auto member = [&](Rank g, Rank x) { return g * n + x; };
    const auto sw = [&](Rank g, Rank j) { return p + g * k + j; };
    const auto block = [&](Rank j, Rank x, Rank y) { return static_cast<std::uint32_t>(j * p + x * groups + y); };
    // ready[j][rank]: the message after which the rank holds its slice of part j (1.), then the total (2.).
    std::vector<Ready> ready(k, Ready(p));
    std::vector<Msg> up(n);
    for (Rank g = 0; g < groups; ++g)
        for (Rank j = 0; j < k; ++j) {
            for (Rank x = 0; x < n; ++x)
                up[x] = builder.send({.src = member(g, x), .dst = sw(g, j), .begin = block(j, 0, 0),
                                      .end = block(j + 1, 0, 0)},
                                     0, FlowOp::Reduce);
            for (Rank x = 0; x < n; ++x)
                ready[j][member(g, x)] = {builder.send({.src = sw(g, j), .dst = member(g, x), .begin = block(j, x, 0),
                                                        .end = block(j, x + 1, 0)},
                                                       1, FlowOp::Copy, up)};
        }
    Ring ring;
    Ready in;
    for (Rank j = 0; j < k; ++j)
        for (Rank x = 0; x < n; ++x) {
            ring.members.clear();
            ring.parts.clear();
            in.clear();
            for (Rank g = 0; g < groups; ++g) {
                ring.members.push_back(member(g, x));
                ring.parts.push_back({block(j, x, g), block(j, x, g + 1)});
                in.push_back(ready[j][member(g, x)]);
            }
            // The slice a switch returned (a Copy) must be in place before the ring reduces into it: each member
            // sends once its ring successor has its slice too.
            Ready both = in;
            for (Rank g = 0; g < groups; ++g)
                both[g].insert(both[g].end(), in[(g + 1) % groups].begin(), in[(g + 1) % groups].end());
            in = ring_reduce_scatter(builder, ring, 2, both);
            in = ring_allgather(builder, ring, 2 + groups - 1, in);
            for (Rank g = 0; g < groups; ++g)
                ready[j][member(g, x)] = in[g];
        }
    if (n == 1) return builder.take(); // every member already holds the whole result
    const std::uint32_t last = 2 + 2 * (groups - 1);
    for (Rank g = 0; g < groups; ++g)
        for (Rank j = 0; j < k; ++j) {
            for (Rank x = 0; x < n; ++x)
                up[x] = builder.send({.src = member(g, x), .dst = sw(g, j), .begin = block(j, x, 0),
                                      .end = block(j, x + 1, 0)},
                                     last, FlowOp::Copy, ready[j][member(g, x)]);
            // The others' slices: the blocks of part j before and after the member's own.
            for (Rank x = 0; x < n; ++x) {
                if (x > 0)
                    builder.send({.src = sw(g, j), .dst = member(g, x), .begin = block(j, 0, 0), .end = block(j, x, 0)},
                                 last + 1, FlowOp::Copy, up);
                if (x + 1 < n)
                    builder.send(
                        {.src = sw(g, j), .dst = member(g, x), .begin = block(j, x + 1, 0), .end = block(j + 1, 0, 0)},
                        last + 1, FlowOp::Copy, up);
            }
        }
    return builder.take();
}

} // namespace

Schedule in_switch_schedule(Collective collective, Rank p, const CollectiveParams& params) {
    if (collective != Collective::allreduce) not_implemented("in_switch", collective);
    if (!params.dims.empty()) return in_switch_over_groups(p, params);
    const Rank k = params.switches;
    const auto& w = params.switch_weights;
    const double total = w.empty() ? k : std::accumulate(w.begin(), w.end(), 0.0);
    const double slice = params.bytes / params.chunks;
    Builder builder(p, k, params.chunks, slice / k, k);
    std::vector<Msg> up(p);
    for (Rank j = 0; j < k; ++j) {
        const double part = slice * (w.empty() ? 1.0 : w[j]) / total;
        for (Rank r = 0; r < p; ++r)
            up[r] = builder.send({.src = r, .dst = p + j, .begin = j, .end = j + 1, .bytes = part}, 0, FlowOp::Reduce);
        for (Rank r = 0; r < p; ++r)
            builder.send({.src = p + j, .dst = r, .begin = j, .end = j + 1, .bytes = part}, 1, FlowOp::Copy, up);
    }
    return builder.take();
}

} // namespace snsim::collectives
