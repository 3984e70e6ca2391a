#include "sim/engine/simgrid_run.hpp"

#include <cmath>
#include <queue>
#include <unordered_map>

#include <fmt/format.h>
#include <simgrid/kernel/Timer.hpp>
#include <simgrid/s4u.hpp>
#include <xbt/config.hpp>
#include <xbt/log.h>

#include "sim/engine/fabric_zone.hpp"
#include "topologies/errors.hpp"

namespace snsim::engine {
namespace sg4 = simgrid::s4u;
namespace {

// SimGrid counts payloads in whole bytes; stripes of a message are rarely whole. Payloads and bandwidths are
// both scaled by 2^20 so the rounding is below 1e-6 byte and simulated times keep ~1e-15 relative precision.
constexpr double kScale = 1 << 20;

// One route of a flow as SimGrid sees it: the links crossed, and the latency paid before the first byte moves
// (the links' latencies plus the software latency alpha).
struct SimRoute {
    std::vector<sg4::Link*> links;
    double latency_s = 0;
};

// Builds the platform: one host per chip in use and one SimGrid link per planned link. Routes come from the plan,
// not from the hosts (FabricZone). SimGrid's links get no latency: the engine pays it itself (Driver, below).
class Platform {
  public:
    Platform(const Topology& t, const std::vector<Topology::Vertex>& chips, const LinkPlan& plan, double alpha_s) {
        auto* root = sg4::create_full_zone("root");
        zone_ = new FabricZone("fabric"); // owned by SimGrid's platform once parented
        auto* zone = zone_->get_iface();
        zone->set_parent(root);
        for (auto chip : chips)
            if (!hosts_.count(chip)) hosts_[chip] = zone->create_host(t.node(chip).name, 1e9)->seal();
        links_.reserve(plan.links.size());
        for (std::size_t i = 0; i < plan.links.size(); ++i)
            links_.push_back(zone->create_link(fmt::format("link{}", i), plan.links[i].bytes_per_s * kScale)->seal());
        for (const auto& set : plan.route_sets) {
            auto& routes = route_sets_.emplace_back();
            for (const auto& route : set) {
                SimRoute& sim = routes.emplace_back();
                sim.latency_s = alpha_s;
                for (auto link : route) {
                    sim.links.push_back(links_[link]);
                    sim.latency_s += plan.links[link].latency_s;
                }
            }
        }
        zone->seal();
        root->seal();
    }

    FabricZone& zone() { return *zone_; }
    sg4::Host* host(Topology::Vertex chip) const { return hosts_.at(chip); }
    const std::vector<SimRoute>& routes(std::uint32_t set) const { return route_sets_[set]; }

