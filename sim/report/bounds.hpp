#pragma once
// Lower bounds on a collective's time on a given topology, from what physics allows regardless of algorithm:
//   injection:  every rank must send (and receive) at least size x busbw_factor bytes (nccl-tests' bus
//               factor: allreduce 2(n-1)/n, allgather/reduce-scatter/alltoall (n-1)/n, broadcast/reduce 1)
//               through its own cables: time >= that / the least injection bandwidth in the communicator;
//   bisection:  bytes that must cross a balanced cut of the chips / the bisection bandwidth (only when the
//               communicator is every chip, so the topology's bisection applies);
//   latency:    information from rank 0 must reach the farthest rank: time >= alpha + that path's latency.
// The bound is max(latency term, max(bandwidth terms) + the least one-cable latency): the last byte a rank
// injects still has to cross at least one cable. In-network reduction (in_switch: switches that reduce) lowers
// the injection term of allreduce to the buffer itself, sent once and received once (injected_bytes); the
// bounds of other algorithms assume chips do all the reducing.
#include "sim/collectives/collective.hpp"

namespace snsim::report {

// nccl-tests' bus factor: busbw = algbw x this. allreduce 2(p-1)/p; reduce_scatter, allgather, alltoall (p-1)/p;
// broadcast, reduce, permutation 1.
double busbw_factor(Collective collective, Rank p);

// What each rank must send (and receive) through its own cables: size x busbw_factor, or for in_switch (the
// switches reduce) the buffer itself.
double injected_bytes(Collective collective, Algorithm algorithm, Rank p, double bytes);

// Bytes that must cross a balanced cut of the ranks, one direction: allreduce, broadcast, reduce: the whole
// buffer (one side needs the other's combined contribution or the root's data); allgather, reduce_scatter: half
// of it; alltoall: p/4 of it (each half sends the other half its shares); permutation: 0 (its pairs need not
// cross a given cut).
double bisection_bytes(Collective collective, Rank p, double bytes);

struct BoundInputs {
    double per_rank_bytes = 0;  // injected_bytes()
    double bisection_bytes = 0; // bytes crossing a balanced cut, one direction
    double injection_Bps = 0;   // least per-direction injection bandwidth among the communicator's chips
    double bisection_Bps = 0;   // 0 = not applicable
    double far_latency_s = 0;   // rank 0 to the farthest rank
    double near_latency_s = 0;  // least latency of one cable
    double alpha_s = 0;
};

double lower_bound_s(const BoundInputs& in);

} // namespace snsim::report
