#include "sim/report/bounds.hpp"

#include <algorithm>

namespace snsim::report {

double busbw_factor(Collective c, Rank p) {
    switch (c) {
    case Collective::allreduce: return 2.0 * (p - 1) / p;
    case Collective::reduce_scatter:
    case Collective::allgather:
    case Collective::alltoall: return 1.0 * (p - 1) / p;
    case Collective::broadcast:
    case Collective::reduce:
    case Collective::permutation: return 1.0;
    }
    return 1.0;
}

double injected_bytes(Collective c, Algorithm a, Rank p, double bytes) {
    if (a == Algorithm::in_switch && c == Collective::allreduce) return bytes;
    return bytes * busbw_factor(c, p);
}

double every_rank_bytes(Collective c, Algorithm a, Rank p, double bytes) {
    if (c == Collective::allreduce && a != Algorithm::in_switch) return p > 1 ? bytes : 0;
    return injected_bytes(c, a, p, bytes);
}

double bisection_bytes(Collective c, Rank p, double bytes) {
    switch (c) {
    case Collective::allreduce:
    case Collective::broadcast:
    case Collective::reduce: return bytes;
    case Collective::reduce_scatter:
    case Collective::allgather: return bytes / 2;
    case Collective::alltoall: return bytes * static_cast<double>(p / 2) * static_cast<double>(p - p / 2) / p;
    case Collective::permutation: return 0;
    }
    return 0;
}

double group_bytes(Collective c, Rank p, Rank g, double bytes) {
    if (g == 0 || g >= p) return 0;
    switch (c) {
    case Collective::allreduce:
    case Collective::broadcast:
    case Collective::reduce: return bytes;
    case Collective::reduce_scatter:
    case Collective::allgather: return bytes * std::max(g, p - g) / p;
    case Collective::alltoall: return bytes * static_cast<double>(g) * static_cast<double>(p - g) / p;
    case Collective::permutation: return 0;
    }
    return 0;
}

double lower_bound_s(const BoundInputs& in) {
    double bandwidth = in.injection_Bps > 0 ? in.per_rank_bytes / in.injection_Bps : 0;
    for (const RackCutInput& rack : in.racks)
        if (rack.bytes_per_s > 0)
            bandwidth =
                std::max(bandwidth, group_bytes(in.collective, in.ranks, rack.ranks, in.size_bytes) / rack.bytes_per_s);
    if (in.total_injection_Bps > 0) bandwidth = std::max(bandwidth, in.total_bytes / in.total_injection_Bps);
    if (in.bisection_Bps > 0) bandwidth = std::max(bandwidth, in.bisection_bytes / in.bisection_Bps);
    return std::max(in.alpha_s + in.far_latency_s, bandwidth + in.near_latency_s);
}

} // namespace snsim::report
