#pragma once
// A SimGrid NetZone whose routes are chosen by snsim: before starting a communication the engine names the path
// it must take (use()), and SimGrid asks the zone for it while starting. No route table, so nothing grows with
// the number of chip pairs.
//
// Actors' simcalls are handled by SimGrid's maestro after the actors of a scheduling round have run, in the order
// they ran; each actor has at most one start pending. Routes are therefore handed out first in, first out, and
// each is checked against the host of the actor that named it. The route does not depend on the hosts: the
// engine's actors send from wherever they run (see simgrid_run.cpp).
#include <deque>
#include <vector>

#include <simgrid/kernel/routing/NetZoneImpl.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Link.hpp>

namespace snsim::engine {

class FabricZone : public simgrid::kernel::routing::NetZoneImpl {
  public:
    explicit FabricZone(const std::string& name) : NetZoneImpl(name) {}

    // The links that the next communication sent from `sender` crosses. `links` must outlive the communication's
    // start.
    void use(const simgrid::s4u::Host* sender, const std::vector<simgrid::s4u::Link*>* links) {
        pending_.push_back({sender->get_netpoint(), links});
    }

    void get_local_route(const simgrid::kernel::routing::NetPoint* src, const simgrid::kernel::routing::NetPoint* dst,
                         simgrid::kernel::routing::Route* into, double* latency) override;

  private:
    struct Pending {
        const simgrid::kernel::routing::NetPoint* sender;
        const std::vector<simgrid::s4u::Link*>* links;
    };
    std::deque<Pending> pending_;
};

} // namespace snsim::engine
