#pragma once
// Lowering: a workload on a placement becomes one Schedule over all its ranks, the engines' input, as if one
// collective (docs/workloads.md, "How a step is simulated").
//
// The program is unrolled into runs (an op's run: one execution of it on every rank, in program order) and
// executed symbolically, rank by rank, as far as each can go: a collective waits until every member of its group
// has reached it, a recv until the matching send (the k-th send to the next stage pairs with the neighbour's k-th
// recv from the previous one) is lowered. A program that cannot go on (a recv whose send never comes) is refused.
//   compute      a Compute flow on the rank's chip, after what the run waits for and after the chip's previous
//                compute (a chip computes one thing at a time);
//   collective   the algorithm's schedule on the group's chips (the op's algorithm, else the config's when it
//                implements the collective, else ring, or direct for alltoall); every flow a member sends waits
//                for that member to be ready; the run ends on every member when the whole schedule has ended;
//                in_switch's reducing switches (those cabled to every chip of the group) are endpoints after the
//                ranks, shared by every group that reduces there;
//   send, recv   one flow from the sender to its neighbour stage, after the sender is ready; the recv ends when
//                it has arrived and the receiver is ready. 0 bytes: no flow, the order alone.
// Where a rank waits for several things, a zero-second Compute flow (a marker) joins them, so that every flow
// names at most one such dependency. Step coalescing is off: lockstep is proved for a collective alone on the
// fabric, not among others.
#include <cstdint>
#include <vector>

#include "sim/collectives/schedule.hpp"
#include "sim/experiment/experiment.hpp"
#include "sim/workload/placement.hpp"
#include "sim/workload/workload.hpp"

namespace snsim::workload {

// One run of an op in the unrolled program.
struct Run {
    std::size_t op = 0;
    std::vector<std::size_t> waits_for; // earlier runs (indices), on the same rank
};

struct Lowered {
    Schedule schedule;                       // endpoints: the workload's ranks, then in_switch's reducing switches
    std::vector<Topology::Vertex> endpoints; // chip of each rank, then each reducing switch (once, whatever groups use it)
    std::vector<Run> runs;
    // [run * ranks + rank]: the flow whose end is when the rank may start the run (ready) and when the run has
    // ended on the rank (done); kNoFlow: at time 0 (nothing to wait for), or, for done, when it is ready (an op
    // with nothing to do on that rank: a send from the last stage, a collective on a group of one).
    std::vector<FlowId> ready, done;
    std::vector<GroupKind> flow_group;      // per flow: the group kind whose op made it (compute: unused)
    std::vector<std::uint8_t> flow_is_comm; // per flow: 1 when it moves bytes for an op (not compute, not marker)
};

// `chips`: the communicator (the workload uses its first placement.ranks()); `base`: the config's experiment
// (algorithm, parameters, routing, engine, cost). Throws InputError naming the op's line when an op cannot be
// lowered (an algorithm that does not fit its group, a program that deadlocks, too many flows).
Lowered lower(const Workload& workload, const Placement& placement, const Topology& topology, Router& router,
              const std::vector<Topology::Vertex>& chips, const Experiment& base);

// The unrolled program: every run and what it waits for. Throws InputError when it has more than kMaxRuns runs.
std::vector<Run> unroll(const Workload& workload);
inline constexpr std::size_t kMaxRuns = 1000000;

} // namespace snsim::workload
