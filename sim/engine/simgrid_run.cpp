#include "sim/engine/simgrid_run.hpp"

#include <cmath>
#include <csignal>
#include <deque>
#include <queue>
#include <span>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>
#include <simgrid/kernel/Timer.hpp>
#include <simgrid/kernel/resource/NetworkModelIntf.hpp>
#include <simgrid/s4u.hpp>
#include <xbt/config.hpp>
#include <xbt/log.h>

#include "sim/engine/fabric_zone.hpp"
#include "sim/engine/progress.hpp"
#include "sim/engine/streaming.hpp"
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
    std::vector<FabricZone::LinkImpl*> links;
    double latency_s = 0;
};

// Slots per first lane: see Driver. Communications with latency beyond this many in flight cost one more wake-up
// each.
constexpr std::size_t kSlotsPerLane = 4;

// Communications one lane waits for at most, before it hands what it releases to a new lane (see Driver).
constexpr std::size_t kLaneComms = 16;

// Lanes at most. Each lane's stack is one memory mapping, two with SimGrid's guard page (contexts/guard-size, 1
// page by default), and Linux allows a process 65,530 mappings by default (vm.max_map_count): past that SimGrid
// aborts ("Failed to protect stack"; the Atlas 950 nD mesh's multidim allreduce in 4 chunks wanted more). At the
// cap a lane keeps what it releases and waits for more than kLaneComms (slower, the same times). The cap is
// EngineOptions::max_lanes (16,384 by default).

// Stack of a lane the Driver adds while running, in KiB (Actor::set_stacksize's unit in SimGrid 3.32, as for
// contexts/stack-size; measured: 1,000 actors at 256 take 270 MB of address space): a lane's frames are shallow
// (SimGrid runs simcalls on maestro's stack), and thousands of these may live at once.
constexpr unsigned kAddedLaneStackKiB = 256;

// An actor that starts flows: the rank whose first flows (those with no dependency) it starts.
struct Lane {
    Rank rank;
    std::vector<FlowId> first;
};

// At most `max_lanes`: past that, lane i also starts the first flows of the ranks that would have been lanes
// i + max_lanes, i + 2 max_lanes, ... (any lane may send any flow; a 524,288-chip cluster has as many ranks).
std::vector<Lane> lanes_of(const Schedule& s, std::size_t max_lanes) {
    std::vector<std::vector<FlowId>> first(s.endpoints());
    for (FlowId f = 0; f < s.size(); ++f)
        if (s.deps(f).empty()) first[s.flow(f).src].push_back(f);
    std::vector<Lane> lanes;
    for (Rank r = 0; r < s.endpoints(); ++r) {
        if (first[r].empty()) continue;
        if (lanes.size() < std::max<std::size_t>(max_lanes, 1)) {
            lanes.push_back({r, std::move(first[r])});
        } else {
            auto& into = lanes[r % lanes.size()].first;
            into.insert(into.end(), first[r].begin(), first[r].end());
        }
    }
    return lanes;
}

// Builds the platform: one host per chip in use and one SimGrid link per planned link. Routes come from the plan,
// not from the hosts (FabricZone), with their latency; SimGrid's links have none. kSlotsPerLane slot links per
// first lane are shared by all lanes (Driver, below).
class Platform {
  public:
    Platform(const Topology& t, const std::vector<Topology::Vertex>& chips, const LinkPlan& plan, double alpha_s,
             std::size_t lanes) {
        auto* root = sg4::create_full_zone("root");
        zone_ = new FabricZone("fabric"); // owned by SimGrid's platform once parented
        auto* zone = zone_->get_iface();
        zone->set_parent(root);
        for (auto chip : chips)
            if (!hosts_.count(chip)) hosts_[chip] = zone->create_host(t.node(chip).name, 1e9)->seal();
        links_.reserve(plan.links.size());
        double fastest = 1;
        for (std::size_t i = 0; i < plan.links.size(); ++i) {
            links_.push_back(zone->create_link(fmt::format("link{}", i), plan.links[i].bytes_per_s * kScale)->seal());
            fastest = std::max(fastest, plan.links[i].bytes_per_s * kScale);
        }
        // Slots never limit a transfer: a million times the fastest link, shared as a fat pipe.
        for (std::size_t k = 0; k < kSlotsPerLane * lanes; ++k)
            slots_.push_back(zone->create_link(fmt::format("slot{}", k), fastest * 1e6)
                                 ->set_sharing_policy(sg4::Link::SharingPolicy::FATPIPE)
                                 ->seal()
                                 ->get_impl());
        for (std::size_t set = 0; set < plan.route_sets.size(); ++set) {
            auto& routes = route_sets_.emplace_back();
            for (std::size_t r = 0; r < plan.route_sets[set].size(); ++r) {
                SimRoute& sim = routes.emplace_back();
                sim.latency_s = alpha_s + plan.route_latencies[set][r];
                for (auto link : plan.route_sets[set][r])
                    sim.links.push_back(links_[link]->get_impl());
            }
        }
        zone->seal();
        root->seal();
    }

