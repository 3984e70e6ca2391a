#pragma once
// The algorithm families behind build_schedule, one .cpp each. They take arguments build_schedule has checked
// (a collective the algorithm implements, a rank count and parameters it accepts) and throw std::logic_error for
// any other collective.
#include "sim/collectives/collective.hpp"

namespace snsim::collectives {

// `rings` rings over ranks 0..p-1 splitting the data between them; with `alternate`, every other ring runs in the
// opposite direction.
Schedule ring_schedule(Collective collective, Rank p, const CollectiveParams& params, std::uint32_t rings,
                       bool alternate);
Schedule direct_schedule(Collective collective, Rank p, const CollectiveParams& params);
Schedule recursive_doubling_schedule(Collective collective, Rank p, const CollectiveParams& params);
Schedule halving_doubling_schedule(Collective collective, Rank p, const CollectiveParams& params);
Schedule binomial_tree_schedule(Collective collective, Rank p, const CollectiveParams& params);
Schedule double_binary_tree_schedule(Collective collective, Rank p, const CollectiveParams& params);
Schedule bruck_schedule(Collective collective, Rank p, const CollectiveParams& params);
Schedule pairwise_schedule(Collective collective, Rank p, const CollectiveParams& params);
Schedule hierarchical_schedule(Collective collective, Rank p, const CollectiveParams& params);
Schedule in_switch_schedule(Collective collective, Rank p, const CollectiveParams& params);
Schedule multidim_schedule(Collective collective, Rank p, const CollectiveParams& params);

// The rank whose share `block` (mod p) is in a hierarchical schedule over the grid `dims`.
Rank hierarchical_share_owner(const std::vector<Rank>& dims, std::uint32_t block);

[[noreturn]] void not_implemented(const char* algorithm, Collective collective);

} // namespace snsim::collectives