  private:
    FabricZone* zone_ = nullptr;
    std::unordered_map<Topology::Vertex, sg4::Host*> hosts_;
    std::vector<sg4::Link*> links_;
    std::vector<std::vector<SimRoute>> route_sets_;
};

// Starts flows as their dependencies finish, from SimGrid actors ("lanes"). At first, lane r (on rank r's chip)
// starts the flows with no dependency that rank r sends; after that, the lane that sees a flow's last dependency
// finish starts that flow and waits for it. A communication's timing depends only on its route (chosen by the
// FabricZone) and the links' sharing, not on which actor sends it, so any lane may send any flow.
//
// A lane both sends and receives each communication on its own mailbox, so SimGrid matches the two ends at once
// and the transfer starts when the lane asks. Why not Comm::sendto (host to host, no receiver): SimGrid 3.32 keeps
// those in one list that it walks on every completion, which costs the number in flight (bench/run_scale at 1,024
// chips: 2x a bare SimGrid ring); mailbox communications touch only their own actor and mailbox (1.1x, measured
// before the latency waits below were added).
//
// Latency: a flow started at t on a route of latency L transfers from t + L, as in SimGrid's CM02 (no bandwidth
// is used during the latency), but the lane waits out L itself and gives SimGrid latency-free links. SimGrid
// 3.32's lazy max-min update loses rate changes when communications leave their latency phase together and
// share a link (the 5-flow case in tests/test_engine.cpp: a flow finishes 19% early); without latency phases its
// lazy update agrees with the full one (network/optim:Full), which is 9x slower at 1,000 flows in flight.
class Driver {
  public:
    Driver(const Schedule& s, const std::vector<Topology::Vertex>& chips, const LinkPlan& plan, Platform& platform)
        : s_(s), chips_(chips), plan_(plan), platform_(platform), timing_(s.size()), waiting_(s.size()),
          stripes_left_(s.size()), dependents_at_(s.size() + 1, 0) {
        // Who depends on each flow, as one array (offsets per flow), so the child allocates little before SimGrid.
        for (FlowId f = 0; f < s.size(); ++f) {
            const auto deps = s.deps(f);
            waiting_[f] = static_cast<std::uint32_t>(deps.size());
            for (FlowId d : deps)
                ++dependents_at_[d + 1];
        }
        for (FlowId f = 0; f < s.size(); ++f)
            dependents_at_[f + 1] += dependents_at_[f];
        dependents_.resize(dependents_at_.back());
        std::vector<std::size_t> next(dependents_at_.begin(), dependents_at_.end() - 1);
        for (FlowId f = 0; f < s.size(); ++f)
            for (FlowId d : s.deps(f))
                dependents_[next[d]++] = f;
    }

    void run() {
        std::vector<std::vector<FlowId>> first(s_.ranks());
        for (FlowId f = 0; f < s_.size(); ++f)
            if (waiting_[f] == 0) first[s_.flow(f).src].push_back(f);
        for (std::size_t r = 0; r < first.size(); ++r)
            if (!first[r].empty())
                sg4::Actor::create(fmt::format("lane{}", r), platform_.host(chips_[r]),
                                   [this, r, flows = std::move(first[r])] {
                                       lane(sg4::Mailbox::by_name(fmt::format("lane{}", r)), flows);
                                   });
        sg4::Engine::get_instance()->run();
        for (FlowId f = 0; f < s_.size(); ++f)
            if (stripes_left_[f] != 0 || waiting_[f] != 0)
                throw std::runtime_error(fmt::format("schedule deadlocked: flow {} never finished", f));
    }

    std::vector<FlowTiming> timings() && { return std::move(timing_); }

  private:
    // A communication waiting out its latency: route `route` of flow `flow`, to start at `at`.
    struct Due {
        double at;
        std::uint64_t order; // ties start in the order they were released (deterministic)
        FlowId flow;
        std::uint32_t route;
        bool operator>(const Due& o) const { return at != o.at ? at > o.at : order > o.order; }
    };

    struct Lane {
        sg4::Mailbox* mailbox;
        sg4::Host* host;
        std::priority_queue<Due, std::vector<Due>, std::greater<>> due;
        std::uint64_t released = 0;
        std::vector<sg4::CommPtr> comms; // receiving ends, waited for
        std::vector<sg4::CommPtr> sends; // sending ends of the same communications, kept until they finish
        std::vector<FlowId> flows;       // flows[i] is what comms[i] carries
    };

    // Body of a lane: release `flows`, then start what is due, wait for what this lane started, and release what
    // that frees.
    void lane(sg4::Mailbox* mailbox, const std::vector<FlowId>& flows) {
        Lane mine{mailbox, sg4::this_actor::get_host(), {}, 0, {}, {}, {}};
        for (FlowId f : flows)
            release(f, mine);
        while (!mine.comms.empty() || !mine.due.empty()) {
            const double now = sg4::Engine::get_clock();
            if (!mine.due.empty() && mine.due.top().at <= now) {
                transfer(mine.due.top().flow, mine.due.top().route, mine);
                mine.due.pop();
                continue;
            }
            if (mine.comms.empty()) { // nothing to wait for but the latency
                sleep_until(mine.due.top().at);
                continue;
            }
            std::size_t i = 0;
            if (mine.due.empty() && mine.comms.size() == 1) {
                mine.comms[0]->wait(); // the common case, and cheaper than wait_any
            } else {
                const double timeout = mine.due.empty() ? -1.0 : mine.due.top().at - now;
                const auto done = sg4::Comm::wait_any_for(mine.comms, timeout);
                if (done < 0) continue; // something is due
                i = static_cast<std::size_t>(done);
            }
            finished(i, mine);
        }
    }

