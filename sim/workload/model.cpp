#include "sim/workload/model.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "topologies/errors.hpp"

namespace snsim::workload {

const std::vector<ModelShape>& model_table() {
    static const std::vector<ModelShape> table = [] {
        std::vector<ModelShape> t;
        ModelShape gpt3{"gpt3_175b",
                        "Brown et al., Language Models are Few-Shot Learners, arXiv 2005.14165, Table 2.1"};
        gpt3.layers = 96, gpt3.hidden = 12288, gpt3.heads = 96, gpt3.kv_heads = 96, gpt3.head_dim = 128;
        gpt3.ffn = 4 * 12288, gpt3.gated = false, gpt3.vocab = 50257, gpt3.tied_embeddings = true;
        t.push_back(gpt3);
        ModelShape l70{"llama3_70b", "Llama Team, The Llama 3 Herd of Models, arXiv 2407.21783, Table 3"};
        l70.layers = 80, l70.hidden = 8192, l70.heads = 64, l70.kv_heads = 8, l70.head_dim = 128;
        l70.ffn = 28672, l70.vocab = 128256;
        t.push_back(l70);
        ModelShape l405 = l70;
        l405.name = "llama3_405b";
        l405.layers = 126, l405.hidden = 16384, l405.heads = 128, l405.ffn = 53248;
        t.push_back(l405);
        ModelShape ds{"deepseek_v3", "DeepSeek-AI, DeepSeek-V3 Technical Report, arXiv 2412.19437, section 4.2 (and "
                                     "its config.json: MLA ranks, expert width, first 3 layers dense)"};
        ds.layers = 61, ds.hidden = 7168, ds.heads = 128, ds.kv_heads = 128, ds.head_dim = 128;
        ds.q_lora = 1536, ds.kv_lora = 512, ds.qk_nope = 128, ds.qk_rope = 64, ds.v_head = 128;
        ds.ffn = 18432, ds.vocab = 129280;
        ds.experts = 256, ds.shared_experts = 1, ds.top_k = 8, ds.expert_ffn = 2048, ds.dense_layers = 3;
        t.push_back(ds);
        ModelShape qw{"qwen3_235b_a22b", "Qwen Team, Qwen3 Technical Report, arXiv 2505.09388, Table 2 (and the "
                                         "Qwen3-235B-A22B model card: expert width 1536)"};
        qw.layers = 94, qw.hidden = 4096, qw.heads = 64, qw.kv_heads = 4, qw.head_dim = 128, qw.vocab = 151936;
        qw.experts = 128, qw.top_k = 8, qw.expert_ffn = 1536;
        t.push_back(qw);
        return t;
    }();
    return table;
}

namespace {

bool mla(const ModelShape& m) {
    return m.q_lora > 0;
}

double attention_parameters(const ModelShape& m) {
    const double h = m.hidden;
    if (mla(m))
        return h * m.q_lora + 1.0 * m.q_lora * m.heads * (m.qk_nope + m.qk_rope) + h * (m.kv_lora + m.qk_rope) +
               1.0 * m.kv_lora * m.heads * (m.qk_nope + m.v_head) + 1.0 * m.heads * m.v_head * h;
    return h * m.heads * m.head_dim * 2 + 2.0 * h * m.kv_heads * m.head_dim; // Q and O, K and V
}

double mlp_parameters(const ModelShape& m, double width) {
    return (m.gated ? 3.0 : 2.0) * m.hidden * width;
}

// Per token, the attention scores and their weighted values, causal (each query sees half the sequence on
// average): 2 x (s/2) x (qk + v) per head.
double score_flops(const ModelShape& m, double seq) {
    const double qk = mla(m) ? m.qk_nope + m.qk_rope : m.head_dim;
    const double v = mla(m) ? m.v_head : m.head_dim;
    return seq * m.heads * (qk + v);
}

} // namespace

ModelParameters parameters(const ModelShape& m) {
    ModelParameters p;
    p.attention = attention_parameters(m);
    p.dense_mlp = mlp_parameters(m, m.ffn);
    const double expert = mlp_parameters(m, m.expert_ffn);
    if (m.experts > 0) {
        p.moe_mlp = (m.experts + m.shared_experts) * expert + 1.0 * m.hidden * m.experts; // and the router
        p.moe_active = (m.top_k + m.shared_experts) * expert + 1.0 * m.hidden * m.experts;
    }
    p.embeddings = (m.tied_embeddings ? 1.0 : 2.0) * m.vocab * m.hidden;
    const int moe_layers = m.experts > 0 ? m.layers - m.dense_layers : 0;
    const int dense_layers = m.layers - moe_layers;
    p.total = m.layers * p.attention + dense_layers * p.dense_mlp + moe_layers * p.moe_mlp + p.embeddings;
    p.active = m.layers * p.attention + dense_layers * p.dense_mlp + moe_layers * p.moe_active + p.embeddings;
    return p;
}

namespace {

// Builds the program: ops are added once and placed in repeats (micro-batches, layers).
class Generator {
  public:
    Generator(const ModelShape& m, const ModelRun& r, Workload& w, int line) : m_(m), r_(r), w_(w), line_(line) {}

