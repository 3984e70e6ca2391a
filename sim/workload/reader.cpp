// Reads a workload file (docs/workloads.md) into a Workload, checking every key and value where it is written.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include "sim/workload/model.hpp"
#include "sim/workload/workload.hpp"
#include "topologies/errors.hpp"
#include "topologies/io/bounded_file.hpp"
#include "topologies/io/bounded_yaml.hpp"
#include "topologies/units.hpp"

namespace snsim::workload {
namespace {

constexpr std::size_t kMaxOps = 10000;       // op entries in a file, aliases counted where used
constexpr std::uint32_t kMaxTimes = 1000000; // one repeat

const std::set<std::string> kOpKeys{"name",     "compute",   "allreduce", "reduce_scatter", "allgather",
                                    "alltoall", "broadcast", "reduce",    "send",           "recv",
                                    "bytes",    "algorithm", "after"};

class Reader {
  public:
    explicit Reader(std::string file) { w_.file = std::move(file); }

    Workload read(const YAML::Node& root) {
        if (!root.IsMap()) fail(root, "", "a workload file is a map with the key workload");
        for (const auto& kv : root)
            if (key_of(kv.first) != "workload")
                fail(kv.first, key_of(kv.first), "unknown key; the file has one key, workload");
        const YAML::Node top = root["workload"];
        if (!top || !top.IsMap()) fail(top ? top : root, "workload", "must be a map (name, parallel, order, program)");
        for (const auto& kv : top) {
            const std::string key = key_of(kv.first);
            if (key != "name" && key != "parallel" && key != "order" && key != "placement" && key != "program" &&
                key != "model")
                fail(kv.first, "workload." + key,
                     "unknown key; expected name, parallel, order, placement, program or model");
        }
        w_.name = top["name"] ? scalar(top["name"], "workload.name") : std::filesystem::path(w_.file).stem().string();
        if (top["parallel"]) parallel(top["parallel"]);
        if (top["order"]) order(top["order"]);
        if (const YAML::Node p = top["placement"]) {
            const std::string value = scalar(p, "workload.placement");
            if (value != "strict" && value != "loose")
                fail(p, "workload.placement", "expected strict (every tp group in one rack) or loose", value);
            w_.strict = value == "strict";
            w_.placement_line = p.Mark().is_null() ? 0 : p.Mark().line + 1;
        }
        if (top["model"]) {
            if (top["program"]) fail(top["program"], "workload.program", "give a program or a model, not both");
            model(top["model"]);
            return std::move(w_);
        }
        if (!top["program"]) fail(top, "workload.program", "is missing: the ops every rank runs (or give a model)");
        w_.program = sequence(top["program"], "workload.program", 1);
        resolve_afters();
        if (w_.ops.empty()) fail(top["program"], "workload.program", "has no op");
        return std::move(w_);
    }

  private:
    [[noreturn]] void fail(const YAML::Node& n, const std::string& key, const std::string& reason,
                           const std::string& value = "") const {
        const int line = n.Mark().is_null() ? 0 : n.Mark().line + 1;
        throw InputError(located(w_.file, line, key, value, reason));
    }

    // A map key, which YAML lets be a list or a map: refused unless it is a plain value.
    std::string key_of(const YAML::Node& n) const {
        if (!n.IsScalar()) fail(n, "", "a key must be a name, not a list or a map");
        return n.Scalar();
    }

    std::string scalar(const YAML::Node& n, const std::string& key) const {
        if (!n.IsScalar()) fail(n, key, "must be a single value");
        return n.Scalar();
    }

