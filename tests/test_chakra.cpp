// Chakra execution traces (sim/workload/chakra_reader.cpp): ASTRA-sim's published microbenchmarks
// (configs/workloads/chakra/) take snsim run's time for their collective; dependencies between compute and
// communication nodes give a critical path computed by hand; malformed traces are refused with file and node.
#include <catch2/catch.hpp>

#include <filesystem>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "et_def.pb.h"
#include "sim/workload/step.hpp"
#include "tests/support.hpp"
#include "topologies/generators/generators.hpp"

using namespace snsim;
using namespace snsim::workload;
namespace pb = ChakraProtoMsg;

namespace {

const LinkSpec k50{50e9, 300e-9, LinkKind::Electrical};

std::string sample(const std::string& collective) {
    return std::string(SNSIM_SOURCE_DIR) + "/configs/workloads/chakra/" + collective + "/8npus_1MB/" +
           collective;
}

// One rank's file: a varint length before each message, the GlobalMetadata first (Chakra's protoio).
std::string trace(const std::vector<pb::Node>& nodes) {
    std::string out;
    {
        google::protobuf::io::StringOutputStream stream(&out);
        google::protobuf::io::CodedOutputStream coded(&stream);
        pb::GlobalMetadata meta;
        meta.set_version("0.0.4");
        coded.WriteVarint32(static_cast<std::uint32_t>(meta.ByteSizeLong()));
        meta.SerializeToCodedStream(&coded);
        for (const auto& n : nodes) {
            coded.WriteVarint32(static_cast<std::uint32_t>(n.ByteSizeLong()));
            n.SerializeToCodedStream(&coded);
        }
    }
    return out;
}

pb::Node comp(std::uint64_t id, std::uint64_t micros, std::vector<std::uint64_t> data = {},
              std::vector<std::uint64_t> ctrl = {}) {
    pb::Node n;
    n.set_id(id);
    n.set_name(fmt::format("comp{}", id));
    n.set_type(pb::COMP_NODE);
    n.set_duration_micros(micros);
    for (auto d : data)
        n.add_data_deps(d);
    for (auto d : ctrl)
        n.add_ctrl_deps(d);
    return n;
}

pb::Node coll(std::uint64_t id, std::int64_t type, std::int64_t bytes, std::vector<std::uint64_t> data = {},
              std::vector<std::uint64_t> ctrl = {}) {
    pb::Node n;
    n.set_id(id);
    n.set_name(fmt::format("coll{}", id));
    n.set_type(pb::COMM_COLL_NODE);
    auto* t = n.add_attr();
    t->set_name("comm_type");
    t->set_int64_val(type);
    auto* s = n.add_attr();
    s->set_name("comm_size");
    s->set_uint64_val(static_cast<std::uint64_t>(bytes)); // Chakra's generator writes uint64; the samples int64
    for (auto d : data)
        n.add_data_deps(d);
    for (auto d : ctrl)
        n.add_ctrl_deps(d);
    return n;
}

double alone(const Topology& t, Collective c, Algorithm a, double bytes, EngineKind engine) {
    Experiment x;
    x.collective = c;
    x.algorithm = a;
    x.sizes = {bytes};
    x.engine.kind = engine;
    return run_experiment(t, t.nodes_of(NodeKind::Chip), x, [](const report::RunRow&) {}).rows.at(0).time_s;
}

StepResult step(const Workload& w, const Topology& t, EngineKind engine) {
    Experiment base;
    base.engine.kind = engine;
    return run_step(w, t, t.nodes_of(NodeKind::Chip), base);
}

std::string refusal(const std::vector<std::string>& ranks) {
    try {
        chakra_workload(ranks, "t");
    } catch (const InputError& e) {
        return e.what();
    }
    return "accepted";
}

} // namespace

TEST_CASE("chakra: ASTRA-sim's microbenchmark traces take snsim run's time for their collective",
          "[workload][chakra]") {
    const Topology t = switched({8, 1, 1, 1, k50});
    const std::vector<std::tuple<std::string, Collective, Algorithm>> cases = {
        {"all_reduce", Collective::allreduce, Algorithm::ring},
        {"all_gather", Collective::allgather, Algorithm::ring},
        {"reduce_scatter", Collective::reduce_scatter, Algorithm::ring},
        {"all_to_all", Collective::alltoall, Algorithm::direct}};
    for (const auto& [name, collective, algorithm] : cases) {
        // Any rank's file, or the prefix, names the trace.
        const Workload w = read_workload(sample(name) + ".5.et");
        CHECK(w.size[static_cast<std::size_t>(Dim::dp)] == 8);
        REQUIRE(w.ops.size() == 1);
        CHECK(w.ops[0].collective == collective);
        CHECK(w.ops[0].bytes == 1048576);
        for (EngineKind engine : {EngineKind::simgrid, EngineKind::analytic}) {
            if (engine == EngineKind::simgrid && name != "all_reduce") continue;
            const StepResult s = step(w, t, engine);
            INFO(name << " on " << to_string(engine));
            CHECK(s.step_s == Approx(alone(t, collective, algorithm, 1048576, engine)).epsilon(1e-9));
        }
    }
    CHECK(read_workload(sample("all_reduce")).ops.size() == 1);
}

