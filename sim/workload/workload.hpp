#pragma once
// A workload: one step of a hybrid-parallel job, as the program every rank runs (SPMD, as Megatron-style steps
// are), over a grid of parallel dimensions. The file format and its semantics are in docs/workloads.md.
//
//   parallel  tp, ep, dp, pp: the sizes of the dimensions (dp may be left out: the chips left over);
//   order     which dimension varies fastest in rank order (default tp, ep, dp, pp: tensor-parallel peers on
//             neighbouring chips, pipeline stages farthest apart, as Megatron places them);
//   placement loose (default) or strict: refuse a tp group whose chips are in different racks;
//   program   ops in order; each waits for the op before it on its rank, or for the named ops in `after`.
//
// An op of a group kind runs on every group of that kind at once: a TP allreduce with tp 8 on 384 chips is 48
// allreduces, whose flows share the fabric.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/collectives/collective.hpp"

namespace snsim::workload {

// The parallel dimensions, in the default order (fastest first).
enum class Dim : std::uint8_t { tp, ep, dp, pp };
inline constexpr std::array kDims{Dim::tp, Dim::ep, Dim::dp, Dim::pp};
std::string_view to_string(Dim dim);
std::optional<Dim> dim_from(std::string_view name);

// A group kind: the parallel dimensions a group spans, one (tp) or several (ep+dp: Megatron's data-parallel group of
// the dense weights when experts are parallel, SimAI's DP). A group's ranks share every other coordinate.
struct GroupKind {
    std::uint8_t dims = 0; // bit d: spans Dim d
    static constexpr GroupKind of(Dim d) { return {static_cast<std::uint8_t>(1u << static_cast<unsigned>(d))}; }
    constexpr bool spans(Dim d) const { return (dims >> static_cast<unsigned>(d)) & 1u; }
    constexpr std::size_t index() const { return dims; }
    bool operator==(const GroupKind&) const = default;
};
inline constexpr std::size_t kGroupKinds = 16; // GroupKind::index() < 16
// "tp", "ep+dp": the dimensions in kDims order, joined by '+'.
std::string to_string(GroupKind kind);
// "dp", "ep+dp", "dp+ep" (any order, each dimension once); nullopt otherwise.
std::optional<GroupKind> group_from(std::string_view text);

enum class OpKind : std::uint8_t { compute, collective, send, recv };

struct Op {
    std::string name; // as the file names it, or "<kind>#<index>"
    int line = 0;     // in the workload file, for messages
    OpKind kind = OpKind::compute;
    double seconds = 0; // compute
    // compute: false for a delay, which waits its seconds without occupying the chip's compute (SimAI's update
    // time, Chakra's metadata nodes); not written in snsim's own format.
    bool occupies = true;
    // compute generated from a model (workload.model): its FLOPs and the bytes it reads from the chip's memory;
    // `seconds` is FLOPs / (peak x mfu), or bytes / memory bandwidth when that is longer (time_compute()).
    double flops = 0, memory_bytes = 0;
    Collective collective = Collective::allreduce;
    std::optional<Algorithm> algorithm;       // collective: else the config's when it implements the collective
    GroupKind group = GroupKind::of(Dim::tp); // collective: the group kind; send/recv: pp
    double bytes = 0;                         // collective (nccl-tests' size convention), send, recv
    bool forward = true;                      // send: to the next stage (else the previous); recv: from the previous
    // The ops it waits for, by index into Workload::ops: their latest run before this one on the same rank (none
    // yet: no wait; so an op may name one written after it, in a repeat its run of the previous round); nullopt:
    // the op before it in the unrolled program. Runs wait only for earlier runs: a program has no cycle.
    std::optional<std::vector<std::size_t>> after;
};

// The program as written: a node is one op (op != kNoOp) or a run of nodes repeated `times` times (layers,
// micro-batches), nested at most kMaxDepth deep. Ops are stored once, however often they run.
inline constexpr std::size_t kNoOp = static_cast<std::size_t>(-1);
struct Node {
    std::size_t op = kNoOp;
    std::uint32_t times = 1;
    std::vector<Node> items;
};

// How generated compute ops are timed (workload.model's peak_flops, mfu and memory_bandwidth); a peak or bandwidth
// of 0 is taken from the config's chip.peak_flops and chip.memory_bandwidth (time_compute()).
struct ComputeRate {
    double peak_flops = 0, mfu = 0.4, memory_bandwidth = 0;
    int line = 0; // of workload.model
};

struct Workload {
    std::string file; // for messages
    std::string name;
    std::array<std::uint32_t, 4> size{1, 1, 0, 1}; // per Dim; dp 0: the chips left over
    std::array<Dim, 4> order = kDims;              // fastest first
    int parallel_line = 0;                         // of workload.parallel, for messages (0: not written)
    bool strict = false;                           // placement: strict: every tp group inside one rack
    int placement_line = 0;
    std::vector<Op> ops;
    Node program;
    // Generated from a model and not yet timed: its compute ops' seconds wait for a chip (time_compute()).
    std::optional<ComputeRate> untimed;
};

// Times the compute ops a model generated, on a chip of peak `peak_flops` and memory `memory_bandwidth` (the
// config's chip.*; the workload's own model.peak_flops and model.memory_bandwidth come first). Nothing to do for
// other workloads. Throws InputError at workload.model when no peak is known or an op would compute for over an hour.
void time_compute(Workload& w, double peak_flops, double memory_bandwidth);

inline constexpr int kMaxDepth = 4;
// Limits of every reader: one op's bytes and compute time, one parallel dimension.
inline constexpr double kMaxOpBytes = 1099511627776.0; // 1 TiB
inline constexpr double kMaxOpSeconds = 3600;
inline constexpr std::uint32_t kMaxDimSize = 1 << 20;

// Reads a workload file (docs/workloads.md): snsim's YAML, a SimAI / ASTRA-sim 1.0 text workload (its first
// token a parallelism policy in capitals, e.g. HYBRID_TRANSFORMER_FWD_IN_BCKWD), or a Chakra trace (below). Throws
// InputError `file:line: key: reason (got "value")`.
Workload read_workload(const std::string& path);
Workload parse_workload(const std::string& text, const std::string& file);

// SimAI's text format (sim/workload/simai_reader.cpp; docs/workloads.md, "SimAI workloads").
bool is_simai(std::string_view text);
Workload parse_simai(const std::string& text, const std::string& file);

// Chakra execution traces (sim/workload/chakra_reader.cpp; docs/workloads.md, "Chakra traces"): PREFIX.0.et to
// PREFIX.(n-1).et, one per rank. `path` names any rank's file, or the prefix.
bool is_chakra(const std::string& path);
Workload read_chakra(const std::string& path);
// The ranks' file contents in rank order (rank r is `prefix`.r.et in messages).
Workload chakra_workload(const std::vector<std::string>& rank_bytes, const std::string& prefix);

} // namespace snsim::workload
