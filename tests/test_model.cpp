// Workloads generated from a model's shape (sim/workload/model.cpp): parameter counts against the published sizes,
// every collective's bytes against the Megatron formulas written out here, FLOPs per token against 6 x parameters.
#include <catch2/catch.hpp>

#include <functional>
#include <map>

#include "sim/workload/model.hpp"
#include "sim/workload/step.hpp"
#include "tests/support.hpp"
#include "topologies/generators/generators.hpp"

using namespace snsim;
using namespace snsim::workload;

namespace {

const ModelShape& shape(const std::string& name) {
    for (const auto& m : model_table())
        if (m.name == name) return m;
    throw std::logic_error("no model " + name);
}

// The ops of a generated workload by name.
std::map<std::string, Op> by_name(const Workload& w) {
    std::map<std::string, Op> out;
    for (const Op& op : w.ops)
        out[op.name] = op;
    return out;
}

// How often each op runs in one step (the product of the repeats around it).
std::map<std::string, double> runs(const Workload& w) {
    std::map<std::string, double> out;
    const std::function<void(const workload::Node&, double)> walk = [&](const workload::Node& n, double times) {
        if (n.op != kNoOp) out[w.ops[n.op].name] += times;
        for (const workload::Node& item : n.items)
            walk(item, times * item.times);
    };
    walk(w.program, 1);
    return out;
}

constexpr double kPeak = 1e15, kMfu = 0.5;

} // namespace

TEST_CASE("model: parameter counts match the published sizes", "[workload][model]") {
    // GPT-3 175B: 12 h^2 per layer (4 h^2 attention, 8 h^2 MLP) and one tied embedding, by hand.
    const double h = 12288;
    CHECK(parameters(shape("gpt3_175b")).total == Approx(96 * 12 * h * h + 50257 * h));
    CHECK(parameters(shape("gpt3_175b")).total == Approx(175e9).epsilon(0.01));
    CHECK(parameters(shape("llama3_70b")).total == Approx(70.6e9).epsilon(0.01));
    CHECK(parameters(shape("llama3_405b")).total == Approx(405.8e9).epsilon(0.01));
    // DeepSeek-V3: 671B in all, 37B activated per token (the report's figures, which count the MTP module apart).
    CHECK(parameters(shape("deepseek_v3")).total == Approx(671e9).epsilon(0.01));
    CHECK(parameters(shape("deepseek_v3")).active == Approx(37e9).epsilon(0.03));
    CHECK(parameters(shape("qwen3_235b_a22b")).total == Approx(235e9).epsilon(0.015));
    CHECK(parameters(shape("qwen3_235b_a22b")).active == Approx(22e9).epsilon(0.05));
}

TEST_CASE("model: GPT-3 175B with tp 8 and pp 8: every collective's bytes by the Megatron formulas, FLOPs per token",
          "[workload][model]") {
    const Workload w = parse_workload("workload:\n  parallel: {tp: 8, pp: 8, dp: 4}\n  model:\n    name: gpt3_175b\n"
                                      "    seq: 2048\n    micro_batch: 1\n    micro_batches: 16\n"
                                      "    peak_flops: 1PFLOPS\n    mfu: 0.5\n",
                                      "gpt3.yaml");
    const auto ops = by_name(w);
    const auto count = runs(w);
    const double b = 1, s = 2048, h = 12288, L = 96, V = 50257, tp = 8, pp = 8, m = 16;
    const double A = b * s * h * 2; // activations of one micro-batch, bf16
    // Tensor parallelism without sequence parallelism: an allreduce of A after attention and after the MLP, in
    // forward and in backward, per layer of the stage and micro-batch.
    for (const char* name :
         {"dense.attn.tp_ar_fwd", "dense.mlp.tp_ar_fwd", "dense.attn.tp_ar_bwd", "dense.mlp.tp_ar_bwd"}) {
        INFO(name);
        REQUIRE(ops.count(name));
        CHECK(ops.at(name).collective == Collective::allreduce);
        CHECK(ops.at(name).group == GroupKind::of(Dim::tp));
        CHECK(ops.at(name).bytes == A);
        CHECK(count.at(name) == m * L / pp);
    }
    // Pipeline: the activations to the next stage in forward, their gradients back.
    for (const char* name : {"pp.send_fwd", "pp.recv_fwd", "pp.send_bwd", "pp.recv_bwd"}) {
        CHECK(ops.at(name).bytes == A);
        CHECK(count.at(name) == m);
    }
    // Data parallelism: one allreduce of the stage's gradients, fp32 (Megatron-LM reduces bf16 gradients in fp32),
    // the parameters split by tp and pp.
    CHECK(ops.at("dp.dense_grads").bytes == Approx((L * 12 * h * h + V * h) / (tp * pp) * 4));
    CHECK(ops.at("dp.dense_grads").group == GroupKind::of(Dim::dp));
    // FLOPs of one micro-batch over the tp x pp ranks of one model replica, per token: 6 x parameters, within 2%
    // (the causal attention scores add 2 s h per layer and token in forward, 1.4% here).
    double flops = 0;
    for (const auto& [name, op] : ops)
        if (op.kind == OpKind::compute) flops += op.seconds * kPeak * kMfu * count.at(name) / m;
    const double per_token = flops * tp * pp / (b * s);
    CHECK(per_token == Approx(6 * parameters(shape("gpt3_175b")).total).epsilon(0.02));
    CHECK(per_token > 6 * parameters(shape("gpt3_175b")).total);
}