TEST_CASE("chakra: data and control dependencies give the critical path by hand", "[workload][chakra]") {
    // Per rank, written out of order and with ids that are not positions: A (10 us); B (20 us) after A's data;
    // C, an allreduce of 64 MiB, after A by control; D (5 us) after B's data and C's control. A chip computes one
    // thing at a time, so B runs 10-30 us while C runs from 10 us for T, its time alone: D starts at
    // max(30 us, 10 us + T) and the step ends 5 us later.
    const Topology t = switched({4, 1, 1, 1, k50});
    const double S = 64.0 * 1024 * 1024;
    std::vector<std::string> ranks;
    for (int r = 0; r < 4; ++r)
        ranks.push_back(
            trace({comp(40, 5, {20}, {30}), coll(30, pb::ALL_REDUCE, static_cast<std::int64_t>(S), {}, {10}),
                   comp(20, 20, {10}), comp(10, 10)}));
    const Workload w = chakra_workload(ranks, "hand");
    REQUIRE(w.ops.size() == 4);
    CHECK(w.ops[0].name == "n10comp10"); // dependency order
    CHECK(w.ops[3].name == "n40comp40");
    for (EngineKind engine : {EngineKind::simgrid, EngineKind::analytic}) {
        const double T = alone(t, Collective::allreduce, Algorithm::ring, S, engine);
        REQUIRE(T > 20e-6);
        const StepResult s = step(w, t, engine);
        INFO(to_string(engine) << ": T " << T * 1e6 << " us, step " << s.step_s * 1e6 << " us");
        CHECK(s.step_s == Approx(10e-6 + T + 5e-6).epsilon(1e-9));
        CHECK(s.compute_s == Approx(35e-6));
    }
    // The same with C's size cut until B is the longer branch: D then starts at 30 us.
    ranks.clear();
    for (int r = 0; r < 4; ++r)
        ranks.push_back(trace(
            {comp(40, 5, {20}, {30}), coll(30, pb::ALL_REDUCE, 1024, {}, {10}), comp(20, 20, {10}), comp(10, 10)}));
    const StepResult s = step(chakra_workload(ranks, "hand"), t, EngineKind::analytic);
    CHECK(s.step_s == Approx(35e-6).epsilon(1e-9));
}

TEST_CASE("chakra: a metadata node completes at once and does not hold the chip", "[workload][chakra]") {
    // A (1000 us compute) and M (metadata) start together; C (an allreduce) waits for M only. C overlaps A.
    const Topology t = switched({4, 1, 1, 1, k50});
    pb::Node meta;
    meta.set_id(2);
    meta.set_type(pb::METADATA_NODE);
    std::vector<std::string> ranks;
    for (int r = 0; r < 4; ++r)
        ranks.push_back(trace({comp(1, 1000), meta, coll(3, pb::ALL_REDUCE, 1 << 20, {}, {2})}));
    const StepResult s = step(chakra_workload(ranks, "meta"), t, EngineKind::analytic);
    const double T = alone(t, Collective::allreduce, Algorithm::ring, 1 << 20, EngineKind::analytic);
    REQUIRE(T < 1000e-6);
    CHECK(s.step_s == Approx(1000e-6).epsilon(1e-9));
}

TEST_CASE("chakra: malformed traces get one line naming the file and the node", "[workload][chakra][errors]") {
    const std::string ok = trace({comp(1, 10)});
    CHECK(refusal({"garbage\xff\xff"}) == "t.0.et: not a Chakra trace: message 0 at byte 0 says 103 bytes, past the "
                                          "end of the file");
    CHECK(refusal({std::string("\x1f\x8b\x08", 3)}) == "t.0.et: a gzip-compressed trace: gunzip it first");
    CHECK(refusal({""}) == "t.0.et: empty trace: no GlobalMetadata");
    CHECK(refusal({trace({coll(7, 9, 1024)})}) ==
          "t.0.et: node 7.comm_type: expected ALL_REDUCE (0), REDUCE (1), ALL_GATHER (2), BROADCAST (5), ALL_TO_ALL "
          "(6) or REDUCE_SCATTER (7) (got \"9\")");
    CHECK(refusal({trace({coll(7, 0, -5)})}) == "t.0.et: node 7.comm_size: must be 0 to 1 TiB (bytes) (got "
                                                "\"18446744073709551611\")");
    pb::Node send = comp(3, 1);
    send.set_type(pb::COMM_SEND_NODE);
    CHECK(refusal({trace({send})}) ==
          "t.0.et: node 3.type: not read yet: snsim reads COMP_NODE, COMM_COLL_NODE and METADATA_NODE (point-to-point "
          "and memory nodes are refused rather than dropped) (got \"COMM_SEND_NODE\")");
    CHECK(refusal({trace({comp(1, 1, {2}), comp(2, 1, {1})})}) == "t.0.et: node 1: is on a cycle of dependencies");
    CHECK(refusal({trace({comp(1, 1, {9})})}) ==
          "t.0.et: node 1: depends on a node the trace does not hold (got \"9\")");
    CHECK(refusal({trace({comp(1, 1), comp(1, 2)})}) == "t.0.et: node 1: another node has this id");
    CHECK(refusal({ok, trace({comp(1, 11)})}) ==
          "t.1.et: node 1: differs from rank 0's node 1 (the 0th in dependency order): snsim reads traces whose ranks "
          "all run the same program");

    // Through the CLI: one line, exit code 2.
    snsim::test::TempDir dir;
    dir.write("bad.0.et", "not a trace at all");
    const auto r = snsim::test::run_snsim("workload " + dir.file("bad.0.et") + " --config " +
                                          std::string(SNSIM_SOURCE_DIR) + "/configs/presets/hgx_h100.yaml");
    CHECK(r.exit_code == 2);
    CHECK(snsim::test::lines(r.output) == 1);
    CHECK_THAT(r.output, Catch::StartsWith("snsim: error: " + dir.file("bad.0.et") + ": not a Chakra trace"));
}
