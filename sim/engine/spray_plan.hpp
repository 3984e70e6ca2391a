#pragma once
// The link plan of schedules whose stripes are sprayed (Path::layers): see "Sprayed stripes" in link_plan.hpp.
#include "sim/engine/link_plan.hpp"

namespace snsim {

// `sets`: the distinct stripe sets, `set_of`: each flow's set (as plan_links numbers them).
LinkPlan sprayed_plan(const Topology& topology, const std::vector<const std::vector<Path>*>& sets,
                      std::vector<std::uint32_t> set_of, double efficiency);

} // namespace snsim