TEST_CASE("model: DeepSeek-V3 with ep 32: dispatch and combine alltoalls and gradients by hand", "[workload][model]") {
    const Workload w =
        parse_workload("workload:\n  parallel: {ep: 32}\n  model:\n    name: deepseek_v3\n    seq: 4096\n"
                       "    peak_flops: 1PFLOPS\n    mfu: 0.5\n",
                       "ds.yaml");
    const auto ops = by_name(w);
    const auto count = runs(w);
    const double s = 4096, h = 7168, k = 8, e = 256, fe = 2048, moe = 58, dense = 3;
    // Each rank sends each of its tokens to its top 8 experts and gets them back: bf16 hidden vectors.
    for (const char* name : {"moe.dispatch_fwd", "moe.combine_fwd", "moe.dispatch_bwd", "moe.combine_bwd"}) {
        INFO(name);
        CHECK(ops.at(name).collective == Collective::alltoall);
        CHECK(ops.at(name).group == GroupKind::of(Dim::ep));
        CHECK(ops.at(name).bytes == s * k * h * 2);
        CHECK(count.at(name) == moe);
    }
    CHECK(count.at("dense.attn_fwd") == dense);
    CHECK_FALSE(ops.count("dense.attn.tp_ar_fwd")); // tp 1: no tensor-parallel traffic
    // The routed experts' gradients: 8 experts per rank (256 / 32), 3 matrices of h x 2048 each, 58 layers.
    CHECK(ops.at("dp.expert_grads").bytes == Approx(moe * (e / 32) * 3 * h * fe * 4));
    CHECK(ops.at("dp.expert_grads").group == GroupKind::of(Dim::dp));
    // Everything else (attention, the 3 dense MLPs, shared experts, routers, embeddings) on every data-parallel
    // rank, experts' ranks included: the group kind ep+dp.
    const auto P = parameters(shape("deepseek_v3"));
    CHECK(ops.at("dp.dense_grads").bytes == Approx((P.total - moe * e * 3 * h * fe) * 4));
    CHECK(to_string(ops.at("dp.dense_grads").group) == "ep+dp");
}