    FabricZone& zone() { return *zone_; }
    sg4::Host* host(Topology::Vertex chip) const { return hosts_.at(chip); }
    const std::vector<SimRoute>& routes(std::uint32_t set) const { return route_sets_[set]; }
    const std::vector<FabricZone::LinkImpl*>& slots() const { return slots_; }

  private:
    FabricZone* zone_ = nullptr;
    std::unordered_map<Topology::Vertex, sg4::Host*> hosts_;
    std::vector<sg4::Link*> links_;
    std::vector<std::vector<SimRoute>> route_sets_;
    std::vector<FabricZone::LinkImpl*> slots_;
};

// Starts flows as their dependencies finish, from SimGrid actors ("lanes"). At first, lane r (on rank r's chip)
// starts the flows with no dependency that rank r sends; after that, the lane that sees a flow's last dependency
// finish starts that flow and waits for it. A communication's timing depends only on its route (chosen by the
// FabricZone) and the links' sharing, not on which actor sends it, so any lane may send any flow.
//
// A lane waits for at most about kLaneComms communications: SimGrid 3.32's wait_any costs the number waited for on
// every call, so one lane waiting for the 383 flows a CloudMatrix384 chip sends in a direct exchange spent 85% of
// a 100 s run there. Flows released beyond that go, kLaneComms at a time, to other lanes, started at the same
// instant: an idle lane (one with nothing left to wait for suspends itself until it is given flows), or a new one.
// When the last lane goes idle every flow has finished (or the schedule deadlocked), and all lanes end.
//
// A lane both sends and receives each communication on its own mailbox, so SimGrid matches the two ends at once
// and the transfer starts when the lane asks. Why not Comm::sendto (host to host, no receiver): SimGrid 3.32 keeps
// those in one list that it walks on every completion, which costs the number in flight (bench/run_scale at 1,024
// chips: 2x a bare SimGrid ring); mailbox communications touch only their own actor and mailbox.
//
// Latency: a flow started at t on a route of latency L transfers from t + L (CM02: no bandwidth is used during the
// latency). SimGrid 3.32's lazy max-min update has an error here: when a communication leaves its latency phase,
// SimGrid marks for re-solving only the first link of its route and what that link reaches, and if that link was
// already marked in the same instant (another communication leaving latency, or finishing, on it) the rest of the
// route is never marked, so the flows sharing it keep stale rates (the 5-flow case in tests/test_engine.cpp ends
// a flow 19% early). So a communication with latency goes first through a "slot": a link of its lane's that no
// other communication crosses while it is held and that never limits anything. Its first link is then never
// marked before it leaves latency, and SimGrid's own latency is exact (FabricZone also keeps CM02 from sharing
// bandwidth by latency). The slots are shared by all lanes; when all are held, a lane waits out the latency itself
// (a kernel timer) and starts the transfer without latency, which costs one more wake-up.
class Driver {
  public:
    Driver(const Schedule& s, const std::vector<Topology::Vertex>& chips, const LinkPlan& plan, Platform& platform,
           std::vector<Lane> lanes, const EngineOptions& options)
        : s_(s), chips_(chips), plan_(plan), platform_(platform), lanes_(std::move(lanes)), alpha_s_(options.alpha_s),
          reduction_Bps_(options.reduction_Bps), max_lanes_(options.max_lanes), free_slots_(platform.slots()), timing_(s.size()), waiting_(s.size()),
          stripes_left_(s.size()),
          dependents_at_(s.size() + 1, 0) {
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
        for (auto& first : lanes_) {
            Box& box = boxes_.emplace_back(Box{boxes_.size(), std::move(first.first)});
            ++active_;
            box.actor = sg4::Actor::create(fmt::format("lane{}", first.rank), platform_.host(chips_[first.rank]),
                                           [this, &box] { lane(box); });
        }
        sg4::Engine::get_instance()->run();
        for (FlowId f = 0; f < s_.size(); ++f)
            if (stripes_left_[f] != 0 || waiting_[f] != 0)
                throw std::runtime_error(fmt::format("schedule deadlocked: flow {} never finished", f));
    }

