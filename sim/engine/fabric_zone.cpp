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
    for (auto* link : *next.links) {
        into->link_list_.push_back(link->get_impl());
        if (latency) *latency += link->get_latency();
    }
}

} // namespace snsim::engine
