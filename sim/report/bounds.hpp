#pragma once
// Lower bounds on a collective's time on a given topology, from what physics allows regardless of algorithm. They
// are computed on the topology as built, after faults (failed parts removed, degraded cables at their reduced
// bandwidth), and no engine can beat them (tests/test_fault_bounds.cpp checks both on every preset, healthy and
// with faults). Write T for the time, inj_r for the sum of rank r's cable bandwidths (one direction each):
//   per rank:   every rank must send or receive at least `per_rank_bytes` (below) through its own cables, all
//               after the least one-cable latency: T >= per_rank_bytes / min_r inj_r + that latency;
//   in total:   the ranks together must send at least `total_bytes` = p x size x busbw_factor (nccl-tests' bus
//               factor: allreduce 2(p-1)/p, allgather/reduce-scatter/alltoall (p-1)/p, broadcast/reduce 1); rank r
//               sends at most (T - latency) x inj_r, so T >= total_bytes / sum_r inj_r + that latency;
//   bisection:  bytes that must cross a balanced cut of the chips / the bandwidth of that cut (only when the
//               communicator is every chip). Any balanced cut gives a valid bound, so the cut measured on a faulty
//               graph (the least of breadth-first splits, topologies/metrics/bisection.hpp) is valid too;
//   racks:      everything a rack's ranks exchange with ranks outside it crosses the cables that leave the rack
//               (topologies/metrics/rack_cuts.hpp): T >= group_bytes / that bandwidth, for every rack. Tighter than
//               the bisection where a rack's way out is narrower than its chips' injection (an oversubscribed fat
//               tree), and it holds for any communicator, not only every chip;
//   latency:    information must travel from the source (the root of broadcast and reduce, rank 0 otherwise) to
//               the farthest rank (for permutation: to rank 0's partner): T >= alpha + the least latency over all
//               routes (topologies/metrics/latency.hpp), not only over the routes the router picks.
// The bound is max(latency term, max(bandwidth terms) + the least one-cable latency).
//
// Why two injection terms: on a healthy system every rank has the same inj, and the total term equals what the
// per-rank term gave before faults were modelled (size x busbw_factor / inj). With a degraded cable one rank has
// less: an algorithm may send less through it, so only what *every* rank must move may be divided by the least
// inj. Every rank must send and receive the whole buffer in allreduce (each output element depends on each rank's
// input), so per_rank_bytes is the size there, not 2(p-1)/p of it (a reduce-then-broadcast sends only the size
// from a leaf); for the other collectives size x busbw_factor is what each rank itself must send or receive (its
// shares of alltoall, the blocks allgather brings it, the other ranks' blocks of reduce-scatter that depend on it,
// the buffer a broadcast brings it or a reduce takes from it). In-network reduction (in_switch: switches that
// reduce) needs the buffer sent once and received once by each rank (injected_bytes).
#include <vector>

#include "sim/collectives/collective.hpp"

namespace snsim::report {

// nccl-tests' bus factor: busbw = algbw x this. allreduce 2(p-1)/p; reduce_scatter, allgather, alltoall (p-1)/p;
// broadcast, reduce, permutation 1.
double busbw_factor(Collective collective, Rank p);

// What the ranks send on average, at least: size x busbw_factor, or for in_switch (the switches reduce) the buffer.
double injected_bytes(Collective collective, Algorithm algorithm, Rank p, double bytes);
// What every rank must send or receive through its own cables: injected_bytes, except allreduce reduced by the
// chips, where it is the buffer (see above).
double every_rank_bytes(Collective collective, Algorithm algorithm, Rank p, double bytes);

// Bytes that must cross a balanced cut of the ranks, one direction: allreduce, broadcast, reduce: the whole
// buffer (one side needs the other's combined contribution or the root's data); allgather, reduce_scatter: half
// of it; alltoall: floor(p/2) ceil(p/2) / p of it (each half sends the other half its shares); permutation: 0 (its
// pairs need not cross a given cut).
double bisection_bytes(Collective collective, Rank p, double bytes);

// Bytes that must leave or enter a group of g of the p ranks, the more of the two (one direction), whatever the
// algorithm: alltoall g(p-g)/p of the size (the members' shares for the outside, and back); allgather and
// reduce_scatter max(g, p-g)/p of it (one copy of the outside's shares in and of the group's out, or their
// partial sums); allreduce, broadcast, reduce the whole buffer (the group needs the outside's combined
// contribution or the root's data, or the outside the group's); permutation 0. Zero unless 0 < g < p.
double group_bytes(Collective collective, Rank p, Rank g, double bytes);

// A rack's cut: how many of the communicator's ranks it holds, and the bandwidth of the cables that leave it.
struct RackCutInput {
    Rank ranks = 0;
    double bytes_per_s = 0;
};

struct BoundInputs {
    double per_rank_bytes = 0;      // every_rank_bytes()
    double bisection_bytes = 0;     // bytes crossing a balanced cut, one direction
    double injection_Bps = 0;       // least per-direction injection bandwidth among the communicator's chips
    double total_bytes = 0;         // p x injected_bytes(): what the ranks send together, at least
    double total_injection_Bps = 0; // sum of the communicator's chips' injection bandwidths (0: no total term)
    double bisection_Bps = 0;       // 0 = not applicable
    double far_latency_s = 0;       // rank 0 to the farthest rank
    double near_latency_s = 0;      // least latency of one cable
    double alpha_s = 0;
    // The rack terms: the racks that hold some of the ranks, and what group_bytes needs.
    std::vector<RackCutInput> racks;
    Collective collective = Collective::allreduce;
    Rank ranks = 0;
    double size_bytes = 0;
};

double lower_bound_s(const BoundInputs& in);

} // namespace snsim::report
