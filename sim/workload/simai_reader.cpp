// Reads a SimAI / ASTRA-sim 1.0 text workload (the files Alibaba's AICB generates) into a Workload, with the
// semantics of SimAI's own reader and executor (aliyun/SimAI, astra-sim-alibabacloud/astra-sim/workload/
// Workload.cc, Layer.cc; system/MockNcclGroup.cc for the groups). docs/workloads.md, "SimAI workloads", lists
// what is taken from where and where snsim departs from it.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "sim/workload/workload.hpp"
#include "topologies/errors.hpp"

namespace snsim::workload {
namespace {

constexpr std::size_t kMaxLayers = 100000;     // layer lines (the largest published file has 1,789)
constexpr double kMaxNs = kMaxOpSeconds * 1e9; // one compute or update time, as native workloads

const std::vector<std::string_view> kPolicies = {"HYBRID_TRANSFORMER", "HYBRID_TRANSFORMER_FWD_IN_BCKWD", "DATA",
                                                 "MICRO"};

std::vector<std::string_view> tokens(std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i])))
            ++i;
        const std::size_t start = i;
        while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i])))
            ++i;
        if (i > start) out.push_back(line.substr(start, i - start));
    }
    return out;
}

// The three passes of a layer: forward, input gradient, weight gradient.
enum class Pass { fwd, ig, wg };

struct Comm {
    bool some = false; // NONE, or a size of 0: no collective
    Collective collective = Collective::allreduce;
    GroupKind group;
    double bytes = 0;
    std::string type; // as written
};

struct Layer {
    std::string name;
    int line = 0;
    double compute_ns[3] = {0, 0, 0};
    Comm comm[3];
    double update_ns = 0;
};

class SimaiReader {
  public:
    SimaiReader(std::string_view text, std::string file) : text_(text) { w_.file = std::move(file); }

    Workload read() {
        split_lines();
        header();
        layers();
        build();
        return std::move(w_);
    }

  private:
    [[noreturn]] void fail(int line, const std::string& key, std::string_view value, const std::string& reason) const {
        throw InputError(located(w_.file, line, key, std::string(value), reason));
    }

    void split_lines() {
        std::size_t start = 0;
        while (start <= text_.size()) {
            const std::size_t end = std::min(text_.find('\n', start), text_.size());
            lines_.push_back(text_.substr(start, end - start));
            if (end == text_.size()) break;
            start = end + 1;
        }
    }

    // "model_parallel_NPU_group: 8 ep: 1 ...": SimAI takes the token after each known key (Workload.cc, token
    // parser); a key given twice is refused here, where SimAI keeps the last.
    void header() {
        const auto t = tokens(lines_.empty() ? std::string_view() : lines_[0]);
        if (t.empty()) fail(1, "", "", "empty SimAI workload: the first line names the parallelism");
        policy_ = std::string(t[0]);
        if (std::find(kPolicies.begin(), kPolicies.end(), t[0]) == kPolicies.end())
            fail(1, "parallelism", t[0],
                 "expected HYBRID_TRANSFORMER, HYBRID_TRANSFORMER_FWD_IN_BCKWD, DATA or MICRO (the policies snsim "
                 "reads of SimAI's; docs/workloads.md)");
        static const std::vector<std::string_view> keys = {
            "model_parallel_NPU_group:", "ep:",     "pp:", "vpp:", "ga:", "all_gpus:", "checkpoints:",
            "checkpoint_initiates:",     "pp_comm:"};
        for (std::size_t i = 1; i < t.size(); i += 2) { // key, value
            if (std::find(keys.begin(), keys.end(), t[i]) == keys.end()) {
                if (t[i].back() == ':')
                    fail(1, std::string(t[i].substr(0, t[i].size() - 1)), "",
                         "unknown key; expected model_parallel_NPU_group, ep, pp, vpp, ga, all_gpus, checkpoints, "
                         "checkpoint_initiates or pp_comm");
                fail(1, "", t[i], "expected `key: value` pairs after the parallelism");
            }
            const std::string key(t[i].substr(0, t[i].size() - 1));
            if (i + 1 == t.size()) fail(1, key, "", "missing value");
            if (header_.count(key)) fail(1, key, t[i + 1], "key given twice");
            header_[key] = whole(t[i + 1], 1, key, 0, std::numeric_limits<std::uint32_t>::max());
            // Checkpoints (activation recomputation, their layer ids after the count) would replay forward layers
            // in the backward pass; SimAI's current token parser never triggers them (it stores
            // checkpoint_initiates into the checkpoints list).
            if ((key == "checkpoints" || key == "checkpoint_initiates") && header_[key] != 0)
                fail(1, key, std::string(t[i + 1]),
                     "activation recomputation is not simulated; give 0 (and no layer ids)");
        }
    }

