#pragma once
// A SimGrid NetZone whose routes are chosen by snsim: before starting a communication the engine names the path
// it must take (use()), and SimGrid asks the zone for it while starting. No route table, so nothing grows with
// the number of chip pairs.
#include <vector>

#include <simgrid/kernel/routing/NetZoneImpl.hpp>
#include <simgrid/s4u/Link.hpp>

namespace snsim::engine {

class FabricZone : public simgrid::kernel::routing::NetZoneImpl {
  public:
    explicit FabricZone(const std::string& name) : NetZoneImpl(name) {}

    // The links the next communication crosses and the latency added to theirs (software latency).
    void use(const std::vector<simgrid::s4u::Link*>* links, double extra_latency_s) {
        next_ = links;
        extra_latency_s_ = extra_latency_s;
    }

    void get_local_route(const simgrid::kernel::routing::NetPoint* src, const simgrid::kernel::routing::NetPoint* dst,
                         simgrid::kernel::routing::Route* into, double* latency) override;

  private:
    const std::vector<simgrid::s4u::Link*>* next_ = nullptr;
    double extra_latency_s_ = 0;
};

} // namespace snsim::engine
