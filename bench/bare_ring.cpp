// Baseline for bench/run_scale: ring allreduce written directly on SimGrid, the way a SimGrid user would
// (one actor per chip, mailboxes, a FullZone with the ring's routes), with snsim's network settings
// (default_simgrid_cfg, the only thing it takes from snsim). Prints one line: chips, flows, simulated seconds,
// wall seconds.
// Usage: bare_ring CHIPS BYTES [BANDWIDTH_Bps LATENCY_s]
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <simgrid/s4u.hpp>
#include <xbt/log.h>

#include "sim/engine/engine.hpp"

namespace sg4 = simgrid::s4u;

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: bare_ring CHIPS BYTES [BANDWIDTH_Bps LATENCY_s]\n");
        return 2;
    }
    const int p = std::stoi(argv[1]);
    const double bytes = std::stod(argv[2]);
    const double bandwidth = argc > 3 ? std::stod(argv[3]) : 50e9;
    const double latency = argc > 4 ? std::stod(argv[4]) : 500e-9;
    const auto wall = std::chrono::steady_clock::now();

    int sg_argc = 1;
    char* sg_argv[] = {argv[0], nullptr};
    xbt_log_control_set("root.thres:critical");
    sg4::Engine e(&sg_argc, sg_argv);
    for (const auto& setting : snsim::default_simgrid_cfg()) // the same network model as snsim's engine
        sg4::Engine::set_config(setting);

    auto* zone = sg4::create_full_zone("ring");
    std::vector<sg4::Host*> hosts;
    for (int i = 0; i < p; ++i)
        hosts.push_back(zone->create_host("c" + std::to_string(i), 1e9)->seal());
    for (int i = 0; i < p; ++i) {
        auto* link = zone->create_link("l" + std::to_string(i), bandwidth)->set_latency(latency)->seal();
        zone->add_route(hosts[i]->get_netpoint(), hosts[(i + 1) % p]->get_netpoint(), nullptr, nullptr,
                        {sg4::LinkInRoute(link)}, false);
    }
    zone->seal();

    const int steps = 2 * (p - 1);
    const double chunk = bytes / p;
    for (int i = 0; i < p; ++i)
        sg4::Actor::create("rank" + std::to_string(i), hosts[i], [i, p, steps, chunk] {
            sg4::Mailbox* next = sg4::Mailbox::by_name("m" + std::to_string((i + 1) % p));
            sg4::Mailbox* mine = sg4::Mailbox::by_name("m" + std::to_string(i));
            static char token;
            for (int s = 0; s < steps; ++s) {
                sg4::CommPtr out = next->put_async(&token, static_cast<uint64_t>(chunk));
                mine->get<char>();
                out->wait();
            }
        });
    e.run();
    const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall).count();
    std::printf("%d %ld %.9g %.3f\n", p, static_cast<long>(p) * steps, sg4::Engine::get_clock(), wall_s);
    return 0;
}
