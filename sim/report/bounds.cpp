#include "sim/report/bounds.hpp"

#include <algorithm>

namespace snsim::report {

double lower_bound_s(const BoundInputs& in) {
    double bandwidth = in.injection_Bps > 0 ? in.per_rank_bytes / in.injection_Bps : 0;
    if (in.bisection_Bps > 0) bandwidth = std::max(bandwidth, in.bisection_bytes / in.bisection_Bps);
    return std::max(in.alpha_s + in.far_latency_s, bandwidth + in.near_latency_s);
}

} // namespace snsim::report