    std::uint64_t whole(std::string_view text, int line, const std::string& key, std::uint64_t least,
                        std::uint64_t most) const {
        std::uint64_t v = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (text.starts_with('-')) fail(line, key, text, "must not be negative");
        if (ec != std::errc() || end != text.data() + text.size()) fail(line, key, text, "expected a whole number");
        if (v < least || v > most) fail(line, key, text, fmt::format("must be {} to {}", least, most));
        return v;
    }

    std::uint32_t value(const std::string& key, std::uint32_t otherwise) const {
        const auto it = header_.find(key);
        return it == header_.end() ? otherwise : static_cast<std::uint32_t>(it->second);
    }

    // ALLREDUCE, ALLGATHER, REDUCESCATTER, ALLTOALL, each plain (the tp group in the forward and input-gradient
    // columns, the data-parallel group ep+dp in the weight-gradient one), _EP (ep), _DP_EP (dp: the data-parallel
    // group of the experts) or _DP (ep+dp); NONE. As MockNcclGroup forms them.
    Comm comm(std::string_view type, std::string_view size, Pass pass, int line, const std::string& column) const {
        Comm c;
        c.type = std::string(type);
        const double bytes =
            static_cast<double>(whole(size, line, column + "_size", 0, static_cast<std::uint64_t>(kMaxOpBytes)));
        if (type == "NONE") return c;
        static const std::vector<std::pair<std::string_view, Collective>> names = {
            {"ALLREDUCE", Collective::allreduce},
            {"ALLGATHER", Collective::allgather},
            {"REDUCESCATTER", Collective::reduce_scatter},
            {"ALLTOALL", Collective::alltoall}};
        const GroupKind ep = GroupKind::of(Dim::ep), dp = GroupKind::of(Dim::dp);
        const GroupKind data{static_cast<std::uint8_t>(ep.dims | dp.dims)};
        const std::vector<std::pair<std::string_view, GroupKind>> suffixes = {
            {"", pass == Pass::wg ? data : GroupKind::of(Dim::tp)}, {"_EP", ep}, {"_DP_EP", dp}, {"_DP", data}};
        bool known = false;
        for (const auto& [name, collective] : names)
            for (const auto& [suffix, group] : suffixes)
                if (type.size() == name.size() + suffix.size() && type.starts_with(name) && type.ends_with(suffix)) {
                    c.collective = collective;
                    c.group = group;
                    known = true;
                }
        if (!known)
            fail(line, column + "_type", type,
                 "unknown comm type; expected ALLREDUCE, ALLGATHER, REDUCESCATTER or ALLTOALL, plain or with _EP, "
                 "_DP or _DP_EP, or NONE");
        c.some = bytes > 0; // SimAI issues no streams for 0 bytes
        c.bytes = bytes;
        return c;
    }

    double ns(std::string_view text, int line, const std::string& key) const {
        return static_cast<double>(whole(text, line, key, 0, static_cast<std::uint64_t>(kMaxNs)));
    }

