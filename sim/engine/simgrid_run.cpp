#include "sim/engine/simgrid_run.hpp"

#include <cmath>
#include <unordered_map>

#include <fmt/format.h>
#include <simgrid/s4u.hpp>
#include <xbt/log.h>

#include "sim/engine/fabric_zone.hpp"
#include "topologies/errors.hpp"

namespace snsim::engine {
namespace sg4 = simgrid::s4u;
namespace {

// SimGrid counts payloads in whole bytes; stripes of a message are rarely whole. Payloads and bandwidths are
// both scaled by 2^20 so the rounding is below 1e-6 byte and simulated times keep ~1e-15 relative precision.
constexpr double kScale = 1 << 20;

// Builds the platform: one host per chip in use, one link per cable direction in use.
class Platform {
  public:
    Platform(const Topology& t, const std::vector<Topology::Vertex>& chips,
             const std::vector<const std::vector<Path>*>& stripes, double efficiency) {
        auto* root = sg4::create_full_zone("root");
        zone_ = new FabricZone("fabric"); // owned by SimGrid's platform once parented
        auto* zone = zone_->get_iface();
        zone->set_parent(root);
        for (auto chip : chips)
            if (!hosts_.count(chip)) hosts_[chip] = zone->create_host(t.node(chip).name, 1e9)->seal();
        for (const auto* paths : stripes)
            for (const auto& path : *paths) {
                auto [it, fresh] = routes_.try_emplace(&path);
                if (!fresh) continue;
                for (Hop hop : path.hops)
                    it->second.push_back(link(zone, hop, t.cable(cable_of(hop)), efficiency));
            }
        zone->seal();
        root->seal();
    }

    FabricZone& zone() { return *zone_; }
    sg4::Host* host(Topology::Vertex chip) const { return hosts_.at(chip); }
    const std::vector<sg4::Link*>& route(const Path& path) const { return routes_.at(&path); }

  private:
    sg4::Link* link(sg4::NetZone* zone, Hop hop, const Link& cable, double efficiency) {
        auto [it, fresh] = links_.try_emplace(hop);
        if (fresh)
            it->second = zone->create_link(fmt::format("hop{}", hop), cable.bytes_per_s * efficiency * kScale)
                             ->set_latency(cable.latency_s)
                             ->seal();
        return it->second;
    }

    FabricZone* zone_ = nullptr;
    std::unordered_map<Topology::Vertex, sg4::Host*> hosts_;
    std::unordered_map<Hop, sg4::Link*> links_;
    std::unordered_map<const Path*, std::vector<sg4::Link*>> routes_;
};

// Starts flows as their dependencies finish, from SimGrid's completion callbacks (no actors).
class Driver {
  public:
    Driver(const Schedule& s, const std::vector<Topology::Vertex>& chips,
           const std::vector<const std::vector<Path>*>& stripes, Platform& platform, double alpha_s)
        : s_(s), chips_(chips), stripes_(stripes), platform_(platform), alpha_s_(alpha_s), timing_(s.size()),
          waiting_(s.size()), stripes_left_(s.size()), dependents_(s.size()) {
        for (FlowId f = 0; f < s.size(); ++f) {
            const auto deps = s.deps(f);
            waiting_[f] = static_cast<std::uint32_t>(deps.size());
            for (FlowId d : deps)
                dependents_[d].push_back(f);
        }
    }

    void run() {
        sg4::Activity::on_completion_cb([this](const sg4::Activity& a) { finished(a); });
        for (FlowId f = 0; f < s_.size(); ++f)
            if (waiting_[f] == 0) start(f);
        sg4::Engine::get_instance()->run();
        for (FlowId f = 0; f < s_.size(); ++f)
            if (stripes_left_[f] != 0 || waiting_[f] != 0)
                throw std::runtime_error(fmt::format("schedule deadlocked: flow {} never finished", f));
    }

    std::vector<FlowTiming> timings() && { return std::move(timing_); }

  private:
    void start(FlowId f) {
        const Flow& flow = s_.flow(f);
        const auto& paths = *stripes_[f];
        timing_[f].start_s = sg4::Engine::get_clock();
        stripes_left_[f] = static_cast<std::uint32_t>(paths.size());
        const auto payload = static_cast<std::uint64_t>(std::llround(flow.bytes / paths.size() * kScale));
        for (const auto& path : paths) {
            auto comm = sg4::Comm::sendto_init(platform_.host(chips_[flow.src]), platform_.host(chips_[flow.dst]));
            comm->set_payload_size(payload);
            platform_.zone().use(&platform_.route(path), alpha_s_);
            in_flight_.emplace(comm.get(), std::make_pair(f, comm));
            comm->start();
        }
    }

    void finished(const sg4::Activity& a) {
        released_.clear(); // handles of communications finished earlier; SimGrid is done with them now
        const auto it = in_flight_.find(&a);
        if (it == in_flight_.end()) return;
        const FlowId f = it->second.first;
        released_.push_back(std::move(it->second.second)); // keep alive until SimGrid has finished with it
        in_flight_.erase(it);
        if (--stripes_left_[f] > 0) return;
        timing_[f].finish_s = sg4::Engine::get_clock();
        for (FlowId next : dependents_[f])
            if (--waiting_[next] == 0) start(next);
    }

    const Schedule& s_;
    const std::vector<Topology::Vertex>& chips_;
    const std::vector<const std::vector<Path>*>& stripes_;
    Platform& platform_;
    double alpha_s_;
    std::vector<FlowTiming> timing_;
    std::vector<std::uint32_t> waiting_, stripes_left_;
    std::vector<std::vector<FlowId>> dependents_;
    std::unordered_map<const sg4::Activity*, std::pair<FlowId, sg4::CommPtr>> in_flight_; // lookup only
    std::vector<sg4::CommPtr> released_;
};

} // namespace

std::vector<FlowTiming> run_simgrid(const Topology& topology, const Schedule& schedule,
                                    const std::vector<Topology::Vertex>& chips,
                                    const std::vector<const std::vector<Path>*>& stripes,
                                    const EngineOptions& options) {
    int argc = 1;
    char name[] = "snsim";
    char* argv[] = {name, nullptr};
    xbt_log_control_set("root.thres:critical");
    sg4::Engine engine(&argc, argv);
    std::vector<std::string> settings = default_simgrid_cfg();
    settings.insert(settings.end(), options.simgrid_cfg.begin(), options.simgrid_cfg.end());
    for (const auto& setting : settings) {
        try {
            sg4::Engine::set_config(setting);
        } catch (const std::exception& e) {
            throw InputError(fmt::format("simgrid setting \"{}\": {}", setting, e.what()));
        }
    }
    Platform platform(topology, chips, stripes, options.efficiency);
    Driver driver(schedule, chips, stripes, platform, options.alpha_s);
    driver.run();
    return std::move(driver).timings();
}

} // namespace snsim::engine
