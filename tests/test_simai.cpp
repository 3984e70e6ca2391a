// SimAI / ASTRA-sim 1.0 text workloads (sim/workload/simai_reader.cpp), read as published: the two samples of
// configs/workloads/simai/ against hand counts, one layer against the same step written in snsim's own
// format, and malformed lines refused with their line.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <tuple>

#include "sim/workload/placement.hpp"
#include "sim/workload/step.hpp"
#include "tests/support.hpp"
#include "topologies/generators/generators.hpp"

using namespace snsim;
using namespace snsim::workload;

namespace {

std::string sample(const std::string& name) {
    return std::string(SNSIM_SOURCE_DIR) + "/configs/workloads/simai/" + name;
}

GroupKind kind(std::initializer_list<Dim> dims) {
    GroupKind k;
    for (Dim d : dims)
        k.dims |= GroupKind::of(d).dims;
    return k;
}

// (collective, group kind) -> (ops, bytes of one op): every op of the file must fit its key's one size.
using Counts = std::map<std::pair<Collective, std::string>, std::pair<int, double>>;

Counts counts(const Workload& w) {
    Counts out;
    for (const Op& op : w.ops) {
        if (op.kind != OpKind::collective) continue;
        auto& [n, bytes] = out[{op.collective, to_string(op.group)}];
        if (n > 0) CHECK(bytes == op.bytes);
        ++n;
        bytes = op.bytes;
    }
    return out;
}

std::string refusal(const std::string& text) {
    try {
        parse_workload(text, "w.txt");
    } catch (const InputError& e) {
        return e.what();
    }
    return "accepted";
}

} // namespace

TEST_CASE("simai: microAllReduce.txt: one layer, one 512 MiB allreduce over tp 8", "[workload][simai]") {
    const Workload w = read_workload(sample("microAllReduce.txt"));
    CHECK(w.size == std::array<std::uint32_t, 4>{8, 1, 1, 1}); // tp, ep, dp, pp
    // By hand: forward compute 556000 ns, the allreduce, the update time of 1 ns after it; input- and
    // weight-gradient computes of 1 ns; no other comm (NONE).
    REQUIRE(w.ops.size() == 5);
    CHECK(w.ops[0].kind == OpKind::compute);
    CHECK(w.ops[0].seconds == Approx(556e-6));
    CHECK(w.ops[1].kind == OpKind::collective);
    CHECK(w.ops[1].collective == Collective::allreduce);
    CHECK(w.ops[1].group == kind({Dim::tp}));
    CHECK(w.ops[1].bytes == 536870912);
    for (std::size_t i : {2, 3, 4}) {
        CHECK(w.ops[i].kind == OpKind::compute);
        CHECK(w.ops[i].seconds == Approx(1e-9));
    }
    for (const Op& op : w.ops)
        CHECK(op.line == 3);
}

TEST_CASE("simai: workload_ep_test.txt: layers, groups and bytes per comm type and group kind by hand",
          "[workload][simai]") {
    const Workload w = read_workload(sample("workload_ep_test.txt"));
    // Header: tp 4, ep 4, all_gpus 32, pp 1: data-parallel 32 / 4 = 8, of which ep 4, so dp (experts') 2.
    CHECK(w.size == std::array<std::uint32_t, 4>{4, 4, 2, 1});
    std::set<int> lines;
    for (const Op& op : w.ops)
        lines.insert(op.line);
    CHECK(lines.size() == 43); // every layer line has at least one nonzero compute
    CHECK(*lines.begin() == 3);
    CHECK(*lines.rbegin() == 45);

    // Groups as SimAI's MockNcclGroup forms them (TP contiguous; EP: the k-th rank of 4 consecutive TP groups;
    // DP_EP: TP groups 4 apart; DP: every rank of one position in its TP group).
    const Placement p(w, 32);
    CHECK(p.groups(kind({Dim::tp}))[1] == std::vector<Rank>{4, 5, 6, 7});
    CHECK(p.groups(kind({Dim::ep}))[1] == std::vector<Rank>{1, 5, 9, 13});
    CHECK(p.groups(kind({Dim::ep})).back() == std::vector<Rank>{19, 23, 27, 31});
    CHECK(p.groups(kind({Dim::dp}))[0] == std::vector<Rank>{0, 16});
    CHECK(p.groups(kind({Dim::dp}))[5] == std::vector<Rank>{5, 21});
    CHECK(p.groups(kind({Dim::ep, Dim::dp}))[2] == std::vector<Rank>{2, 6, 10, 14, 18, 22, 26, 30});

    // Counted by hand from the file: 7 lines of embedding and gradient comms, then 4 blocks of 9 lines
    // (attention_column, attention_row, 7 mlp_moelayer). Per block, tp allgather 6 (column fwd, row ig, mlp 1 fwd
    // and ig, mlp 4 fwd, mlp 5 ig), tp reduce-scatter 3 (row fwd, mlp 4 ig, mlp 5 fwd; column's ig has 0 bytes:
    // no comm), tp alltoall 4 (mlp 2 and 7, fwd and ig), ep alltoall 4 (mlp 3 and 6). Before them: embedding
    // allreduce twice (embedding_grads ig, embedding_layer fwd) on tp; grad_gather and grad_param_comm in the
    // weight-gradient column, plain: the data-parallel group ep+dp; moe_grad_norm1/2 _DP_EP: dp.
    const Counts want = {
        {{Collective::allgather, "tp"}, {24, 12582912}},        {{Collective::reduce_scatter, "tp"}, {12, 12582912}},
        {{Collective::alltoall, "tp"}, {16, 6291456}},          {{Collective::alltoall, "ep"}, {16, 25165824}},
        {{Collective::allreduce, "tp"}, {2, 12582912}},         {{Collective::allgather, "ep+dp"}, {1, 6291456}},
        {{Collective::reduce_scatter, "ep+dp"}, {1, 12582912}}, {{Collective::allgather, "dp"}, {1, 4718592}},
        {{Collective::reduce_scatter, "dp"}, {1, 9437184}},
    };
    CHECK(counts(w) == want);
}