TEST_CASE("model: a generated step runs on both engines, and bad models are refused", "[workload][model]") {
    // A small GPT: 8 layers of 1024 on 8 chips, tp 2 x pp 2 x dp 2 with sequence parallelism.
    const Workload w =
        parse_workload("workload:\n  parallel: {tp: 2, pp: 2, dp: 2}\n  model:\n    name: gpt3_175b\n"
                       "    layers: 8\n    hidden: 1024\n    heads: 8\n    head_dim: 128\n"
                       "    ffn: 4096\n    seq: 1024\n    micro_batches: 4\n    sequence_parallel: true\n"
                       "    peak_flops: 100TFLOPS\n",
                       "small.yaml");
    CHECK(by_name(w).count("dense.mlp.tp_rs_fwd"));
    const Topology t = switched({8, 1, 1, 1, {50e9, 300e-9, LinkKind::Electrical}});
    for (EngineKind engine : {EngineKind::simgrid, EngineKind::analytic}) {
        Experiment base;
        base.engine.kind = engine;
        const StepResult r = run_step(w, t, t.nodes_of(NodeKind::Chip), base);
        INFO(to_string(engine) << ": step " << r.step_s * 1e6 << " us, compute " << r.compute_s * 1e6 << " us");
        CHECK(r.step_s > r.compute_s);
        CHECK(r.compute_s > 0);
    }
    const auto refusal = [](const std::string& model) {
        try {
            parse_workload("workload:\n  parallel: {pp: 5}\n  model:\n" + model, "m.yaml");
        } catch (const InputError& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    CHECK(refusal("    name: gpt4\n") == "m.yaml:4: workload.model.name: unknown model; expected one of gpt3_175b, "
                                         "llama3_70b, llama3_405b, deepseek_v3, qwen3_235b_a22b (got \"gpt4\")");
    CHECK(refusal("    name: gpt3_175b\n    peak_flops: 1PFLOPS\n") ==
          "m.yaml:4: workload.model: 96 layers do not split into pp 5 equal stages (every stage runs one program); "
          "give model.layers (got \"gpt3_175b\")");
    CHECK(refusal("    name: gpt3_175b\n    layers: 10\n    mode: serve\n") ==
          "m.yaml:6: workload.model.mode: expected train, prefill or decode (got \"serve\")");
    CHECK(refusal("    name: llama3_70b\n    layers: 5\n    experts: 8\n    peak_flops: 1PFLOPS\n") ==
          "m.yaml:4: workload.model: experts need top_k and expert_ffn of at least 1 (got \"llama3_70b\")");
    CHECK(refusal("    name: gpt3_175b\n    mfu: 2\n") ==
          "m.yaml:5: workload.model.mfu: must be a fraction above 0 and at most 1 (got \"2\")");
}

TEST_CASE("model: MoE with tensor parallelism follows Megatron's rules", "[workload][model]") {
    const auto parsed = [](const std::string& extra) {
        return parse_workload("workload:\n  parallel: {tp: 2, ep: 4}\n  model:\n    name: qwen3_235b_a22b\n"
                              "    layers: 2\n    peak_flops: 1PFLOPS\n" +
                                  extra,
                              "q.yaml");
    };
    // Without sequence parallelism Megatron-LM refuses tp > 1 in MoE layers.
    CHECK_THROWS_WITH(parsed(""), Catch::Contains("MoE layers with tp > 1 need model.sequence_parallel: true"));
    const auto ops = by_name(parsed("    sequence_parallel: true\n"));
    // The tp ranks of one ep rank hold the same experts and route different tokens: their gradients are summed
    // over tp and dp (Megatron's expert data-parallel group).
    CHECK(to_string(ops.at("dp.expert_grads").group) == "tp+dp");
    // With sequence parallelism the backward re-gathers each block's input: two allgathers and a reduce-scatter.
    CHECK(ops.count("moe.attn.tp_ag_bwd"));
    CHECK(ops.count("moe.attn.tp_ag_input_bwd"));
    CHECK(ops.count("moe.attn.tp_rs_bwd"));
    // DeepSeek-V3 on pipeline stages once its dense layers are given as 0.
    const Workload w = parse_workload("workload:\n  parallel: {ep: 8, pp: 61}\n  model:\n    name: deepseek_v3\n"
                                      "    dense_layers: 0\n    peak_flops: 1PFLOPS\n",
                                      "d.yaml");
    CHECK_FALSE(by_name(w).count("dense.attn_fwd"));
}

TEST_CASE("model: without a peak of its own, compute is timed on the config's chip", "[workload][model]") {
    const std::string text = "workload:\n  parallel: {tp: 2}\n  model:\n    name: gpt3_175b\n    layers: 2\n";
    Workload w = parse_workload(text, "m.yaml");
    REQUIRE(w.untimed);
    const Topology t = switched({2, 1, 1, 1, {50e9, 300e-9, LinkKind::Electrical}});
    Experiment base;
    base.engine.kind = EngineKind::analytic;
    CHECK_THROWS_WITH(run_step(w, t, t.nodes_of(NodeKind::Chip), base),
                      "m.yaml:4: workload.model.peak_flops: is missing: give the chip's peak (e.g. 989TFLOPS) here or "
                      "as chip.peak_flops in the config");
    // On a chip of 1 PFLOPS at the default MFU 0.4, as if the workload gave the peak itself.
    base.peak_flops = 1e15;
    const StepResult from_chip = run_step(w, t, t.nodes_of(NodeKind::Chip), base);
    const Workload given = parse_workload(text + "    peak_flops: 1PFLOPS\n", "m.yaml");
    CHECK_FALSE(given.untimed);
    base.peak_flops = 5e14; // the workload's own peak comes first
    const StepResult from_workload = run_step(given, t, t.nodes_of(NodeKind::Chip), base);
    CHECK(from_chip.step_s == Approx(from_workload.step_s).epsilon(1e-12));
    CHECK(from_chip.compute_s == Approx(from_workload.compute_s).epsilon(1e-12));
    time_compute(w, 1e15, 0);
    CHECK_FALSE(w.untimed);
    CHECK(by_name(w).at("dense.mlp_fwd").seconds == Approx(by_name(given).at("dense.mlp_fwd").seconds));
}

TEST_CASE("model: decode and prefill run forward only, decode reads weights and KV cache", "[workload][model]") {
    // Llama-3 70B decoding one token for 4 sequences against a 4,096-token cache, tp 1 x ep 1 on one chip.
    const std::string common = "workload:\n  parallel: {tp: 1}\n  model:\n    name: llama3_70b\n"
                               "    seq: 4096\n    micro_batch: 4\n    peak_flops: 1PFLOPS\n    mfu: 0.5\n";
    const auto decode = by_name(parse_workload(common + "    mode: decode\n    memory_bandwidth: 3.2TB/s\n", "d.yaml"));
    CHECK_FALSE(decode.count("dense.attn_bwd"));
    CHECK_FALSE(decode.count("dp.dense_grads"));
    // Attention, by hand: Q and O are 8192 x (64 x 128) each, K and V 8192 x (8 x 128) each; bf16 weights; the cache
    // holds K and V of 8 heads of 128 for 4 x 4096 positions. Reading them (3.2 TB/s) takes far longer than the
    // 2 x 4 x parameters + 4 x 2 x 4096 x 64 x 256 FLOPs at 0.5 PFLOPS.
    const double attention_params = 2.0 * 8192 * 64 * 128 + 2.0 * 8192 * 8 * 128;
    const double cache = 4.0 * 4096 * 2 * 8 * 128 * 2;
    const double read = (attention_params * 2 + cache) / 3.2e12;
    const double compute = (2 * 4 * attention_params + 4.0 * 2 * 4096 * 64 * 256) / 0.5e15;
    REQUIRE(read > compute);
    CHECK(decode.at("dense.attn_fwd").seconds == Approx(read).epsilon(1e-12));
    // Without a memory bandwidth (here or in the config) decode is timed by its FLOPs alone.
    const auto flops_only = by_name(parse_workload(common + "    mode: decode\n", "d.yaml"));
    CHECK(flops_only.at("dense.attn_fwd").seconds == Approx(compute).epsilon(1e-12));
    // Prefill: the 4 x 4096 prompt tokens forward; logits only for each sequence's last one.
    const auto prefill = by_name(parse_workload(common + "    mode: prefill\n", "p.yaml"));
    CHECK_FALSE(prefill.count("head_bwd"));
    CHECK(prefill.at("head_fwd").seconds == Approx(2.0 * 4 * 128256 * 8192 / 0.5e15).epsilon(1e-12));
    const auto train = by_name(parse_workload(common, "t.yaml"));
    CHECK(train.at("head_fwd").seconds == Approx(2.0 * 4 * 4096 * 128256 * 8192 / 0.5e15).epsilon(1e-12));
}

TEST_CASE("model: DeepSeek-V3 decode dispatches INT8 tokens and combines bf16 ones", "[workload][model]") {
    const auto ops = by_name(parse_workload("workload:\n  parallel: {ep: 8}\n  model:\n    name: deepseek_v3\n"
                                            "    mode: decode\n    micro_batch: 128\n    dispatch_bytes: 1\n"
                                            "    peak_flops: 1PFLOPS\n",
                                            "d.yaml"));
    // 128 tokens a rank, each to 8 experts, 7168 values: 1 byte each out, 2 back.
    CHECK(ops.at("moe.dispatch_fwd").bytes == 128.0 * 8 * 7168);
    CHECK(ops.at("moe.combine_fwd").bytes == 128.0 * 8 * 7168 * 2);
    CHECK(ops.at("moe.dispatch_fwd").collective == Collective::alltoall);
    CHECK_FALSE(ops.count("moe.combine_bwd"));
}