    void layers() {
        const auto second = tokens(lines_.size() > 1 ? lines_[1] : std::string_view());
        if (second.size() != 1)
            fail(2, "layers", lines_.size() > 1 ? lines_[1] : "", "expected the number of layers alone on line 2");
        const std::size_t declared = whole(second[0], 2, "layers", 1, kMaxLayers);
        for (std::size_t i = 2; i < lines_.size(); ++i) {
            const auto t = tokens(lines_[i]);
            if (t.empty()) continue;
            const int line = static_cast<int>(i + 1);
            if (layers_.size() == declared)
                fail(line, "layers", std::to_string(declared),
                     fmt::format("line 2 declares {} layers but there are more layer lines", declared));
            if (t.size() != 12)
                fail(line, "", lines_[i].substr(0, 80),
                     fmt::format("expected 12 fields (name, dependency, then compute time, comm type and comm size of "
                                 "the forward, input-gradient and weight-gradient passes, update time), found {}",
                                 t.size()));
            Layer l;
            l.name = std::string(t[0]);
            l.line = line;
            if (t[1] != "-1") (void)whole(t[1], line, "dependency", 0, kMaxLayers); // SimAI prints it only
            const char* columns[] = {"fwd", "ig", "wg"};
            for (int p = 0; p < 3; ++p) {
                const std::string column = columns[p];
                l.compute_ns[p] = ns(t[2 + 3 * p], line, column + "_compute");
                l.comm[p] = comm(t[3 + 3 * p], t[4 + 3 * p], static_cast<Pass>(p), line, column + "_comm");
            }
            l.update_ns = ns(t[11], line, "update");
            layers_.push_back(std::move(l));
        }
        if (layers_.size() != declared)
            fail(2, "layers", std::to_string(declared),
                 fmt::format("line 2 declares {} layers but the file has {} layer lines", declared, layers_.size()));
    }

    // Ranks: SimAI's MockNcclGroup lays tp fastest, then pipeline stages, then the data-parallel ranks, of which
    // consecutive tp groups form the expert-parallel groups: order tp, pp, ep, dp.
    void parallel() {
        w_.order = {Dim::tp, Dim::pp, Dim::ep, Dim::dp};
        w_.parallel_line = 1;
        if (policy_ == "DATA" || policy_ == "MICRO") {
            w_.size = {1, 1, 0, 1}; // every rank in one data-parallel group (SimAI parses no sizes here)
            return;
        }
        if (!header_.count("model_parallel_NPU_group"))
            fail(1, "model_parallel_NPU_group", "", "missing: the tensor-parallel size");
        const std::uint32_t tp = value("model_parallel_NPU_group", 1), ep = value("ep", 1), pp = value("pp", 1);
        for (const auto& [key, v] : {std::pair{"model_parallel_NPU_group", tp}, {"ep", ep}, {"pp", pp}})
            if (v == 0 || v > kMaxDimSize) fail(1, key, std::to_string(v), fmt::format("must be 1 to {}", kMaxDimSize));
        w_.size = {tp, ep, 0, pp};
        if (const std::uint32_t all = value("all_gpus", 0); all > 0) {
            if (all % (static_cast<std::uint64_t>(tp) * pp) != 0)
                fail(1, "all_gpus", std::to_string(all),
                     fmt::format("is not a multiple of model_parallel_NPU_group x pp = {}",
                                 static_cast<std::uint64_t>(tp) * pp));
            const std::uint64_t data = all / (static_cast<std::uint64_t>(tp) * pp);
            if (data % ep != 0)
                fail(1, "ep", std::to_string(ep),
                     fmt::format("does not divide the data-parallel size all_gpus / (tp x pp) = {}", data));
            w_.size[static_cast<std::size_t>(Dim::dp)] = static_cast<std::uint32_t>(data / ep);
        }
    }

    std::string op_name(const Layer& l, std::size_t index, const char* what) const {
        std::string name = fmt::format("L{}.{}.{}", index, l.name, what);
        for (char& c : name)
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') c = '_';
        return name;
    }

    // Adds an op that waits for `after` (an op index, or none) and returns its index.
    std::size_t add(Op op, std::optional<std::size_t> after) {
        op.after = after ? std::vector<std::size_t>{*after} : std::vector<std::size_t>{};
        w_.ops.push_back(std::move(op));
        w_.program.items.push_back({w_.ops.size() - 1, 1, {}});
        return w_.ops.size() - 1;
    }

    std::optional<std::size_t> compute(const Layer& l, std::size_t index, const char* what, double ns,
                                       std::optional<std::size_t> after) {
        if (ns == 0) return after; // SimAI schedules a delay of 0: no op
        Op op;
        op.name = op_name(l, index, what);
        op.line = l.line;
        op.kind = OpKind::compute;
        op.seconds = ns * 1e-9;
        return add(std::move(op), after);
    }