    std::uint32_t count(const YAML::Node& n, const std::string& key, std::uint32_t most) const {
        const std::string text = scalar(n, key);
        std::size_t used = 0;
        long long v = 0;
        try {
            v = std::stoll(text, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != text.size() || text.empty()) fail(n, key, "must be a whole number", text);
        if (v < 1 || v > most) fail(n, key, fmt::format("must be from 1 to {}", most), text);
        return static_cast<std::uint32_t>(v);
    }

    double quantity(const YAML::Node& n, const std::string& key, units::Quantity q, double most) const {
        const std::string text = scalar(n, key);
        double v = 0;
        try {
            v = units::parse(q, text);
        } catch (const units::UnitError& e) {
            fail(n, key, e.what(), text);
        }
        if (v < 0 || v > most)
            fail(n, key,
                 fmt::format("must be from 0 to {}",
                             q == units::Quantity::Time ? units::format_time(most) : units::format_bytes(most)),
                 text);
        return v;
    }

    void parallel(const YAML::Node& n) {
        if (!n.IsMap()) fail(n, "workload.parallel", "must be a map such as {tp: 8, pp: 4}");
        w_.parallel_line = n.Mark().is_null() ? 0 : n.Mark().line + 1;
        for (const auto& kv : n) {
            const std::string name = key_of(kv.first);
            const auto dim = dim_from(name);
            const std::string key = "workload.parallel." + name;
            if (!dim) fail(kv.first, key, "unknown dimension; expected tp, ep, dp or pp");
            w_.size[static_cast<std::size_t>(*dim)] = count(kv.second, key, kMaxDimSize);
        }
    }

    // workload.model: a shape from the table (model.hpp), its fields overridable, and the run's settings.
    void model(const YAML::Node& n) {
        const std::string at = "workload.model";
        if (!n.IsMap()) fail(n, at, "must be a map such as {name: gpt3_175b, seq: 2048, peak_flops: 989TFLOPS}");
        if (!n["name"]) fail(n, at + ".name", "is missing: one of the built-in models (docs/workloads.md)");
        const std::string name = scalar(n["name"], at + ".name");
        const ModelShape* found = nullptr;
        for (const auto& m : model_table())
            if (m.name == name) found = &m;
        if (!found) {
            std::vector<std::string> names;
            for (const auto& m : model_table())
                names.push_back(m.name);
            fail(n["name"], at + ".name", fmt::format("unknown model; expected one of {}", fmt::join(names, ", ")),
                 name);
        }
        ModelShape shape = *found;
        ModelRun run;
        const std::map<std::string, int*> shape_ints = {
            {"layers", &shape.layers},     {"hidden", &shape.hidden},         {"heads", &shape.heads},
            {"kv_heads", &shape.kv_heads}, {"head_dim", &shape.head_dim},     {"ffn", &shape.ffn},
            {"vocab", &shape.vocab},       {"experts", &shape.experts},       {"shared_experts", &shape.shared_experts},
            {"top_k", &shape.top_k},       {"expert_ffn", &shape.expert_ffn}, {"dense_layers", &shape.dense_layers}};
        for (const auto& kv : n) {
            const std::string key = key_of(kv.first);
            const std::string where = at + "." + key;
            if (key == "name") continue;
            if (const auto it = shape_ints.find(key); it != shape_ints.end()) {
                // A model may have no experts, no shared one, no dense layer: those three may be 0.
                const bool zero = key == "experts" || key == "shared_experts" || key == "dense_layers";
                *it->second =
                    zero && scalar(kv.second, where) == "0" ? 0 : static_cast<int>(count(kv.second, where, 1 << 24));
            } else if (key == "seq") {
                run.seq = count(kv.second, where, 1 << 24);
            } else if (key == "micro_batch") {
                run.micro_batch = count(kv.second, where, 1 << 16);
            } else if (key == "micro_batches") {
                run.micro_batches = count(kv.second, where, 1 << 16);
            } else if (key == "dtype_bytes") {
                run.dtype_bytes = count(kv.second, where, 8);
            } else if (key == "grad_bytes") {
                run.grad_bytes = count(kv.second, where, 8);
            } else if (key == "sequence_parallel") {
                const std::string v = scalar(kv.second, where);
                if (v != "true" && v != "false") fail(kv.second, where, "expected true or false", v);
                run.sequence_parallel = v == "true";
            } else if (key == "peak_flops") {
                run.peak_flops = flops(kv.second, where);
            } else if (key == "mfu") {
                const std::string v = scalar(kv.second, where);
                double x = 0;
                const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
                if (ec != std::errc() || end != v.data() + v.size() || !(x > 0 && x <= 1))
                    fail(kv.second, where, "must be a fraction above 0 and at most 1", v);
                run.mfu = x;
            } else if (key == "mode") {
                const std::string v = scalar(kv.second, where);
                if (v == "train") run.mode = ModelMode::train;
                else if (v == "prefill") run.mode = ModelMode::prefill;
                else if (v == "decode") run.mode = ModelMode::decode;
                else fail(kv.second, where, "expected train, prefill or decode", v);
            } else if (key == "dispatch_bytes") {
                run.dispatch_bytes = count(kv.second, where, 8);
            } else if (key == "memory_bandwidth") {
                const std::string v = scalar(kv.second, where);
                try {
                    run.memory_bandwidth = units::parse_bandwidth(v);
                } catch (const units::UnitError& e) {
                    fail(kv.second, where, e.what(), v);
                }
                if (!(run.memory_bandwidth > 0)) fail(kv.second, where, "must be positive", v);
            } else {
                fail(kv.first, where,
                     "unknown key; expected name, mode, seq, micro_batch, micro_batches, dtype_bytes, grad_bytes, "
                     "dispatch_bytes, sequence_parallel, peak_flops, mfu, memory_bandwidth, or a shape field (layers, "
                     "hidden, heads, kv_heads, head_dim, ffn, vocab, experts, shared_experts, top_k, expert_ffn, "
                     "dense_layers)");
            }
        }
        if (shape.dense_layers > shape.layers)
            fail(n, at + ".dense_layers", "is more than the layers", std::to_string(shape.dense_layers));
        if (shape.experts > 0 && shape.top_k > shape.experts)
            fail(n, at + ".top_k", "is more than the experts", std::to_string(shape.top_k));
        if (w_.name == std::filesystem::path(w_.file).stem().string()) w_.name = shape.name;
        generate(shape, run, w_, n.Mark().is_null() ? 0 : n.Mark().line + 1);
    }

    // "989TFLOPS", "2.5PFLOPS": FLOP/s (topologies/units.hpp), at least 1 GFLOPS.
    double flops(const YAML::Node& n, const std::string& key) const {
        const std::string text = scalar(n, key);
        double x = 0;
        try {
            x = units::parse_flops(text);
        } catch (const units::UnitError& e) {
            fail(n, key, e.what(), text);
        }
        if (x < 1e9) fail(n, key, "must be at least 1 GFLOPS", text);
        return x;
    }

    void order(const YAML::Node& n) {
        if (!n.IsSequence() || n.size() != kDims.size())
            fail(n, "workload.order", "must list the four dimensions, fastest first, such as [tp, ep, dp, pp]");
        std::set<Dim> seen;
        for (std::size_t i = 0; i < n.size(); ++i) {
            const std::string name = scalar(n[i], "workload.order");
            const auto dim = dim_from(name);
            if (!dim) fail(n[i], "workload.order", "unknown dimension; expected tp, ep, dp or pp", name);
            if (!seen.insert(*dim).second) fail(n[i], "workload.order", "names a dimension twice", name);
            w_.order[i] = *dim;
        }
    }

    Node sequence(const YAML::Node& n, const std::string& key, int depth) {
        if (!n.IsSequence()) fail(n, key, "must be a list of ops and repeats");
        Node node;
        for (const auto& item : n)
            node.items.push_back(entry(item, key, depth));
        return node;
    }

    Node entry(const YAML::Node& n, const std::string& key, int depth) {
        if (!n.IsMap())
            fail(n, key, "each entry is a map: an op (compute: 1ms) or a repeat (repeat: 4, program: [...])");
        if (n["repeat"]) {
            for (const auto& kv : n) {
                const std::string k = key_of(kv.first);
                if (k != "repeat" && k != "program")
                    fail(kv.first, key + "." + k, "unknown key in a repeat; expected repeat and program");
            }
            if (depth >= kMaxDepth) fail(n, key + ".repeat", fmt::format("repeats nest at most {} deep", kMaxDepth));
            if (!n["program"]) fail(n, key + ".program", "is missing: the ops to repeat");
            Node block = sequence(n["program"], key + ".program", depth + 1);
            block.times = count(n["repeat"], key + ".repeat", kMaxTimes);
            if (block.items.empty()) fail(n["program"], key + ".program", "has no op");
            return block;
        }
        return Node{op(n, key)};
    }

    std::size_t op(const YAML::Node& n, const std::string& key) {
        if (w_.ops.size() >= kMaxOps) fail(n, key, fmt::format("has more than {} ops", kMaxOps));
        Op op;
        op.line = n.Mark().is_null() ? 0 : n.Mark().line + 1;
        std::string kind_key;
        for (const auto& kv : n) {
            const std::string k = key_of(kv.first);
            if (!kOpKeys.count(k))
                fail(kv.first, key + "." + k,
                     "unknown key in an op; an op is compute, a collective (allreduce, reduce_scatter, allgather, "
                     "alltoall, broadcast, reduce), send or recv, with name, bytes, algorithm and after");
            if (k == "name" || k == "bytes" || k == "algorithm" || k == "after") continue;
            if (!kind_key.empty())
                fail(kv.first, key + "." + k, fmt::format("an op has one kind; this one is {}", kind_key));
            kind_key = k;
        }
        if (kind_key.empty()) fail(n, key, "an op needs its kind: compute, a collective, send or recv");
        const std::string where = key + "." + kind_key;
        const YAML::Node value = n[kind_key];
        if (kind_key == "compute") {
            op.kind = OpKind::compute;
            op.seconds = quantity(value, where, units::Quantity::Time, kMaxOpSeconds);
        } else if (kind_key == "send" || kind_key == "recv") {
            op.kind = kind_key == "send" ? OpKind::send : OpKind::recv;
            op.group = GroupKind::of(Dim::pp);
            const std::string to = scalar(value, where);
            if (to != "next" && to != "prev") fail(value, where, "names the pipeline neighbour: next or prev", to);
            op.forward = (op.kind == OpKind::send) == (to == "next");
        } else {
            op.kind = OpKind::collective;
            op.collective = *collective_from(kind_key);
            const std::string group = scalar(value, where);
            const auto kind = group_from(group);
            if (!kind)
                fail(value, where, "names the group kind: tp, ep, dp or pp, or several joined by + (ep+dp)", group);
            op.group = *kind;
        }
        if (op.kind != OpKind::compute) {
            if (!n["bytes"]) fail(n, key + ".bytes", fmt::format("is missing: {} needs the bytes it moves", kind_key));
            op.bytes = quantity(n["bytes"], key + ".bytes", units::Quantity::Bytes, kMaxOpBytes);
        } else if (n["bytes"]) {
            fail(n["bytes"], key + ".bytes", "a compute op moves no bytes");
        }
        if (n["algorithm"]) {
            const std::string name = scalar(n["algorithm"], key + ".algorithm");
            if (op.kind != OpKind::collective) fail(n["algorithm"], key + ".algorithm", "only a collective has one");
            op.algorithm = algorithm_from(name);
            if (!op.algorithm) fail(n["algorithm"], key + ".algorithm", "unknown algorithm", name);
            if (!supports(*op.algorithm, op.collective))
                fail(n["algorithm"], key + ".algorithm", fmt::format("does not implement {}", to_string(op.collective)),
                     name);
        }
        op.name = n["name"] ? scalar(n["name"], key + ".name") : fmt::format("{}#{}", kind_key, w_.ops.size());
        if (n["name"]) {
            const bool plain = std::all_of(op.name.begin(), op.name.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
            });
            if (op.name.empty() || op.name.size() > 64 || !plain)
                fail(n["name"], key + ".name", "must be 1 to 64 letters, digits, '_', '-' or '.'", op.name);
            if (!names_.emplace(op.name, w_.ops.size()).second)
                fail(n["name"], key + ".name", "names another op already", op.name);
        }
        if (n["after"]) {
            const YAML::Node after = n["after"];
            if (!after.IsSequence()) fail(after, key + ".after", "must be a list of op names ([] for none)");
            op.after.emplace();
            for (const auto& name : after)
                afters_.push_back({w_.ops.size(), scalar(name, key + ".after"), name, key + ".after"});
        }
        w_.ops.push_back(std::move(op));
        return w_.ops.size() - 1;
    }

