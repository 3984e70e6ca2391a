#pragma once
// The collectives snsim simulates and the algorithms that implement them. An algorithm is a pure function from
// (collective, number of ranks p, parameters) to a Schedule over ranks 0..p-1; mapping ranks to chips, routing
// and timing are the engine's.
//
// Sizes follow nccl-tests' "size" column: for allreduce, broadcast and reduce `bytes` is the buffer on each rank;
// for allgather and reduce_scatter it is the whole gathered buffer (each rank's share is bytes/p); for alltoall it
// is what each rank sends in total (bytes/p to every rank, the share for itself staying local); for permutation it
// is what each rank sends.
//
// Blocks (see Flow): the data is `chunks` slices of B blocks each, block c*B + i being block i of slice c; chunk c
// of every message moves slice c, which is how `chunks` pipelines. Within a slice:
// - allreduce, broadcast, reduce: blocks are equal pieces of the buffer;
// - reduce_scatter, allgather: B is a multiple of p and block b is part of rank share_owner(b)'s share;
// - alltoall: B = p*p, block s*p + d is what rank s sends to rank d;
// - permutation: B = p, block r is what rank r sends.
//
// Dependencies are causal: a flow waits for the flows that delivered the data it sends (and, where an algorithm
// orders a rank's messages, for the rank's previous ones), so the result does not depend on timing. The tests
// check it by symbolic execution (tests/schedule_executor.hpp).
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "sim/collectives/schedule.hpp"
#include "topologies/errors.hpp"

namespace snsim {

// permutation: rank r sends `bytes` to rank (r + floor(p/2)) mod p. Every rank sends and receives one message and,
// ranks being laid out along the fabric, each message crosses the middle: a bisection test.
enum class Collective { allreduce, reduce_scatter, allgather, broadcast, reduce, alltoall, permutation };

// Which collectives each algorithm implements is collectives_of(); docs/collectives.md describes each one.
enum class Algorithm {
    ring,               // one ring 0 -> 1 -> ... -> p-1 -> 0; broadcast and reduce as a pipelined chain from/to root
    bidirectional_ring, // the data in two halves on two rings running in opposite directions
    multi_ring,         // `channels` rings (same order), each with bytes/channels; the engine spreads them
    direct,             // one shot: every message at once
    recursive_doubling, // log2 p exchanges at distance 1, 2, 4, ...; power-of-two p
    halving_doubling,   // Rabenseifner: recursive-halving reduce-scatter (+ recursive-doubling allgather)
    binomial_tree,      // ceil(log2 p) steps, any p
    double_binary_tree, // NCCL's two complementary binary trees, each with half the data
    bruck,              // ceil(log2 p) steps at distance 2^k, any p
    pairwise,           // p-1 steps; at step k rank r sends to r+k
    hierarchical,       // ring phases along each dimension of the rank grid `dims`
    in_switch,          // in-network reduction: ranks send to `switches` reducing switches that return the result
    multidim,           // every dimension of `dims` busy at once: slices of the data run the dimensions in rotated
                        // orders, each dimension direct (full mesh, switch tier) or as two opposite rings (torus)
};

inline constexpr std::array kCollectives{Collective::allreduce,  Collective::reduce_scatter, Collective::allgather,
                                         Collective::broadcast,  Collective::reduce,         Collective::alltoall,
                                         Collective::permutation};
inline constexpr std::array kAlgorithms{
    Algorithm::ring,          Algorithm::bidirectional_ring, Algorithm::multi_ring,
    Algorithm::direct,        Algorithm::recursive_doubling, Algorithm::halving_doubling,
    Algorithm::binomial_tree, Algorithm::double_binary_tree, Algorithm::bruck,
    Algorithm::pairwise,      Algorithm::hierarchical,       Algorithm::in_switch,
    Algorithm::multidim};

// Names as configs spell them (the enumerators' names).
std::string_view to_string(Collective collective);
std::string_view to_string(Algorithm algorithm);
std::optional<Collective> collective_from(std::string_view name);
std::optional<Algorithm> algorithm_from(std::string_view name);

std::span<const Collective> collectives_of(Algorithm algorithm);
bool supports(Algorithm algorithm, Collective collective);

// Step coalescing. Every step of a ring phase sends one equal message over each of the same rank pairs. When those
// messages, started together and alone on the fabric, all move at the same rate after the same latency, the
// phase runs in lockstep and its n-1 steps take exactly as long as one flow per pair carrying all n-1 messages
// and paying the latency n-1 times (Flow::rounds). The algorithm cannot know this (it knows no topology): it asks
// `LockstepTest` about one step's pairs, and only while every earlier phase ran in lockstep, so that the phase
// starts on every rank at once. sim/engine/lockstep.hpp answers it; docs/architecture.md has the argument.
struct RankPair {
    Rank src = 0, dst = 0;
};
using LockstepTest = std::function<bool(std::span<const RankPair>)>;

// multidim: how one dimension of the rank grid is crossed. `direct`: every rank sends to every other rank of its
// line at once (a full-mesh dimension, or one joined through a switch tier); `ring`: half the data on a ring along
// the line, half on the ring the other way (a torus or mesh dimension). `bytes_per_s` is what one rank can send
// along the dimension (all its cables for it together); dimensions with the same `cables` share those cables (two
// dimensions both reached through one switch tier) and must give the same bandwidth. Only ratios matter: they size
// the slices of the data (sim/collectives/algorithms/multidim_plan.hpp).
enum class DimKind : std::uint8_t { direct, ring };
struct DimPath {
    DimKind kind = DimKind::direct;
    double bytes_per_s = 1;
    Rank cables = 0;
};

// A refusal of a parameter the user gives: `key` is its name below `collective.` (algorithm, root, dims,
// channels, chunks). what() is the reason alone, which reads the same in any context (a sweep's status, compare's
// skipped line); a caller that knows where the parameter came from places it (sim/cli/experiment_options.hpp).
class CollectiveParamError : public InputError {
  public:
    CollectiveParamError(std::string key, std::string value, const std::string& reason)
        : InputError(reason), key_(std::move(key)), value_(std::move(value)) {}
    const std::string& key() const { return key_; }
    const std::string& value() const { return value_; }

