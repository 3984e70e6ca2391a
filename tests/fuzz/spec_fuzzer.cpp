// libFuzzer target: a sweep spec or an experiment file (the two YAML files that name configs and override their
// keys) -> parse_spec and parse_experiment_file, then each of the first points' overrides applied to a small config,
// so that the spec reader, the bounded YAML loader (aliases, depth, duplicate keys, a second document) and the
// override path see the input. The spec lies in a scratch directory holding mesh.yaml, which seeds name. InputError
// is the expected answer to bad input; anything else escaping (another exception, a crash, UB, a leak, a hang, a
// memory blow-up) is a finding.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "sim/config/config.hpp"
#include "sim/config/experiment_file.hpp"
#include "sim/sweep/spec.hpp"
#include "topologies/errors.hpp"

namespace {

const std::string kMesh = "topology:\n  kind: full_mesh\n  chips: 4\n";

// The scratch directory, made once per process: spec.yaml is never written, only named.
const std::string& directory() {
    static const std::string dir = [] {
        const auto path = std::filesystem::temp_directory_path() / ("snsim-spec-fuzz-" + std::to_string(::getpid()));
        std::filesystem::create_directories(path);
        std::ofstream(path / "mesh.yaml") << kMesh;
        return path.string();
    }();
    return dir;
}

void exercise(const std::string& text) {
    using namespace snsim;
    try {
        (void)config::parse_experiment_file(text, directory() + "/experiment.yaml");
    } catch (const InputError&) {
    }
    const sweep::SweepSpec spec = sweep::parse_spec(text, directory() + "/spec.yaml");
    for (std::size_t i = 0; i < spec.points() && i < 16; ++i) {
        try {
            (void)config::Config::parse(kMesh, directory() + "/mesh.yaml", spec.overrides(spec.point(i)));
        } catch (const InputError&) {
        }
    }
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