    void run() {
        const auto size = [&](Dim d) { return w_.size[static_cast<std::size_t>(d)]; };
        tp_ = size(Dim::tp), ep_ = size(Dim::ep), pp_ = size(Dim::pp);
        const int moe_layers = m_.experts > 0 ? m_.layers - m_.dense_layers : 0;
        const int dense_layers = m_.layers - moe_layers;
        if (m_.layers % pp_ != 0)
            fail(fmt::format("{} layers do not split into pp {} equal stages (every stage runs one program); give "
                             "model.layers",
                             m_.layers, pp_));
        if (pp_ > 1 && moe_layers > 0 && dense_layers > 0)
            fail("a model with dense and MoE layers on pp > 1: its stages would run different programs; give "
                 "model.dense_layers: 0, or pp 1");
        if (moe_layers == 0 && ep_ > 1) fail(fmt::format("ep {} on a model without experts", ep_));
        if (m_.experts > 0 && m_.experts % ep_ != 0)
            fail(fmt::format("ep {} does not divide the {} experts", ep_, m_.experts));
        if (m_.experts > 0 && (m_.top_k < 1 || m_.expert_ffn < 1))
            fail("experts need top_k and expert_ffn of at least 1");
        if (m_.experts > 0 && m_.top_k > m_.experts) fail("top_k is more than the experts");
        if (m_.heads % tp_ != 0) fail(fmt::format("tp {} does not divide the {} attention heads", tp_, m_.heads));
        // Megatron-LM refuses tensor parallelism in MoE layers without sequence parallelism: each tp rank then
        // routes its own share of the tokens, and the experts' outputs stay sharded as the next block needs them.
        if (moe_layers > 0 && tp_ > 1 && !r_.sequence_parallel)
            fail("MoE layers with tp > 1 need model.sequence_parallel: true (as Megatron-LM requires)");
        const bool train = r_.mode == ModelMode::train, decode = r_.mode == ModelMode::decode;
        // Tokens of one micro-batch: every position (train, prefill) or one new token per sequence (decode).
        const double T = decode ? 1.0 * r_.micro_batch : 1.0 * r_.micro_batch * r_.seq;
        const double A = T * m_.hidden * r_.dtype_bytes; // one micro-batch's activations
        const auto P = parameters(m_);
        const double weight = r_.dtype_bytes;            // bytes per parameter read (weights as computed: bf16)
        // Attention over the context: causal within the sequence (train, prefill), every cached position (decode).
        const double scores = decode ? 2 * score_flops(m_, r_.seq) : score_flops(m_, r_.seq);
        // Decode reads the KV cache of its sequences: MLA's compressed latent (shared by the heads, so every tp
        // rank reads all of it), or K and V of the kv heads (split over tp where there are enough of them).
        const double cache_per_token = mla(m_) ? (m_.kv_lora + m_.qk_rope) * r_.dtype_bytes
                                               : 2.0 * m_.kv_heads * m_.head_dim * r_.dtype_bytes /
                                                     std::min<double>(tp_, std::max(1, m_.kv_heads));
        const double cache = decode ? 1.0 * r_.micro_batch * r_.seq * cache_per_token : 0.0;

        // Forward and backward of one layer of each kind, per micro-batch and rank.
        const auto attn = [&](bool forward) {
            return Work{flops(2 * T * P.attention + T * scores, forward) / tp_, P.attention / tp_ * weight + cache};
        };
        const auto dense_layer = [&](bool f) { // backward: the MLP first
            Node layer;
            layer.times = static_cast<std::uint32_t>(dense_layers / pp_);
            if (f) tp_block(layer, "dense.attn", attn(f), A, f);
            tp_block(layer, "dense.mlp", {flops(2 * T * P.dense_mlp, f) / tp_, P.dense_mlp / tp_ * weight}, A, f);
            if (!f) tp_block(layer, "dense.attn", attn(f), A, f);
            return layer;
        };
        const auto moe_layer = [&](bool f) {
            Node layer;
            layer.times = static_cast<std::uint32_t>(moe_layers / pp_);
            if (f) tp_block(layer, "moe.attn", attn(f), A, f);
            // Tokens a rank routes: a tp group splits them. Each goes to top_k experts and comes back.
            const double sent = T / tp_ * m_.top_k;
            const double dispatched = sent * m_.hidden * (r_.dispatch_bytes > 0 ? r_.dispatch_bytes : r_.dtype_bytes);
            const double combined = sent * m_.hidden * r_.dtype_bytes;
            // Memory: the rank's routed experts that get a token (as many as arrive, under even routing, at most
            // all it holds), the shared ones and the router.
            const double expert = mlp_parameters(m_, m_.expert_ffn);
            const double touched = std::min(1.0 * m_.experts / ep_, sent);
            const Work experts{flops(2 * T * P.moe_active, f) / tp_,
                               (touched + m_.shared_experts) * expert * weight + m_.hidden * m_.experts * weight};
            if (ep_ > 1)
                layer.items.push_back(op(collective(f ? "moe.dispatch_fwd" : "moe.combine_bwd", Collective::alltoall,
                                                    GroupKind::of(Dim::ep), f ? dispatched : combined)));
            layer.items.push_back(op(compute(f ? "moe.experts_fwd" : "moe.experts_bwd", experts)));
            if (ep_ > 1)
                layer.items.push_back(op(collective(f ? "moe.combine_fwd" : "moe.dispatch_bwd", Collective::alltoall,
                                                    GroupKind::of(Dim::ep), f ? combined : dispatched)));
            if (!f) tp_block(layer, "moe.attn", attn(f), A, f);
            return layer;
        };
        // The output layer: every position in training, the last of each sequence in prefill, the new one in
        // decode; shared by the pipeline stages.
        const double logits = train ? T : r_.micro_batch;
        const double head = 2 * logits * m_.vocab * m_.hidden;
        const double head_bytes = m_.vocab * m_.hidden * weight / (tp_ * pp_);
        const double stage_act = A / (r_.sequence_parallel ? tp_ : 1);
        // Forward: every micro-batch through the stage's layers.
        Node fwd;
        fwd.times = r_.micro_batches;
        if (pp_ > 1) fwd.items.push_back(op(pipe("pp.recv_fwd", OpKind::recv, true, stage_act)));
        if (dense_layers > 0) fwd.items.push_back(dense_layer(true));
        if (moe_layers > 0) fwd.items.push_back(moe_layer(true));
        fwd.items.push_back(op(compute("head_fwd", {flops(head, true) / (tp_ * pp_), head_bytes})));
        if (pp_ > 1) fwd.items.push_back(op(pipe("pp.send_fwd", OpKind::send, true, stage_act)));
        w_.program.items.push_back(fwd);
        if (!train) return;
        // Backward: every micro-batch back through them, last layer first.
        Node bwd;
        bwd.times = r_.micro_batches;
        if (pp_ > 1) bwd.items.push_back(op(pipe("pp.recv_bwd", OpKind::recv, false, stage_act)));
        bwd.items.push_back(op(compute("head_bwd", {flops(head, false) / (tp_ * pp_), head_bytes})));
        if (moe_layers > 0) bwd.items.push_back(moe_layer(false));
        if (dense_layers > 0) bwd.items.push_back(dense_layer(false));
        if (pp_ > 1) bwd.items.push_back(op(pipe("pp.send_bwd", OpKind::send, false, stage_act)));
        w_.program.items.push_back(bwd);

        // Gradients: the dense weights (split by tp and pp) are replicated on every data-parallel rank, experts
        // too; the routed experts (split over ep, whole on each tp rank) on the experts' data-parallel ranks.
        const double dense_params =
            (m_.layers * P.attention + dense_layers * P.dense_mlp +
             moe_layers * (P.moe_mlp - 1.0 * m_.experts * mlp_parameters(m_, m_.expert_ffn)) + P.embeddings) /
            (1.0 * tp_ * pp_);
        GroupKind data = GroupKind::of(Dim::dp);
        if (moe_layers > 0) data.dims |= GroupKind::of(Dim::ep).dims;
        w_.program.items.push_back(
            op(collective("dp.dense_grads", Collective::allreduce, data, dense_params * r_.grad_bytes)));
        if (moe_layers > 0) {
            // The tp ranks of an ep rank hold the same experts and route different tokens: Megatron's expert
            // data-parallel group spans tp and dp.
            GroupKind experts = GroupKind::of(Dim::dp);
            if (tp_ > 1) experts.dims |= GroupKind::of(Dim::tp).dims;
            const double expert_params = moe_layers * 1.0 * m_.experts / ep_ * mlp_parameters(m_, m_.expert_ffn) / pp_;
            w_.program.items.push_back(
                op(collective("dp.expert_grads", Collective::allreduce, experts, expert_params * r_.grad_bytes)));
        }
    }

