#pragma once
// Streaming chunks (Flow::follows), one rule for both engines and the schedule bound.
//
// A flow f that follows flow q out of the sender's port starts, in the engines, when its last dependency has
// arrived. Its bytes could have left as soon as q's last byte left, which is q's arrival less q's route latency L.
// So f's first byte reaches the receiver no earlier than max(arrival of q - L, arrival of f's other dependencies)
// + L, and that is what the engines give it: started at max(arrival of q, others) it pays
//     max(0, L - covered),  covered = arrival of q - arrival of the others (infinite when q is its only dependency;
//                                     0 when another dependency arrives after q),
// of the route's latency, and alpha (the software's per-message cost) in full. A chain of chunks with nothing else
// to wait for pays L once, like a port streaming them back to back; a chunk held up by other data pays it all.
// Taking L from f's own route stands for q's: the chunks of a message share their route or one of equal latency.
#include <algorithm>
#include <limits>

#include "sim/collectives/schedule.hpp"

namespace snsim::engine {

// How much of its route latency flow f need not pay (above), given the arrival time of each of its dependencies.
template <class ArrivalOf>
double covered_latency(const Schedule& s, FlowId f, ArrivalOf arrival_of) {
    const FlowId q = s.flow(f).follows;
    if (q == kNoFlow) return 0.0;
    double others = -std::numeric_limits<double>::infinity();
    for (FlowId d : s.deps(f))
        if (d != q) others = std::max(others, arrival_of(d));
    return std::max(0.0, arrival_of(q) - others);
}

// The latency a stripe pays from its start: `rounds` x alpha, and `rounds` x the route's latency less what is
// covered (never below 0).
inline double stripe_lead(std::uint32_t rounds, double alpha_s, double route_latency_s, double covered_s) {
    return rounds * alpha_s + std::max(0.0, rounds * route_latency_s - covered_s);
}

} // namespace snsim::engine
