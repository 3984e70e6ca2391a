#pragma once
// Workloads generated from a model's published shape (workload.model: docs/workloads.md, "Generated from a model"):
// one training step of a transformer under Megatron-style tensor, pipeline, data and expert parallelism, with every
// collective's bytes from the Megatron-LM formulas and compute as FLOPs / (peak x MFU); or one inference pass,
// prefill (the prompt) or decode (one new token per sequence against a KV cache), whose compute also reads the
// weights and the cache from memory.
#include <string>
#include <vector>

#include "sim/workload/workload.hpp"

namespace snsim::workload {

// A transformer's shape. Attention is multi-head or grouped-query (heads, kv_heads, head_dim), or DeepSeek's
// multi-head latent attention when q_lora > 0. The MLP is gated (SwiGLU: 3 matrices) or not (2). Layers from
// dense_layers on are mixture-of-experts layers when experts > 0.
struct ModelShape {
    std::string name, source; // source: where the numbers come from
    int layers = 0, hidden = 0, heads = 0, kv_heads = 0, head_dim = 0;
    int ffn = 0;       // dense MLP width
    bool gated = true; // SwiGLU
    int vocab = 0;
    bool tied_embeddings = false;
    int q_lora = 0, kv_lora = 0, qk_nope = 0, qk_rope = 0, v_head = 0; // MLA
    int experts = 0, shared_experts = 0, top_k = 0, expert_ffn = 0, dense_layers = 0;
};

// The built-in shapes, each with its source.
const std::vector<ModelShape>& model_table();

enum class ModelMode { train, prefill, decode };

struct ModelRun {
    ModelMode mode = ModelMode::train;
    // seq: tokens per sequence (train, prefill) or the KV cache's context length (decode); micro_batch: sequences
    // per micro-batch (decode: each produces one token); micro_batches: per step on each pipeline.
    std::uint32_t seq = 2048, micro_batch = 1, micro_batches = 1;
    double dtype_bytes = 2;                                       // activations (bf16)
    double grad_bytes = 4; // gradients as reduced: Megatron-LM accumulates and allreduces bf16 gradients in fp32
    bool sequence_parallel = false;
    double dispatch_bytes = 0; // per element of a token sent to its experts (0: dtype_bytes; 1: INT8 dispatch)
    double peak_flops = 0;       // of one chip, FLOP/s (0: the config's chip.peak_flops)
    double mfu = 0.4;            // fraction of peak the compute reaches
    double memory_bandwidth = 0; // of one chip, bytes/s (0: the config's chip.memory_bandwidth, if any)
};

// Parameter counts (norms and biases left out): per layer kind and in all, and those one token activates.
struct ModelParameters {
    double attention = 0, dense_mlp = 0, moe_mlp = 0, moe_active = 0, embeddings = 0;
    double total = 0, active = 0;
};
ModelParameters parameters(const ModelShape& shape);

// Fills w.ops and w.program with one step for the ranks of w.size (tp, ep, dp, pp; dp may be 0). Training: GPipe
// order (every micro-batch forward, then every micro-batch backward), then the data-parallel gradient allreduces.
// Prefill and decode: every micro-batch forward, nothing else (data-parallel replicas serve on their own).
// Compute ops carry their FLOPs and memory bytes, timed at once when run.peak_flops is given, else left to
// time_compute() (w.untimed). Throws InputError at `line` of w.file when the shape cannot be split so (layers not
// divisible by pp, ...).
void generate(const ModelShape& shape, const ModelRun& run, Workload& w, int line);

} // namespace snsim::workload