    // A collective, then the layer's update time after it (Layer::call adds it once the collective is done).
    // Returns what the next op of a blocking comm waits for: the update, or the collective.
    std::optional<std::size_t> collective(const Layer& l, std::size_t index, Pass pass,
                                          std::optional<std::size_t> after) {
        const Comm& c = l.comm[static_cast<int>(pass)];
        if (!c.some) return after;
        static const char* names[] = {"fwd_comm", "ig_comm", "wg_comm"};
        Op op;
        op.name = op_name(l, index, names[static_cast<int>(pass)]);
        op.line = l.line;
        op.kind = OpKind::collective;
        op.collective = c.collective;
        op.group = c.group;
        op.bytes = c.bytes;
        std::optional<std::size_t> done = add(std::move(op), after);
        if (l.update_ns > 0) { // a delay after the comm (Layer::call), which does not hold the chip
            Op update;
            update.name = op_name(l, index, names[static_cast<int>(pass)]) + "_update";
            update.line = l.line;
            update.kind = OpKind::compute;
            update.occupies = false;
            update.seconds = l.update_ns * 1e-9;
            done = add(std::move(update), done);
        }
        return done;
    }

    // The step as SimAI's Workload::iterate_* runs it, every rank alike (Workload.cc).
    void build() {
        parallel();
        w_.name = std::filesystem::path(w_.file).stem().string();
        std::optional<std::size_t> chain; // what the next op of the rank waits for
        const auto n = layers_.size();
        if (policy_ == "MICRO") { // iterate_micro_benchmark: layer 0's weight-gradient comm alone, every rank
            Layer l = layers_[0];
            if (!l.comm[2].some)
                fail(l.line, "wg_comm_type", l.comm[2].type, "MICRO runs layer 0's weight-gradient comm; it has none");
            l.comm[2].group = GroupKind::of(Dim::dp);
            l.update_ns = 0;
            collective(l, 0, Pass::wg, chain);
            return;
        }
        if (policy_ == "DATA") { // iterate_data_parallel: forward compute only; backward wg then ig compute
            for (std::size_t i = 0; i < n; ++i)
                chain = compute(layers_[i], i, "fwd", layers_[i].compute_ns[0], chain);
            for (std::size_t i = n; i-- > 0;) {
                chain = compute(layers_[i], i, "wg", layers_[i].compute_ns[2], chain);
                Layer l = layers_[i];
                l.comm[2].group = GroupKind::of(Dim::dp);
                collective(l, i, Pass::wg, chain); // non-blocking
                if (i > 0) chain = compute(layers_[i], i, "ig", layers_[i].compute_ns[1], chain);
            }
            return;
        }
        // HYBRID_TRANSFORMER (and _FWD_IN_BCKWD without checkpoints): forward over the layers, each compute then
        // its comm, blocking; backward from the last layer: input-gradient compute and comm (blocking), then
        // weight-gradient compute and comm (non-blocking: it overlaps with the rest of the backward pass). The
        // step ends when the last comm drains.
        for (std::size_t i = 0; i < n; ++i) {
            chain = compute(layers_[i], i, "fwd", layers_[i].compute_ns[0], chain);
            chain = collective(layers_[i], i, Pass::fwd, chain);
        }
        for (std::size_t i = n; i-- > 0;) {
            chain = compute(layers_[i], i, "ig", layers_[i].compute_ns[1], chain);
            chain = collective(layers_[i], i, Pass::ig, chain);
            chain = compute(layers_[i], i, "wg", layers_[i].compute_ns[2], chain);
            collective(layers_[i], i, Pass::wg, chain);
        }
    }

    std::string_view text_;
    std::vector<std::string_view> lines_;
    std::string policy_;
    std::map<std::string, std::uint64_t> header_;
    std::vector<Layer> layers_;
    Workload w_;
};

} // namespace

bool is_simai(std::string_view text) {
    const auto first = tokens(text.substr(0, std::min(text.find('\n'), text.size())));
    if (first.empty()) return false;
    return std::all_of(first[0].begin(), first[0].end(),
                       [](char c) { return std::isupper(static_cast<unsigned char>(c)) || c == '_'; }) &&
           first[0].find(':') == std::string_view::npos;
}

Workload parse_simai(const std::string& text, const std::string& file) {
    return SimaiReader(text, file).read();
}

} // namespace snsim::workload
