#include "sim/engine/fabric_zone.hpp"

#include <stdexcept>

namespace snsim::engine {

void FabricZone::get_local_route(const simgrid::kernel::routing::NetPoint* src,
                                 const simgrid::kernel::routing::NetPoint*, simgrid::kernel::routing::Route* into,
                                 double* latency) {
    if (pending_.empty()) throw std::logic_error("FabricZone asked for a route no flow named");
    const Pending next = pending_.front();
    pending_.pop_front();
    if (next.sender != src) throw std::logic_error("FabricZone asked for routes in another order than they were named");
    if (next.slot) into->link_list_.push_back(next.slot);
    into->link_list_.insert(into->link_list_.end(), next.links->begin(), next.links->end());
    last_latency_s_ = next.latency_s;
    if (latency && next.latency_s > 0) *latency += 1; // scaled to latency_s by latency_factor()
}

} // namespace snsim::engine
