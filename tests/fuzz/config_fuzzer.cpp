// libFuzzer target: YAML config text -> Config::parse -> run request, topology and communicator, so that every
// validator behind `snsim run` sees the input. Documented input errors (InputError and its subclasses) are the
// expected answer to bad input; anything else escaping (another exception, a crash, UB, a leak, a hang) is a
// finding. Custom graph files are not read here: graph_fuzzer covers the readers. An `include` is read from disk,
// relative to the working directory (the input is named fuzz.yaml).
#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/config/config.hpp"
#include "sim/config/run_request.hpp"
#include "sim/config/topology_request.hpp"
#include "topologies/errors.hpp"

namespace {

// Graphs stay small so that each input takes milliseconds, whatever limits.graph_memory the input asks for.
constexpr double kFuzzGraphMemory = 4.0 * 1024 * 1024;

void exercise(const std::string& text) {
    using snsim::config::Config;
    Config config = Config::parse(text, "fuzz.yaml");
    snsim::config::run_request(config);
    if (config.kind() == "custom") return;
    if (config.real("limits.graph_memory") > kFuzzGraphMemory)
        config = Config::parse(text, "fuzz.yaml", {{"limits.graph_memory", "4MiB"}});
    const snsim::Topology topology = snsim::config::build_topology(config);
    snsim::config::communicator(config, topology);
    snsim::config::hop_options(config);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        exercise(std::string(reinterpret_cast<const char*>(data), size));
    } catch (const snsim::InputError&) {
        // The documented answer to bad input.
    }
    return 0;
}
