// Reads Chakra execution traces (ASTRA-sim 2.0's input: one protobuf file per rank, PREFIX.0.et .. PREFIX.(n-1).et)
// into a Workload. The schema is sim/workload/chakra/et_def.proto; the framing (a varint length before each message,
// one GlobalMetadata then Nodes) is Chakra's protoio; the semantics are ASTRA-sim's (a node issues once every node
// of its data_deps and ctrl_deps is done; COMP_NODE lasts duration_micros, 1 ns when 0; COMM_COLL_NODE moves
// comm_size bytes of collective comm_type). docs/workloads.md, "Chakra traces", lists what is read and refused.
#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <queue>

#include <fmt/format.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "et_def.pb.h"
#include "sim/workload/workload.hpp"
#include "topologies/errors.hpp"
#include "topologies/io/bounded_file.hpp"

namespace snsim::workload {
namespace {

namespace pb = ChakraProtoMsg;

constexpr std::size_t kMaxTraceBytes = std::size_t{1} << 30; // one rank's file
constexpr std::size_t kMaxNodes = 1000000;                   // per rank, as the runs of a native workload
constexpr std::size_t kMaxRanks = 1 << 20;

// A node as snsim uses it; deps by index into the rank's nodes.
struct TraceNode {
    std::uint64_t id = 0;
    std::string name;
    OpKind kind = OpKind::compute;
    double seconds = 0;
    Collective collective = Collective::allreduce;
    double bytes = 0;
    std::vector<std::size_t> deps;
    bool occupies = true; // a metadata node completes at once without holding the chip
    bool operator==(const TraceNode& o) const {
        return kind == o.kind && seconds == o.seconds && collective == o.collective && bytes == o.bytes &&
               deps == o.deps && occupies == o.occupies;
    }
};

[[noreturn]] void fail(const std::string& file, const std::string& key, const std::string& value,
                       const std::string& reason) {
    throw InputError(located(file, 0, key, value, reason));
}

// An attribute's integer, whatever integer type the trace wrote it as (the samples use int64, Chakra's generator
// uint64).
std::optional<long double> integer(const pb::AttributeProto& a) {
    switch (a.value_case()) {
    case pb::AttributeProto::kInt32Val: return a.int32_val();
    case pb::AttributeProto::kInt64Val: return a.int64_val();
    case pb::AttributeProto::kUint32Val: return a.uint32_val();
    case pb::AttributeProto::kUint64Val: return a.uint64_val();
    case pb::AttributeProto::kSint32Val: return a.sint32_val();
    case pb::AttributeProto::kSint64Val: return a.sint64_val();
    case pb::AttributeProto::kFixed32Val: return a.fixed32_val();
    case pb::AttributeProto::kFixed64Val: return a.fixed64_val();
    case pb::AttributeProto::kSfixed32Val: return a.sfixed32_val();
    case pb::AttributeProto::kSfixed64Val: return a.sfixed64_val();
    default: return std::nullopt;
    }
}

const pb::AttributeProto* attribute(const pb::Node& n, const std::string& name) {
    for (const auto& a : n.attr())
        if (a.name() == name) return &a;
    return nullptr;
}

std::optional<Collective> collective_of(long double type) {
    const auto is = [&](pb::CollectiveCommType c) { return type == static_cast<long double>(static_cast<int>(c)); };
    if (is(pb::ALL_REDUCE)) return Collective::allreduce;
    if (is(pb::ALL_GATHER)) return Collective::allgather;
    if (is(pb::REDUCE_SCATTER)) return Collective::reduce_scatter;
    if (is(pb::ALL_TO_ALL)) return Collective::alltoall;
    if (is(pb::BROADCAST)) return Collective::broadcast;
    if (is(pb::REDUCE)) return Collective::reduce;
    return std::nullopt;
}

TraceNode node_of(const pb::Node& n, const std::string& file) {
    const std::string where = fmt::format("node {}", n.id());
    TraceNode t;
    t.id = n.id();
    t.name = n.name();
    switch (n.type()) {
    case pb::COMP_NODE:
        t.kind = OpKind::compute;
        // ASTRA-sim schedules duration_micros x 1000 ns, and 1 ns for 0.
        t.seconds = n.duration_micros() == 0 ? 1e-9 : static_cast<double>(n.duration_micros()) * 1e-6;
        if (t.seconds > kMaxOpSeconds)
            fail(file, where + ".duration_micros", std::to_string(n.duration_micros()), "is above an hour");
        break;
    case pb::METADATA_NODE:
    case pb::INVALID_NODE:
        t.kind = OpKind::compute; // completed at once (ASTRA-sim), but its dependents still wait for it
        t.seconds = 0;
        t.occupies = false;
        break;
    case pb::COMM_COLL_NODE: {
        t.kind = OpKind::collective;
        const auto* type = attribute(n, "comm_type");
        const auto type_value = type ? integer(*type) : std::nullopt;
        if (!type_value) fail(file, where + ".comm_type", "", "missing, or not an integer attribute");
        const auto collective = collective_of(*type_value);
        if (!collective)
            fail(file, where + ".comm_type", fmt::format("{:.0f}", *type_value),
                 "expected ALL_REDUCE (0), REDUCE (1), ALL_GATHER (2), BROADCAST (5), ALL_TO_ALL (6) or "
                 "REDUCE_SCATTER (7)");
        t.collective = *collective;
        const auto* size = attribute(n, "comm_size");
        const auto bytes = size ? integer(*size) : std::nullopt;
        if (!bytes) fail(file, where + ".comm_size", "", "missing, or not an integer attribute");
        if (*bytes < 0 || *bytes > kMaxOpBytes)
            fail(file, where + ".comm_size", fmt::format("{:.0f}", *bytes), "must be 0 to 1 TiB (bytes)");
        t.bytes = static_cast<double>(*bytes);
        if (const auto* cpu = attribute(n, "is_cpu_op");
            cpu && cpu->value_case() == pb::AttributeProto::kBoolVal && cpu->bool_val())
            fail(file, where + ".is_cpu_op", "true", "a communication node cannot be a CPU op (ASTRA-sim refuses it)");
        if (const auto* pg = attribute(n, "pg_name"); pg && pg->value_case() == pb::AttributeProto::kStringVal &&
                                                      !pg->string_val().empty() && pg->string_val() != "0")
            fail(file, where + ".pg_name", pg->string_val(),
                 "communicator groups are not read yet: a collective runs on every rank of the trace");
        if (const auto* dims = attribute(n, "involved_dim")) {
            const bool all = dims->value_case() == pb::AttributeProto::kBoolList &&
                             std::all_of(dims->bool_list().values().begin(), dims->bool_list().values().end(),
                                         [](bool b) { return b; });
            if (!all)
                fail(file, where + ".involved_dim", "",
                     "a collective on some network dimensions only is not read yet (snsim routes on its own "
                     "topology); give every dimension true, or leave it out");
        }
        break;
    }
    default:
        fail(file, where + ".type", pb::NodeType_Name(n.type()),
             "not read yet: snsim reads COMP_NODE, COMM_COLL_NODE and METADATA_NODE (point-to-point and memory "
             "nodes are refused rather than dropped)");
    }
    return t;
}

// One rank's file: its nodes in an order where every node follows its dependencies.
std::vector<TraceNode> read_rank(const std::string& bytes, const std::string& file) {
    if (bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
        static_cast<unsigned char>(bytes[1]) == 0x8b)
        fail(file, "", "", "a gzip-compressed trace: gunzip it first");
    google::protobuf::io::ArrayInputStream array(bytes.data(), static_cast<int>(bytes.size()));
    google::protobuf::io::CodedInputStream in(&array);
    in.SetTotalBytesLimit(static_cast<int>(std::min<std::size_t>(bytes.size() + 1, INT32_MAX)));
    std::vector<pb::Node> nodes;
    bool metadata = false;
    for (std::size_t message = 0;; ++message) {
        const auto offset = in.CurrentPosition();
        std::uint32_t size = 0;
        if (!in.ReadVarint32(&size)) {
            if (offset == static_cast<int>(bytes.size())) break;
            fail(file, "", "", fmt::format("not a Chakra trace: a message length at byte {} does not parse", offset));
        }
        if (size > bytes.size() - static_cast<std::size_t>(in.CurrentPosition()))
            fail(file, "", "",
                 fmt::format("not a Chakra trace: message {} at byte {} says {} bytes, past the end of the file",
                             message, offset, size));
        const auto limit = in.PushLimit(static_cast<int>(size));
        const bool parsed =
            !metadata ? pb::GlobalMetadata().ParseFromCodedStream(&in) : nodes.emplace_back().ParseFromCodedStream(&in);
        if (!parsed || !in.ConsumedEntireMessage())
            fail(file, "", "",
                 fmt::format("not a Chakra trace: message {} at byte {} is not a {}", message, offset,
                             metadata ? "Node" : "GlobalMetadata"));
        in.PopLimit(limit);
        metadata = true;
        if (nodes.size() > kMaxNodes) fail(file, "", "", fmt::format("more than {} nodes", kMaxNodes));
    }
    if (!metadata) fail(file, "", "", "empty trace: no GlobalMetadata");

    std::map<std::uint64_t, std::size_t> index;
    for (std::size_t i = 0; i < nodes.size(); ++i)
        if (!index.emplace(nodes[i].id(), i).second)
            fail(file, fmt::format("node {}", nodes[i].id()), "", "another node has this id");
    // Kahn's order, ties in file order: a dependency on a node the file does not hold is an error, and so is a cycle.
    std::vector<std::vector<std::size_t>> deps(nodes.size()), dependents(nodes.size());
    std::vector<std::size_t> waiting(nodes.size(), 0);
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        for (const auto& list : {nodes[i].data_deps(), nodes[i].ctrl_deps()})
            for (std::uint64_t d : list) {
                const auto it = index.find(d);
                if (it == index.end())
                    fail(file, fmt::format("node {}", nodes[i].id()), std::to_string(d),
                         "depends on a node the trace does not hold");
                if (std::find(deps[i].begin(), deps[i].end(), it->second) != deps[i].end()) continue;
                deps[i].push_back(it->second);
                dependents[it->second].push_back(i);
                ++waiting[i];
            }
    }
    // Ready nodes in the order Chakra's feeder issues them: lowest id first.
    std::vector<std::size_t> order, position(nodes.size());
    const auto later = [&](std::size_t a, std::size_t b) { return nodes[a].id() > nodes[b].id(); };
    std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(later)> ready(later);
    for (std::size_t i = 0; i < nodes.size(); ++i)
        if (waiting[i] == 0) ready.push(i);
    while (!ready.empty()) {
        const std::size_t i = ready.top();
        ready.pop();
        position[i] = order.size();
        order.push_back(i);
        for (std::size_t j : dependents[i])
            if (--waiting[j] == 0) ready.push(j);
    }
    if (order.size() != nodes.size())
        for (std::size_t i = 0; i < nodes.size(); ++i)
            if (waiting[i] > 0) fail(file, fmt::format("node {}", nodes[i].id()), "", "is on a cycle of dependencies");
    std::vector<TraceNode> out;
    for (std::size_t i : order) {
        TraceNode t = node_of(nodes[i], file);
        for (std::size_t d : deps[i])
            t.deps.push_back(position[d]);
        std::sort(t.deps.begin(), t.deps.end());
        out.push_back(std::move(t));
    }
    return out;
}

// "dir/all_reduce.3.et" -> "dir/all_reduce"; a name without ".N.et" is a prefix already.
std::string prefix_of(const std::string& path) {
    if (!path.ends_with(".et")) return path;
    const std::string stem = path.substr(0, path.size() - 3);
    const auto dot = stem.rfind('.');
    if (dot == std::string::npos || dot + 1 == stem.size() ||
        !std::all_of(stem.begin() + static_cast<long>(dot) + 1, stem.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
        return stem;
    return stem.substr(0, dot);
}

} // namespace

bool is_chakra(const std::string& path) {
    std::error_code ec;
    return path.ends_with(".et") || std::filesystem::exists(path + ".0.et", ec);
}

Workload chakra_workload(const std::vector<std::string>& rank_bytes, const std::string& prefix) {
    if (rank_bytes.empty()) fail(prefix, "", "", "no rank's trace");
    std::vector<TraceNode> first;
    for (std::size_t r = 0; r < rank_bytes.size(); ++r) {
        const std::string file = fmt::format("{}.{}.et", prefix, r);
        std::vector<TraceNode> nodes = read_rank(rank_bytes[r], file);
        if (r == 0) {
            first = std::move(nodes);
            continue;
        }
        // snsim's workloads are SPMD: every rank runs one program.
        const std::size_t n = std::min(nodes.size(), first.size());
        for (std::size_t i = 0; i < n; ++i)
            if (!(nodes[i] == first[i]))
                fail(file, fmt::format("node {}", nodes[i].id), "",
                     fmt::format("differs from rank 0's node {} (the {}th in dependency order): snsim reads traces "
                                 "whose ranks all run the same program",
                                 first[i].id, i));
        if (nodes.size() != first.size())
            fail(file, "", "",
                 fmt::format("{} nodes, rank 0 has {}: snsim reads traces whose ranks all run the same program",
                             nodes.size(), first.size()));
    }
    Workload w;
    w.file = prefix + ".0.et";
    w.name = std::filesystem::path(prefix).filename().string();
    w.size = {1, 1, static_cast<std::uint32_t>(rank_bytes.size()), 1}; // every collective on every rank: dp
    for (const TraceNode& t : first) {
        Op op;
        op.name = fmt::format("n{}", t.id);
        for (char c : t.name)
            if (op.name.size() < 64)
                op.name += std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ? c : '_';
        op.kind = t.kind;
        op.seconds = t.seconds;
        op.occupies = t.occupies;
        op.collective = t.collective;
        op.group = GroupKind::of(Dim::dp);
        op.bytes = t.bytes;
        op.after = t.deps;
        w.ops.push_back(std::move(op));
        w.program.items.push_back({w.ops.size() - 1, 1, {}});
    }
    if (w.ops.empty()) fail(w.file, "", "", "the trace has no node");
    return w;
}

Workload read_chakra(const std::string& path) {
    const std::string prefix = prefix_of(path);
    std::vector<std::string> ranks;
    for (std::size_t r = 0; r < kMaxRanks; ++r) {
        const std::string file = fmt::format("{}.{}.et", prefix, r);
        std::error_code ec;
        if (!std::filesystem::exists(file, ec)) {
            if (r == 0) fail(file, "", "", "no such trace (a Chakra trace is PREFIX.0.et to PREFIX.(n-1).et)");
            break;
        }
        ranks.push_back(read_bounded(
            file, "Chakra trace",
            [&](const std::string& reason) { return InputError(located(file, 0, "", "", reason)); }, kMaxTraceBytes));
    }
    return chakra_workload(ranks, prefix);
}

} // namespace snsim::workload
