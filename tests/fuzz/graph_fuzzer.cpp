// libFuzzer target: graph file bytes -> both readers (GraphML and YAML edge list, chosen by extension as
// `topology.kind: custom` does) -> the connectivity check. InputError is the expected answer to bad input;
// anything else escaping (another exception, a crash, UB, a leak, a hang) is a finding. The readers take a path,
// so each input is written to a scratch file first.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <unistd.h>

#include "topologies/errors.hpp"
#include "topologies/generators/generators.hpp"

namespace {

void read_as(const std::string& extension, const std::uint8_t* data, std::size_t size) {
    // One scratch file per process: libFuzzer's -jobs/-workers run several at once.
    const std::string path =
        (std::filesystem::temp_directory_path() / fmt::format("snsim-graph-fuzz-{}{}", ::getpid(), extension)).string();
    std::ofstream(path, std::ios::binary | std::ios::trunc)
        .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    // 50 GB/s, 100 ns cables by default; at most 100,000 cables, so an edge `count` cannot make a huge graph.
    const snsim::CustomParams params{path, snsim::LinkSpec{50e9, 100e-9, snsim::LinkKind::Electrical}, 1e5};
    try {
        snsim::custom(params);
    } catch (const snsim::InputError&) {
        // The documented answer to bad input.
    }
    std::filesystem::remove(path);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    read_as(".graphml", data, size);
    read_as(".yaml", data, size);
    return 0;
}