    // Cheaper than this_actor::sleep_until (which creates a CPU action): a kernel timer resumes the lane.
    static void sleep_until(double at) {
        sg4::ActorPtr self = sg4::Actor::self();
        simgrid::kernel::timer::Timer::set(at, [self] { self->resume(); });
        sg4::this_actor::suspend();
    }

    void release(FlowId f, Lane& mine) {
        const auto& routes = platform_.routes(plan_.route_set_of[f]);
        const double now = sg4::Engine::get_clock();
        timing_[f].start_s = now;
        stripes_left_[f] = static_cast<std::uint32_t>(routes.size());
        for (std::uint32_t r = 0; r < routes.size(); ++r) {
            if (routes[r].latency_s > 0)
                mine.due.push({now + routes[r].latency_s, mine.released++, f, r});
            else
                transfer(f, r, mine);
        }
    }

    void transfer(FlowId f, std::uint32_t r, Lane& mine) {
        static char token; // mailboxes carry a pointer; nothing reads it
        static char* received;
        const auto& routes = platform_.routes(plan_.route_set_of[f]);
        const auto payload = static_cast<std::uint64_t>(std::llround(s_.flow(f).bytes / routes.size() * kScale));
        platform_.zone().use(mine.host, &routes[r].links);
        mine.sends.push_back(mine.mailbox->put_async(&token, payload));
        mine.comms.push_back(mine.mailbox->get_async<char>(&received));
        mine.flows.push_back(f);
    }

    void finished(std::size_t i, Lane& mine) {
        const FlowId f = mine.flows[i];
        mine.comms[i] = std::move(mine.comms.back());
        mine.comms.pop_back();
        mine.sends[i] = std::move(mine.sends.back());
        mine.sends.pop_back();
        mine.flows[i] = mine.flows.back();
        mine.flows.pop_back();
        if (--stripes_left_[f] > 0) return;
        timing_[f].finish_s = sg4::Engine::get_clock();
        for (auto k = dependents_at_[f]; k < dependents_at_[f + 1]; ++k)
            if (--waiting_[dependents_[k]] == 0) release(dependents_[k], mine);
    }

    const Schedule& s_;
    const std::vector<Topology::Vertex>& chips_;
    const LinkPlan& plan_;
    Platform& platform_;
    std::vector<FlowTiming> timing_;
    std::vector<std::uint32_t> waiting_, stripes_left_;
    std::vector<std::size_t> dependents_at_; // dependents of f: dependents_[dependents_at_[f] .. dependents_at_[f+1])
    std::vector<FlowId> dependents_;
};

} // namespace

std::vector<FlowTiming> run_simgrid(const Topology& topology, const Schedule& schedule,
                                    const std::vector<Topology::Vertex>& chips, const LinkPlan& plan,
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
            // SimGrid appends the list of every key to an unknown one; keep the one-line reason.
            const std::string_view reason = e.what();
            throw InputError(fmt::format("simgrid setting \"{}\": {}", setting, reason.substr(0, reason.find('\n'))));
        }
    }
    // The lanes share the engine's bookkeeping and set kernel timers: they must run one at a time.
    if (simgrid::config::get_value<int>("contexts/nthreads") != 1)
        throw InputError("simgrid setting contexts/nthreads: snsim's engine runs actors one at a time; use 1");
    Platform platform(topology, chips, plan, options.alpha_s);
    Driver driver(schedule, chips, plan, platform);
    driver.run();
    return std::move(driver).timings();
}

} // namespace snsim::engine
