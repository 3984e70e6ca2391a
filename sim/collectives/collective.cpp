#include "sim/collectives/collective.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/collectives/algorithms/algorithms.hpp"
#include "sim/collectives/algorithms/builder.hpp"
#include "sim/collectives/algorithms/multidim_plan.hpp"
#include "topologies/errors.hpp"

namespace snsim {

namespace {

using C = Collective;
using A = Algorithm;

constexpr Collective kRingFamily[] = {C::allreduce, C::reduce_scatter, C::allgather, C::broadcast, C::reduce};
constexpr Collective kDirect[] = {C::allreduce, C::reduce_scatter, C::allgather,  C::broadcast,
                                  C::reduce,    C::alltoall,       C::permutation};
constexpr Collective kRecursiveDoubling[] = {C::allreduce, C::allgather};
constexpr Collective kHalvingDoubling[] = {C::allreduce, C::reduce_scatter};
constexpr Collective kRooted[] = {C::broadcast, C::reduce};
constexpr Collective kAllreduce[] = {C::allreduce};
constexpr Collective kBruck[] = {C::alltoall, C::allgather};
constexpr Collective kAlltoall[] = {C::alltoall};
constexpr Collective kHierarchical[] = {C::allreduce, C::reduce_scatter, C::allgather};

std::string names(std::span<const Collective> collectives) {
    std::vector<std::string_view> list;
    for (Collective c : collectives)
        list.push_back(to_string(c));
    return fmt::format("{}", fmt::join(list, ", "));
}

bool rooted(Collective c) {
    return c == C::broadcast || c == C::reduce;
}

bool gridded(Algorithm a) {
    return a == A::hierarchical || a == A::multidim;
}

void check_dims(std::string_view alg, Rank ranks, const std::vector<Rank>& dims) {
    const std::string given = fmt::format("[{}]", fmt::join(dims, ", "));
    if (dims.empty())
        throw CollectiveParamError("dims", "",
                                   fmt::format("{} needs dims, the rank grid (e.g. [8, 16] for 128 ranks)", alg));
    if (std::count(dims.begin(), dims.end(), Rank{0}))
        throw CollectiveParamError("dims", given, fmt::format("{} dims must all be at least 1, got {}", alg, given));
    double product = 1;
    for (Rank d : dims)
        product *= d;
    if (product != ranks)
        throw CollectiveParamError("dims", given,
                                   fmt::format("{} dims {} hold {} ranks, not {}", alg, given, product, ranks));
}

// One path per dimension, positive bandwidths, and one bandwidth per set of cables.
void check_dim_paths(const std::vector<Rank>& dims, const std::vector<DimPath>& paths) {
    if (paths.size() != dims.size())
        throw InputError(fmt::format("multidim needs one dimension path (direct or ring, and a bandwidth) per "
                                     "dimension of dims [{}], got {}",
                                     fmt::join(dims, ", "), paths.size()));
    for (std::size_t i = 0; i < paths.size(); ++i) {
        if (!std::isfinite(paths[i].bytes_per_s) || paths[i].bytes_per_s <= 0)
            throw InputError(
                fmt::format("multidim: dimension {} has no bandwidth to cross it ({} B/s)", i, paths[i].bytes_per_s));
        for (std::size_t j = 0; j < i; ++j)
            if (paths[j].cables == paths[i].cables && paths[j].bytes_per_s != paths[i].bytes_per_s)
                throw InputError(fmt::format("multidim: dimensions {} and {} share cables but give different "
                                             "bandwidths ({} and {} B/s)",
                                             j, i, paths[j].bytes_per_s, paths[i].bytes_per_s));
    }
}

void check(Collective collective, Algorithm algorithm, Rank ranks, const CollectiveParams& params) {
    const auto alg = to_string(algorithm);
    if (!supports(algorithm, collective))
        throw CollectiveParamError("algorithm", std::string(alg),
                                   fmt::format("{} does not implement {}; it implements {}", alg, to_string(collective),
                                               names(collectives_of(algorithm))));
    if (ranks == 0) throw InputError("a collective needs at least one rank");
    if ((algorithm == A::recursive_doubling || algorithm == A::halving_doubling) &&
        !collectives::is_power_of_two(ranks))
        throw CollectiveParamError("algorithm", std::string(alg),
                                   fmt::format("{} needs a power-of-two number of ranks, got {}", alg, ranks));
    if (!std::isfinite(params.bytes) || params.bytes < 0)
        throw InputError(fmt::format("bytes must be a finite size of at least 0, got {}", params.bytes));
    if (params.chunks == 0) throw CollectiveParamError("chunks", "0", "chunks must be at least 1");
    if (rooted(collective) && params.root >= ranks)
        throw CollectiveParamError("root", std::to_string(params.root),
                                   fmt::format("root {} is not one of the {} ranks", params.root, ranks));
    if (!rooted(collective) && params.root != 0)
        throw CollectiveParamError(
            "root", std::to_string(params.root),
            fmt::format("root applies to broadcast and reduce only, not {}", to_string(collective)));
    if (params.channels == 0) throw CollectiveParamError("channels", "0", "channels must be at least 1");
    if (algorithm != A::multi_ring && params.channels != 1)
        throw CollectiveParamError("channels", std::to_string(params.channels),
                                   fmt::format("channels applies to multi_ring only, not {}", alg));
    if (gridded(algorithm)) {
        check_dims(alg, ranks, params.dims);
    } else if (algorithm == A::in_switch && !params.dims.empty()) {
        // Two levels: groups of dims[0] ranks, each reduced by its own switches, rings across dims[1] groups.
        check_dims(alg, ranks, params.dims);
        if (params.dims.size() != 2)
            throw CollectiveParamError("dims", fmt::format("[{}]", fmt::join(params.dims, ", ")),
                                       "in_switch takes two dims: [ranks per group, groups]");
        if (params.switches % params.dims[1] != 0)
            throw InputError(fmt::format("in_switch over {} groups needs the same reducing switches in each, got {} "
                                         "in all",
                                         params.dims[1], params.switches));
        if (!params.switch_weights.empty())
            throw InputError("in_switch over groups splits equally: switch_weights apply to one group only");
    } else if (!params.dims.empty()) {
        throw CollectiveParamError(
            "dims", fmt::format("[{}]", fmt::join(params.dims, ", ")),
            fmt::format("dims applies to hierarchical, multidim and in_switch (over groups) only, not {}", alg));
    }
    if (algorithm == A::multidim)
        check_dim_paths(params.dims, params.dim_paths);
    else if (!params.dim_paths.empty())
        throw InputError(fmt::format("dim_paths applies to multidim only, not {}", alg));
    if (algorithm == A::in_switch && params.switches == 0)
        throw InputError("in_switch needs at least one reducing switch (switch chips cabled to every rank's chip)");
    if (algorithm != A::in_switch && params.switches != 0)
        throw InputError(fmt::format("switches applies to in_switch only, not {}", alg));
    if (algorithm != A::in_switch && !params.switch_weights.empty())
        throw InputError(fmt::format("switch_weights applies to in_switch only, not {}", alg));
    if (!params.switch_weights.empty() && params.switch_weights.size() != params.switches)
        throw InputError(fmt::format("in_switch has {} switch weights for {} reducing switches",
                                     params.switch_weights.size(), params.switches));
    for (double w : params.switch_weights)
        if (!std::isfinite(w) || w <= 0)
            throw InputError(fmt::format("in_switch switch weights must be positive and finite, got {}", w));
}

} // namespace

std::string_view to_string(Collective collective) {
    switch (collective) {
    case C::allreduce: return "allreduce";
    case C::reduce_scatter: return "reduce_scatter";
    case C::allgather: return "allgather";
    case C::broadcast: return "broadcast";
    case C::reduce: return "reduce";
    case C::alltoall: return "alltoall";
    case C::permutation: return "permutation";
    }
    return "?";
}

std::string_view to_string(Algorithm algorithm) {
    switch (algorithm) {
    case A::ring: return "ring";
    case A::bidirectional_ring: return "bidirectional_ring";
    case A::multi_ring: return "multi_ring";
    case A::direct: return "direct";
    case A::recursive_doubling: return "recursive_doubling";
    case A::halving_doubling: return "halving_doubling";
    case A::binomial_tree: return "binomial_tree";
    case A::double_binary_tree: return "double_binary_tree";
    case A::bruck: return "bruck";
    case A::pairwise: return "pairwise";
    case A::hierarchical: return "hierarchical";
    case A::in_switch: return "in_switch";
    case A::multidim: return "multidim";
    }
    return "?";
}

std::optional<Collective> collective_from(std::string_view name) {
    for (Collective c : kCollectives)
        if (to_string(c) == name) return c;
    return std::nullopt;
}

std::optional<Algorithm> algorithm_from(std::string_view name) {
    for (Algorithm a : kAlgorithms)
        if (to_string(a) == name) return a;
    return std::nullopt;
}

std::span<const Collective> collectives_of(Algorithm algorithm) {
    switch (algorithm) {
    case A::ring:
    case A::bidirectional_ring:
    case A::multi_ring: return kRingFamily;
    case A::direct: return kDirect;
    case A::recursive_doubling: return kRecursiveDoubling;
    case A::halving_doubling: return kHalvingDoubling;
    case A::binomial_tree: return kRooted;
    case A::double_binary_tree: return kAllreduce;
    case A::bruck: return kBruck;
    case A::pairwise: return kAlltoall;
    case A::hierarchical:
    case A::multidim: return kHierarchical;
    case A::in_switch: return kAllreduce;
    }
    return {};
}

bool supports(Algorithm algorithm, Collective collective) {
    const auto list = collectives_of(algorithm);
    return std::find(list.begin(), list.end(), collective) != list.end();
}

Schedule build_schedule(Collective collective, Algorithm algorithm, Rank ranks, const CollectiveParams& params) {
    check(collective, algorithm, ranks, params);
    using namespace collectives;
    switch (algorithm) {
    case A::ring: return ring_schedule(collective, ranks, params, 1, false);
    case A::bidirectional_ring: return ring_schedule(collective, ranks, params, 2, true);
    case A::multi_ring: return ring_schedule(collective, ranks, params, params.channels, false);
    case A::direct: return direct_schedule(collective, ranks, params);
    case A::recursive_doubling: return recursive_doubling_schedule(collective, ranks, params);
    case A::halving_doubling: return halving_doubling_schedule(collective, ranks, params);
    case A::binomial_tree: return binomial_tree_schedule(collective, ranks, params);
    case A::double_binary_tree: return double_binary_tree_schedule(collective, ranks, params);
    case A::bruck: return bruck_schedule(collective, ranks, params);
    case A::pairwise: return pairwise_schedule(collective, ranks, params);
    case A::hierarchical: return hierarchical_schedule(collective, ranks, params);
    case A::in_switch: return in_switch_schedule(collective, ranks, params);
    case A::multidim: return multidim_schedule(collective, ranks, params);
    }
    throw std::logic_error("unknown algorithm");
}

Rank share_owner(Algorithm algorithm, Rank ranks, const CollectiveParams& params, std::uint32_t block) {
    if (algorithm == A::hierarchical) return collectives::hierarchical_share_owner(params.dims, block % ranks);
    if (algorithm == A::multidim)
        return collectives::multidim_share_owner(collectives::multidim_plan(ranks, params), block);
    return block % ranks;
}

namespace collectives {

void not_implemented(const char* algorithm, Collective collective) {
    throw std::logic_error(fmt::format("{} does not implement {}", algorithm, to_string(collective)));
}

} // namespace collectives

} // namespace snsim
