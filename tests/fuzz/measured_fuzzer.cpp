// libFuzzer target: bytes -> the measured-data reader of snsim calibrate (nccl-tests / rccl-tests text or a CSV
// size_bytes,busbw_gbps). InputError is the expected answer to bad input; anything else escaping (another
// exception, a crash, UB, a leak, a hang) is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/calibration/measured.hpp"
#include "topologies/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        snsim::calibration::parse_measured(std::string(reinterpret_cast<const char*>(data), size), "fuzz");
    } catch (const snsim::InputError&) {
        // The documented answer to bad input.
    }
    return 0;
}