    std::vector<FlowTiming> timings() && { return std::move(timing_); }

  private:
    // A communication whose latency the lane waits out itself: route `route` of flow `flow`, to start at `at`; or
    // (route kComputeEnds) a compute flow, to end at `at`.
    static constexpr std::uint32_t kComputeEnds = 0xFFFFFFFFu;
    struct Due {
        double at;
        std::uint64_t order; // ties start in the order they were released (deterministic)
        FlowId flow;
        std::uint32_t route;
        bool operator>(const Due& o) const { return at != o.at ? at > o.at : order > o.order; }
    };

    struct State {
        sg4::Mailbox* mailbox;
        sg4::Host* host;
        std::priority_queue<Due, std::vector<Due>, std::greater<>> due;
        std::uint64_t released = 0;
        std::vector<sg4::CommPtr> comms;         // receiving ends, waited for
        std::vector<sg4::CommPtr> sends;         // sending ends of the same communications, kept until they finish
        std::vector<FlowId> flows;               // flows[i] is what comms[i] carries
        std::vector<FabricZone::LinkImpl*> held; // the slot comms[i] holds, or null
        std::vector<FlowId> ready;               // what a finished flow frees (reused: finished() runs per flow)
    };

    // What a lane is given to release, and how it is woken when idle.
    struct Box {
        std::size_t id; // names the lane's mailbox
        std::vector<FlowId> flows;
        bool quit = false;
        sg4::ActorPtr actor;
    };

    // Body of a lane: release the flows in its box, then start what is due, wait for what this lane started, and
    // release what that frees; then wait idle for more flows, or end with the others.
    void lane(Box& box) {
        State mine{sg4::Mailbox::by_name(fmt::format("lane{}", box.id)), sg4::this_actor::get_host(), {}, 0,
                   {}, {}, {}, {}, {}};
        for (;;) {
            std::vector<FlowId> flows = std::move(box.flows);
            box.flows.clear();
            release(flows, mine);
            drain(mine);
            if (--active_ == 0) { // nothing runs and nothing can release anything: the end
                for (Box* idle : idle_)
                    idle->quit = true, idle->actor->resume();
                idle_.clear();
                return;
            }
            idle_.push_back(&box);
            sg4::this_actor::suspend();
            if (box.quit) return;
        }
    }

    // Starts what is due and waits for what this lane started, releasing what that frees, until nothing is left.
    void drain(State& mine) {
        while (!mine.comms.empty() || !mine.due.empty()) {
            const double now = sg4::Engine::get_clock();
            if (!mine.due.empty() && mine.due.top().at <= now) {
                const Due due = mine.due.top();
                mine.due.pop();
                if (due.route == kComputeEnds)
                    complete(due.flow, mine);
                else
                    transfer(due.flow, due.route, nullptr, 0.0, mine);
                continue;
            }
            if (mine.comms.empty()) { // nothing to wait for but a latency or a compute
                sleep_until(mine.due.top().at);
                continue;
            }
            std::size_t k = 0;
            if (mine.due.empty() && mine.comms.size() == 1) {
                mine.comms[0]->wait(); // the common case, and cheaper than wait_any
            } else {
                const double timeout = mine.due.empty() ? -1.0 : mine.due.top().at - now;
                const auto done = sg4::Comm::wait_any_for(mine.comms, timeout);
                if (done < 0) continue; // something is due
                k = static_cast<std::size_t>(done);
            }
            finished(k, mine);
        }
    }

