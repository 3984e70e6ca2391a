// libFuzzer target: bytes as one rank's Chakra execution trace -> chakra_workload (the framing, the protobuf
// messages, the node attributes, the dependency order) -> the unrolled program. Seeds: the rank-0 files of
// ASTRA-sim's microbenchmarks. InputError is the expected answer to bad input; anything else escaping (another
// exception, a crash, UB, a leak, a hang, a memory blow-up) is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/workload/lower.hpp"
#include "topologies/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto w =
            snsim::workload::chakra_workload({std::string(reinterpret_cast<const char*>(data), size)}, "fuzz");
        (void)snsim::workload::unroll(w);
    } catch (const snsim::InputError&) {
        // The documented answer to bad input.
    }
    return 0;
}