  private:
    [[noreturn]] void fail(const std::string& reason) const {
        throw InputError(located(w_.file, line_, "workload.model", m_.name, reason));
    }

    // Backward is twice the forward's FLOPs (the gradients of inputs and of weights).
    static double flops(double forward_flops, bool forward) { return forward ? forward_flops : 2 * forward_flops; }

    Node op(Op o) {
        o.line = line_;
        w_.ops.push_back(std::move(o));
        return Node{w_.ops.size() - 1, 1, {}};
    }

    // A compute op's work: its FLOPs, and the bytes it reads from memory (inference only: training is timed by its
    // FLOPs, its weights read once per micro-batch against hundreds of FLOPs per byte).
    struct Work {
        double flops = 0, memory_bytes = 0;
    };

    Op compute(const std::string& name, Work work) const {
        Op o;
        o.name = name;
        o.kind = OpKind::compute;
        o.flops = work.flops;
        o.memory_bytes = r_.mode == ModelMode::train ? 0.0 : work.memory_bytes;
        return o;
    }

    Op collective(const std::string& name, Collective c, GroupKind g, double bytes) const {
        Op o;
        o.name = name;
        o.kind = OpKind::collective;
        o.collective = c;
        o.group = g;
        o.bytes = bytes;
        if (bytes > kMaxOpBytes)
            throw InputError(
                located(w_.file, line_, "workload.model", name, "an op moves more than 1 TiB; use more ranks"));
        return o;
    }