    // Releases `flows` from this lane while it waits for fewer than kLaneComms communications, and hands the rest,
    // kLaneComms flows at a time, to idle or new lanes (they start them at this instant); with max_lanes_ lanes and
    // none idle, this lane releases the rest itself.
    void release(std::span<const FlowId> flows, State& mine) {
        std::size_t i = 0;
        for (; i < flows.size() && (i == 0 || mine.comms.size() + mine.due.size() < kLaneComms); ++i)
            release(flows[i], mine);
        for (; i < flows.size(); i += kLaneComms) {
            if (idle_.empty() && boxes_.size() >= max_lanes_) {
                for (; i < flows.size(); ++i)
                    release(flows[i], mine);
                break;
            }
            const auto batch = flows.subspan(i, std::min(kLaneComms, flows.size() - i));
            ++active_;
            if (!idle_.empty()) {
                Box* idle = idle_.back();
                idle_.pop_back();
                idle->flows.assign(batch.begin(), batch.end());
                idle->actor->resume();
                continue;
            }
            Box& box = boxes_.emplace_back(Box{boxes_.size(), {batch.begin(), batch.end()}});
            box.actor = sg4::Actor::init(fmt::format("lane{}", box.id), mine.host)
                            ->set_stacksize(kAddedLaneStackKiB)
                            ->start([this, &box] { lane(box); });
        }
    }

    // Cheaper than this_actor::sleep_until (which creates a CPU action): a kernel timer resumes the lane.
    static void sleep_until(double at) {
        sg4::ActorPtr self = sg4::Actor::self();
        simgrid::kernel::timer::Timer::set(at, [self] { self->resume(); });
        sg4::this_actor::suspend();
    }

    void release(FlowId f, State& mine) {
        const auto& routes = platform_.routes(plan_.route_set_of[f]);
        const double now = sg4::Engine::get_clock();
        timing_[f].start_s = now;
        if (s_.flow(f).computes()) { // the chip computes: no communication, only a due time
            mine.due.push({now + s_.flow(f).seconds, mine.released++, f, kComputeEnds});
            return;
        }
        stripes_left_[f] = static_cast<std::uint32_t>(routes.size());
        const double covered = covered_latency(s_, f, [this](FlowId d) { return timing_[d].finish_s; });
        for (std::uint32_t r = 0; r < routes.size(); ++r) {
            const double lead = latency(f, r, covered);
            if (lead <= 0) {
                transfer(f, r, nullptr, 0.0, mine);
            } else if (!free_slots_.empty()) {
                FabricZone::LinkImpl* slot = free_slots_.back();
                free_slots_.pop_back();
                transfer(f, r, slot, lead, mine);
            } else {
                mine.due.push({now + lead, mine.released++, f, r});
            }
        }
    }

    // Route r of flow f pays alpha and its latency once per round (a coalesced flow: Flow::rounds), less the part
    // of the latency `covered` by the flow it follows (sim/engine/streaming.hpp).
    double latency(FlowId f, std::uint32_t r, double covered) const {
        return stripe_lead(s_.flow(f).rounds, alpha_s_ + s_.flow(f).alpha_s,
                           plan_.route_latencies[plan_.route_set_of[f]][r], covered);
    }

    // Starts route r of flow f: through `slot` with latency `lead_s`, or (slot null) at once.
    void transfer(FlowId f, std::uint32_t r, FabricZone::LinkImpl* slot, double lead_s, State& mine) {
        static char token; // mailboxes carry a pointer; nothing reads it
        static char* received;
        const auto& routes = platform_.routes(plan_.route_set_of[f]);
        const auto payload = static_cast<std::uint64_t>(std::llround(s_.flow(f).bytes / routes.size() * kScale));
        platform_.zone().use(mine.host, slot, &routes[r].links, slot ? lead_s : 0.0);
        if (s_.flow(f).op == FlowOp::Reduce && reduction_Bps_ > 0) // each stripe its share of the reduction rate
            mine.sends.push_back(mine.mailbox->put_init(&token, payload)
                                     ->set_rate(reduction_Bps_ / static_cast<double>(routes.size()) * kScale)
                                     ->start());
        else
            mine.sends.push_back(mine.mailbox->put_async(&token, payload));
        mine.comms.push_back(mine.mailbox->get_async<char>(&received));
        mine.flows.push_back(f);
        mine.held.push_back(slot);
    }

