// libFuzzer target: workload text (snsim YAML or SimAI text: parse_workload tells them apart) -> parse_workload -> placement on 8 chips -> lowering onto an 8-chip switch,
// so that the reader, the unrolling, the send/recv pairing and the symbolic execution see the input. InputError
// is the expected answer to bad input; anything else escaping (another exception, a crash, UB, a leak, a hang)
// is a finding. Lowering is skipped for programs of more than 20,000 runs (each input should take milliseconds).
#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/workload/lower.hpp"
#include "topologies/errors.hpp"
#include "topologies/generators/generators.hpp"

namespace {

void exercise(const std::string& text) {
    using namespace snsim;
    static const Topology t = switched({8, 1, 1, 1, {100e9, 1e-7, LinkKind::Electrical}});
    const workload::Workload w = workload::parse_workload(text, "fuzz.yaml");
    const workload::Placement placement(w, 8);
    if (workload::unroll(w).size() > 20000) return;
    Router router(t, {});
    Experiment base;
    workload::lower(w, placement, t, router, t.nodes_of(NodeKind::Chip), base);
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
