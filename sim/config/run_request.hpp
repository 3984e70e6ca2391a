#pragma once
// From a validated Config to what `snsim run` simulates: the collective, algorithm and sizes, routing and engine
// options (the communicator is sim/config/communicator.hpp). Errors point at the key's line.
#include <string>
#include <vector>

#include "sim/config/communicator.hpp"
#include "sim/config/config.hpp"
#include "sim/engine/cost_model.hpp"
#include "sim/engine/engine.hpp"
#include "sim/routing/router.hpp"

namespace snsim::config {

struct RunRequest {
    std::string collective, algorithm;
    std::vector<double> sizes;
    bool sizes_per_pair = false; // collective.size_per: pair
    std::uint32_t root = 0, chunks = 0, channels = 1; // chunks 0: the algorithm's choice (run_experiment)
    std::vector<std::uint32_t> dims;
    RoutingOptions routing;
    EngineOptions engine;
    CostModel cost;
    double peak_flops = 0, memory_bandwidth = 0; // chip.*: 0 = not given
};

RunRequest run_request(const Config& config);

} // namespace snsim::config