    // Names in `after` may be of ops written later (in a repeat, the op's run of the previous round).
    void resolve_afters() {
        for (const auto& a : afters_) {
            const auto it = names_.find(a.name);
            if (it == names_.end()) fail(a.node, a.key, "names no op of the program", a.name);
            w_.ops[a.op].after->push_back(it->second);
        }
    }

    struct After {
        std::size_t op;
        std::string name;
        YAML::Node node;
        std::string key;
    };
    std::vector<After> afters_;

    Workload w_;
    std::map<std::string, std::size_t> names_;
};

} // namespace

std::string_view to_string(Dim dim) {
    static constexpr std::array<std::string_view, 4> names{"tp", "ep", "dp", "pp"};
    return names[static_cast<std::size_t>(dim)];
}

std::string to_string(GroupKind kind) {
    std::string out;
    for (Dim d : kDims)
        if (kind.spans(d)) out += (out.empty() ? "" : "+") + std::string(to_string(d));
    return out;
}

std::optional<GroupKind> group_from(std::string_view text) {
    GroupKind kind;
    while (true) {
        const auto plus = text.find('+');
        const auto dim = dim_from(text.substr(0, plus));
        if (!dim || kind.spans(*dim)) return std::nullopt;
        kind.dims |= GroupKind::of(*dim).dims;
        if (plus == std::string_view::npos) return kind;
        text.remove_prefix(plus + 1);
    }
}

std::optional<Dim> dim_from(std::string_view name) {
    for (Dim d : kDims)
        if (to_string(d) == name) return d;
    return std::nullopt;
}

Workload parse_workload(const std::string& text, const std::string& file) {
    if (is_simai(text)) return parse_simai(text, file);
    const YAML::Node root = load_yaml(
        text, [&](int line, const std::string& reason) { return InputError(located(file, line, "", "", reason)); });
    try {
        return Reader(file).read(root);
    } catch (const YAML::Exception& e) { // a conversion the checks above did not foresee: still the input's fault
        throw InputError(located(file, e.mark.is_null() ? 0 : e.mark.line + 1, "", "", "malformed YAML: " + e.msg));
    }
}

Workload read_workload(const std::string& path) {
    if (is_chakra(path)) return read_chakra(path);
    const std::string text = read_bounded(
        path, "workload file", [&](const std::string& reason) { return InputError(located(path, 0, "", "", reason)); });
    return parse_workload(text, path);
}

} // namespace snsim::workload