    void finished(std::size_t k, State& mine) {
        const FlowId f = mine.flows[k];
        if (mine.held[k]) free_slots_.push_back(mine.held[k]);
        mine.comms[k] = std::move(mine.comms.back());
        mine.comms.pop_back();
        mine.sends[k] = std::move(mine.sends.back());
        mine.sends.pop_back();
        mine.flows[k] = mine.flows.back();
        mine.flows.pop_back();
        mine.held[k] = mine.held.back();
        mine.held.pop_back();
        if (--stripes_left_[f] > 0) return;
        complete(f, mine);
    }

    // Flow f has ended: release what it frees.
    void complete(FlowId f, State& mine) {
        timing_[f].finish_s = sg4::Engine::get_clock();
        count_finished_flows(1);
        mine.ready.clear();
        for (auto d = dependents_at_[f]; d < dependents_at_[f + 1]; ++d)
            if (--waiting_[dependents_[d]] == 0) mine.ready.push_back(dependents_[d]);
        release(mine.ready, mine);
    }

    const Schedule& s_;
    const std::vector<Topology::Vertex>& chips_;
    const LinkPlan& plan_;
    Platform& platform_;
    std::vector<Lane> lanes_;
    double alpha_s_;
    double reduction_Bps_; // cap of a reducing flow (0: none)
    std::size_t max_lanes_; // lanes at most (EngineOptions::max_lanes)
    std::vector<FabricZone::LinkImpl*> free_slots_;
    std::deque<Box> boxes_;   // one per lane (a deque: lanes hold references)
    std::vector<Box*> idle_;  // lanes suspended until given flows
    std::size_t active_ = 0;  // lanes not idle
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
    // Never destroyed: this runs in a child process that exits right after (simulate.cpp), and tearing SimGrid's
    // platform down costs ~2% of a large run.
    auto& engine = *new sg4::Engine(&argc, argv);
    // SimGrid's own SIGINT handler prints its actors' state and calls exit() inside the handler: interrupted in
    // malloc (measured: a Ctrl-C during Mailbox::put_init), it deadlocks, and the parent waits for it forever.
    // The default action ends this child at once; the parent reports the signal (simulate.cpp).
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    std::vector<std::string> settings = default_simgrid_cfg();
    // A communication's own rate (Comm::set_rate, the reduction bandwidth) is applied by CM02 only as
    // min(rate, TCP-gamma / (2 latency)), and not at all with TCP-gamma 0 (measured on 3.32): a window no transfer
    // reaches keeps the rate and changes nothing else.
    if (options.reduction_Bps > 0) {
        settings.emplace_back("network/TCP-gamma:1e300");
        for (const auto& setting : options.simgrid_cfg)
            if (setting.starts_with("network/TCP-gamma"))
                throw InputError(fmt::format("simgrid setting \"{}\": cost.reduction_bandwidth needs snsim's own "
                                             "TCP-gamma (1e300; with a window, SimGrid drops a communication's rate)",
                                             setting));
    }
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
    // Latency and sharing are set per route by snsim (FabricZone), which CM02 alone allows.
    if (simgrid::config::get_value<std::string>("network/model") != "CM02")
        throw InputError(fmt::format("simgrid setting network/model: snsim's engine works with CM02 only (got {})",
                                     simgrid::config::get_value<std::string>("network/model")));
    if (!simgrid::config::is_default("network/latency-factor"))
        throw InputError("simgrid setting network/latency-factor: snsim sets every route's latency itself (cable "
                         "latencies plus cost.alpha); leave it at 1");
    std::vector<Lane> lanes = lanes_of(schedule, options.max_lanes);
    Platform platform(topology, chips, plan, options.alpha_s, lanes.size());
    engine.get_netzone_root()->get_network_model()->set_lat_factor_cb(
        [&zone = platform.zone()](double, const sg4::Host*, const sg4::Host*, const std::vector<sg4::Link*>&,
                                  const std::unordered_set<sg4::NetZone*>&) { return zone.latency_factor(); });
    Driver driver(schedule, chips, plan, platform, std::move(lanes), options);
    driver.run();
    return std::move(driver).timings();
}

} // namespace snsim::engine
