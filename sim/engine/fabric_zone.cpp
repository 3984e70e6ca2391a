#include "sim/engine/fabric_zone.hpp"

#include <stdexcept>

namespace snsim::engine {

void FabricZone::get_local_route(const simgrid::kernel::routing::NetPoint*, const simgrid::kernel::routing::NetPoint*,
                                 simgrid::kernel::routing::Route* into, double* latency) {
    if (next_ == nullptr) throw std::logic_error("FabricZone asked for a route no flow named");
    for (auto* link : *next_) {
        into->link_list_.push_back(link->get_impl());
        if (latency) *latency += link->get_latency();
    }
    if (latency) *latency += extra_latency_s_;
    next_ = nullptr;
}

} // namespace snsim::engine