    Op pipe(const std::string& name, OpKind kind, bool forward, double bytes) const {
        if (bytes > kMaxOpBytes)
            throw InputError(
                located(w_.file, line_, "workload.model", name, "an op moves more than 1 TiB; use more ranks"));
        Op o;
        o.name = name;
        o.kind = kind;
        o.group = GroupKind::of(Dim::pp);
        o.forward = forward;
        o.bytes = bytes;
        return o;
    }

    // A block (attention or MLP) and its tensor-parallel communication, Megatron's: without sequence parallelism
    // an allreduce of the activations after it (forward) and one in backward; with it, an allgather before and a
    // reduce-scatter after, of the same buffer.
    void tp_block(Node& layer, const std::string& name, Work work, double A, bool forward) {
        const std::string pass = forward ? "_fwd" : "_bwd";
        const bool comm = tp_ > 1;
        if (comm && r_.sequence_parallel)
            layer.items.push_back(
                op(collective(name + ".tp_ag" + pass, Collective::allgather, GroupKind::of(Dim::tp), A)));
        // Backward re-gathers the block's input for its weight gradients (it was not kept): a second allgather.
        if (comm && r_.sequence_parallel && !forward)
            layer.items.push_back(
                op(collective(name + ".tp_ag_input_bwd", Collective::allgather, GroupKind::of(Dim::tp), A)));
        layer.items.push_back(op(compute(name + pass, work)));
        if (comm)
            layer.items.push_back(op(collective(
                name + (r_.sequence_parallel ? ".tp_rs" : ".tp_ar") + pass,
                r_.sequence_parallel ? Collective::reduce_scatter : Collective::allreduce, GroupKind::of(Dim::tp), A)));
    }

    const ModelShape& m_;
    const ModelRun& r_;
    Workload& w_;
    int line_;
    std::uint32_t tp_ = 1, ep_ = 1, pp_ = 1;
};

} // namespace

void generate(const ModelShape& shape, const ModelRun& run, Workload& w, int line) {
    Generator(shape, run, w, line).run();
    w.untimed = ComputeRate{run.peak_flops, run.mfu, run.memory_bandwidth, line};
    if (run.peak_flops > 0) time_compute(w, 0, 0);
}

void time_compute(Workload& w, double peak_flops, double memory_bandwidth) {
    if (!w.untimed) return;
    const ComputeRate rate = *w.untimed;
    const double peak = rate.peak_flops > 0 ? rate.peak_flops : peak_flops;
    const double memory = rate.memory_bandwidth > 0 ? rate.memory_bandwidth : memory_bandwidth;
    if (!(peak > 0))
        throw InputError(located(w.file, rate.line, "workload.model.peak_flops", "",
                                 "is missing: give the chip's peak (e.g. 989TFLOPS) here or as chip.peak_flops in "
                                 "the config"));
    for (Op& o : w.ops) {
        if (o.kind != OpKind::compute || (o.flops == 0 && o.memory_bytes == 0)) continue;
        o.seconds = o.flops / (peak * rate.mfu);
        if (memory > 0) o.seconds = std::max(o.seconds, o.memory_bytes / memory);
        if (o.seconds > kMaxOpSeconds)
            throw InputError(located(w.file, rate.line, "workload.model", o.name,
                                     "an op computes for more than an hour; use more ranks"));
    }
    w.untimed.reset();
}

} // namespace snsim::workload