TEST_CASE("simai: one SimAI layer takes the time of the same step written as an snsim workload", "[workload][simai]") {
    const Topology t = switched({8, 2, 1, 1, {50e9, 300e-9, LinkKind::Electrical}});
    const std::string simai = "HYBRID_TRANSFORMER model_parallel_NPU_group: 8 ep: 1 pp: 1 all_gpus: 8\n1\n"
                              "layer -1 200000 ALLGATHER 8388608 150000 REDUCESCATTER 8388608 100000 ALLREDUCE "
                              "16777216 500\n";
    // SimAI's order: forward compute, its comm (blocking) and the update time; input-gradient compute, comm and
    // update; weight-gradient compute, then its comm (non-blocking) on the data-parallel group (ep+dp: here 1
    // rank, no transfer) and its update.
    const std::string native = R"(workload:
  parallel: {tp: 8}
  program:
    - {name: fwd, compute: 200us}
    - {name: fwd_comm, allgather: tp, bytes: 8MiB}
    - {name: u1, compute: 500ns}
    - {name: ig, compute: 150us}
    - {name: ig_comm, reduce_scatter: tp, bytes: 8MiB}
    - {name: u2, compute: 500ns}
    - {name: wg, compute: 100us}
    - {name: wg_comm, allreduce: ep+dp, bytes: 16MiB}
    - {name: u3, compute: 500ns}
)";
    for (EngineKind engine : {EngineKind::simgrid, EngineKind::analytic}) {
        Experiment base;
        base.engine.kind = engine;
        const auto chips = t.nodes_of(NodeKind::Chip);
        const StepResult a = run_step(parse_workload(simai, "one.txt"), t, chips, base);
        const StepResult b = run_step(parse_workload(native, "one.yaml"), t, chips, base);
        INFO(to_string(engine) << ": SimAI " << a.step_s * 1e6 << " us, snsim " << b.step_s * 1e6 << " us");
        CHECK(a.step_s == Approx(b.step_s).epsilon(1e-12));
        CHECK(a.step_s > 450e-6);
    }
}