  private:
    std::string key_, value_;
};

struct CollectiveParams {
    double bytes = 0;               // see the size convention above
    Rank root = 0;                  // broadcast and reduce only
    std::uint32_t chunks = 1;       // pipelining: every message becomes `chunks` flows
    std::vector<Rank> dims;         // hierarchical, multidim: the rank grid, dimension 0 varying fastest, product p
    std::vector<DimPath> dim_paths; // multidim only: one per dimension of dims (sim/experiment/dimension_paths)
    std::uint32_t channels = 1;     // multi_ring only: number of rings
    Rank switches = 0;              // in_switch only: reducing switches (Schedule endpoints after the ranks)
    // in_switch only: switch j reduces this share of the buffer, in proportion to the weights (positive; empty:
    // equal shares). The experiment gives each switch's bandwidth to the chips, so that every switch finishes at once.
    std::vector<double> switch_weights;
    LockstepTest lockstep; // ring phases (ring family, hierarchical) with one chunk; null: never coalesce
};

// Throws InputError, with a one-line reason, when the algorithm does not implement the collective, needs another
// number of ranks, or is given a parameter it does not use or cannot take: a CollectiveParamError when the
// parameter is one the user gives.
Schedule build_schedule(Collective collective, Algorithm algorithm, Rank ranks, const CollectiveParams& params);

// For reduce_scatter and allgather: whose share `block` of a schedule built with these arguments is. Rank
// block mod p for every algorithm but hierarchical and multidim, which number the shares with the first dimension
// they cross most significant so that the data of each of their phases is one range of blocks.
Rank share_owner(Algorithm algorithm, Rank ranks, const CollectiveParams& params, std::uint32_t block);

} // namespace snsim
