#pragma once
// From a validated Config to what `snsim run` simulates: the communicator (which chips, in rank order), the
// collective, algorithm and sizes, routing and engine options. Errors point at the key's line.
#include <string>
#include <vector>

#include "sim/config/config.hpp"
#include "sim/engine/cost_model.hpp"
#include "sim/engine/engine.hpp"
#include "sim/routing/router.hpp"

namespace snsim::config {

struct RunRequest {
    std::string collective, algorithm;
    std::vector<double> sizes;
    std::uint32_t root = 0, chunks = 1, channels = 1;
    std::vector<std::uint32_t> dims;
    RoutingOptions routing;
    EngineOptions engine;
    CostModel cost;
};

RunRequest run_request(const Config& config);

// Chips of the communicator in rank order: communicator.count chips from communicator.first, every
// communicator.stride-th, in chip (vertex) order. Chips that faults removed are not there, so ranks re-form
// around them; throws when faults left the chips disconnected.
std::vector<Topology::Vertex> communicator(const Config& config, const Topology& topology);

} // namespace snsim::config