TEST_CASE("simai: malformed files get one line naming file, line and field", "[workload][simai][errors]") {
    const std::string head = "HYBRID_TRANSFORMER model_parallel_NPU_group: 2 ep: 1 pp: 1 all_gpus: 2\n";
    const std::string layer = "l -1 10 ALLREDUCE 1024 10 NONE 0 10 NONE 0 1\n";
    CHECK(refusal(head + "1\nl -1 10 ALLREDUCE 1024 10 NONE 0 10 NONE 0\n") ==
          "w.txt:3: expected 12 fields (name, dependency, then compute time, comm type and comm size of the forward, "
          "input-gradient and weight-gradient passes, update time), found 11 (got \"l -1 10 ALLREDUCE 1024 10 NONE 0 "
          "10 NONE 0\")");
    CHECK(refusal(head + "1\nl -1 10 ALLREDUCE_XP 1024 10 NONE 0 10 NONE 0 1\n") ==
          "w.txt:3: fwd_comm_type: unknown comm type; expected ALLREDUCE, ALLGATHER, REDUCESCATTER or ALLTOALL, "
          "plain or with _EP, _DP or _DP_EP, or NONE (got \"ALLREDUCE_XP\")");
    CHECK(refusal(head + "1\nl -1 10 ALLREDUCE -1024 10 NONE 0 10 NONE 0 1\n") ==
          "w.txt:3: fwd_comm_size: must not be negative (got \"-1024\")");
    CHECK(refusal(head + "2\n" + layer) == "w.txt:2: layers: line 2 declares 2 layers but the file has 1 layer lines "
                                           "(got \"2\")");
    CHECK(refusal(head + "1\n" + layer + layer) ==
          "w.txt:4: layers: line 2 declares 1 layers but there are more layer lines (got \"1\")");
    CHECK(refusal("HYBRID_DLRM x: 1\n1\n" + layer) ==
          "w.txt:1: parallelism: expected HYBRID_TRANSFORMER, HYBRID_TRANSFORMER_FWD_IN_BCKWD, DATA or MICRO (the "
          "policies snsim reads of SimAI's; docs/workloads.md) (got \"HYBRID_DLRM\")");
    CHECK(refusal("HYBRID_TRANSFORMER ep: 1\n1\n" + layer) ==
          "w.txt:1: model_parallel_NPU_group: missing: the tensor-parallel size");
    CHECK(refusal("HYBRID_TRANSFORMER model_parallel_NPU_group: 3 all_gpus: 8\n1\n" + layer) ==
          "w.txt:1: all_gpus: is not a multiple of model_parallel_NPU_group x pp = 3 (got \"8\")");
    CHECK(refusal("HYBRID_TRANSFORMER_FWD_IN_BCKWD model_parallel_NPU_group: 2 checkpoints: 1 3\n1\n" + layer) ==
          "w.txt:1: checkpoints: activation recomputation is not simulated; give 0 (and no layer ids) (got \"1\")");
    CHECK(refusal("HYBRID_TRANSFORMER model_parallel_NPU_group: 2 3\n1\n" + layer) ==
          "w.txt:1: expected `key: value` pairs after the parallelism (got \"3\")");
    CHECK(refusal("HYBRID_TRANSFORMER_FWD_IN_BCKWD model_parallel_NPU_group: 2 checkpoints: 1\n1\n" + layer) ==
          "w.txt:1: checkpoints: activation recomputation is not simulated; give 0 (and no layer ids) (got \"1\")");
    CHECK(refusal(head + "1\nl -1 10 ALLREDUCE 1024 1e3 NONE 0 10 NONE 0 1\n") ==
          "w.txt:3: ig_compute: expected a whole number (got \"1e3\")");

    // Through the CLI: one line, exit code 2.
    snsim::test::TempDir dir;
    const auto file = dir.write("bad.txt", head + "1\nl -1 10 ALLTOALL_EP 1024 10 NONE 0 10 NONE\n");
    const auto r = snsim::test::run_snsim("workload " + file + " --config " + std::string(SNSIM_SOURCE_DIR) +
                                          "/configs/presets/hgx_h100.yaml");
    CHECK(r.exit_code == 2);
    CHECK(snsim::test::lines(r.output) == 1);
    CHECK_THAT(r.output, Catch::StartsWith("snsim: error: " + file + ":3: expected 12 fields"));
}

TEST_CASE("simai: the update time delays what follows a comm without holding the chip", "[workload][simai]") {
    // Layer 1's weight-gradient allreduce of 1 GiB is non-blocking: layer 0's 5 ms input-gradient compute hides it.
    // An update time of 1 ns after it must not turn it blocking (it did when the update was a compute).
    const Topology t = switched({8, 1, 1, 1, {50e9, 300e-9, LinkKind::Electrical}});
    const auto file = [](int update) {
        return fmt::format("HYBRID_TRANSFORMER model_parallel_NPU_group: 1 ep: 1 pp: 1 all_gpus: 8\n2\n"
                           "l0 -1 1 NONE 0 5000000 NONE 0 1 NONE 0 {0}\n"
                           "l1 -1 1 NONE 0 1 NONE 0 1 ALLREDUCE 1073741824 {0}\n",
                           update);
    };
    Experiment base;
    base.engine.kind = EngineKind::analytic;
    const auto chips = t.nodes_of(NodeKind::Chip);
    const StepResult none = run_step(parse_workload(file(0), "u0.txt"), t, chips, base);
    const StepResult one = run_step(parse_workload(file(1), "u1.txt"), t, chips, base);
    INFO("update 0: " << none.step_s * 1e6 << " us, update 1 ns: " << one.step_s * 1e6 << " us");
    CHECK(one.step_s == Approx(none.step_s).margin(1e-8));
}
