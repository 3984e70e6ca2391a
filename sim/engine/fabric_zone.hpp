#pragma once
// A SimGrid NetZone whose routes are chosen by snsim: before starting a communication the engine names the path
// it must take (use()), and SimGrid asks the zone for it while starting. No route table, so nothing grows with
// the number of chip pairs.
//
// Actors' simcalls are handled by SimGrid's maestro after the actors of a scheduling round have run, in the order
// they ran; each actor has at most one start pending. Routes are therefore handed out first in, first out, and
// each is checked against the host of the actor that named it. The route does not depend on the hosts: the
// engine's actors send from wherever they run (see simgrid_run.cpp).
//
// Latency: SimGrid's CM02 also uses a route's latency as the communication's sharing penalty (TCP's RTT
// unfairness: a flow of twice the latency gets half the bandwidth of its neighbours). These fabrics share fairly,
// so the zone reports every latency as 1 (every penalty is then 1) and latency_factor() scales it to the route's
// own latency; the engine installs it as the network model's latency-factor callback, which SimGrid calls right
// after asking for the route.
#include <deque>
#include <vector>

#include <simgrid/kernel/routing/NetZoneImpl.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Link.hpp>

namespace snsim::engine {

class FabricZone : public simgrid::kernel::routing::NetZoneImpl {
  public:
    explicit FabricZone(const std::string& name) : NetZoneImpl(name) {}

    using LinkImpl = simgrid::kernel::resource::StandardLinkImpl; // what SimGrid's routes hold (Link::get_impl())

    // The route of the next communication sent from `sender`: `slot` first (when not null), then `links` (which
    // must outlive the communication's start), with `latency_s` before the first byte moves.
    void use(const simgrid::s4u::Host* sender, LinkImpl* slot, const std::vector<LinkImpl*>* links, double latency_s) {
        pending_.push_back({sender->get_netpoint(), slot, links, latency_s});
    }

    void get_local_route(const simgrid::kernel::routing::NetPoint* src, const simgrid::kernel::routing::NetPoint* dst,
                         simgrid::kernel::routing::Route* into, double* latency) override;

    // The latency of the route handed out last (see above).
    double latency_factor() const { return last_latency_s_; }

  private:
    struct Pending {
        const simgrid::kernel::routing::NetPoint* sender;
        LinkImpl* slot;
        const std::vector<LinkImpl*>* links;
        double latency_s;
    };
    std::deque<Pending> pending_;
    double last_latency_s_ = 0;
};

} // namespace snsim::engine
