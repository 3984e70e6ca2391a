// multidim: the slices of multidim_plan.hpp, all at once. Reduce-scatter: at position t each slice crosses the t-th
// dimension of its order, every line of ranks along it at once, on the part of its data the previous positions left
// (1/d of it per dimension crossed, as in hierarchical). Allgather: the same positions in reverse. A `direct`
// dimension is one step: each rank sends each other rank of its line its part (reduce-scatter) or its own part to
// all (allgather), as MPI's pairwise-exchange reduce-scatter and allgather do on a full mesh (Thakur, Rabenseifner
// and Gropp, "Optimization of Collective Communication Operations in MPICH", 2005). A `ring` dimension is a ring
// phase (ring_phases.hpp), forwards in one twin slice and backwards in the other, as NCCL's rings.
//
// Positions are built as slots: slot t holds position t of every slice, and its steps follow the previous slot's.
// When every phase of a slot is a ring of the same length moving equal messages, and every earlier slot ran in
// lockstep, the slot asks CollectiveParams::lockstep about all its rings together: in lockstep every phase of the
// slot ends on every rank at once (docs/architecture.md, step coalescing), so each is coalesced.
#include "sim/collectives/algorithms/algorithms.hpp"
#include "sim/collectives/algorithms/multidim_plan.hpp"
#include "sim/collectives/algorithms/ring_phases.hpp"

namespace snsim::collectives {

namespace {

// The lines of ranks along the dimension at `position` of `slice`, each with the part of the data its members end
// the reduce-scatter phase with (or start the allgather phase with), in ring order.
std::vector<Ring> lines(const MultidimPlan& plan, const Slice& slice, std::size_t position) {
    const std::size_t dim = slice.order[position];
    const Rank d = plan.dims[dim];
    const std::uint32_t width = plan.part_width(slice, position) * slice.granules;
    std::vector<Ring> out;
    for (Rank first = 0; first < plan.ranks; ++first) {
        if (plan.coord(first, dim) != 0) continue;
        Ring& ring = out.emplace_back();
        const std::uint32_t begin = slice.first_block + slice.granules * plan.share_index(slice, first, position);
        for (Rank j = 0; j < d; ++j) {
            const Rank x = slice.reversed ? (d - j) % d : j;
            ring.members.push_back(first + x * plan.stride[dim]);
            ring.parts.push_back({begin + x * width, begin + (x + 1) * width});
        }
    }
    return out;
}

// Direct exchange along one line, every pair at once. Reduce-scatter: member i sends part j to member j, which
// reduces it into its own; allgather: member i sends its own part to every other member.
Ready direct_exchange(Builder& builder, const Ring& line, std::uint32_t step, const Ready& ready, bool reduce) {
    const auto n = static_cast<Rank>(line.members.size());
    Ready done = ready;
    for (Rank i = 0; i < n; ++i)
        for (Rank k = 1; k < n; ++k) {
            const Rank j = (i + k) % n;
            const auto& part = line.parts[reduce ? j : i];
            done[j].push_back(builder.send({line.members[i], line.members[j], part.begin, part.end}, step,
                                           reduce ? FlowOp::Reduce : FlowOp::Copy, ready[i]));
        }
    return done;
}

struct Phase {
    const Slice* slice;
    std::size_t position;
    std::vector<Ring> rings;
    bool ring_kind;
};

// Whether the slot's phases may be coalesced: all rings of one length moving messages of one size, and the test
// passes on all their pairs together.
bool slot_in_lockstep(const MultidimPlan& plan, const std::vector<Phase>& slot, const CollectiveParams& params) {
    std::vector<Ring> all;
    for (const Phase& ph : slot) {
        if (!ph.ring_kind) return false;
        const Phase& first = slot.front();
        if (plan.dims[ph.slice->order[ph.position]] != plan.dims[first.slice->order[first.position]] ||
            ph.slice->granules * plan.part_width(*ph.slice, ph.position) !=
                first.slice->granules * plan.part_width(*first.slice, first.position))
            return false;
        all.insert(all.end(), ph.rings.begin(), ph.rings.end());
    }
    return phase_in_lockstep(params, all);
}

} // namespace

Schedule multidim_schedule(Collective collective, Rank p, const CollectiveParams& params) {
    if (collective != Collective::allreduce && collective != Collective::reduce_scatter &&
        collective != Collective::allgather)
        not_implemented("multidim", collective);
    const MultidimPlan plan = multidim_plan(p, params);
    Builder builder(p, plan.blocks, params.chunks, params.bytes / plan.blocks / params.chunks);
    const std::size_t depth = plan.slices.front().order.size();
    std::vector<std::size_t> positions; // reduce-scatter forwards, allgather backwards
    if (collective != Collective::allgather)
        for (std::size_t t = 0; t < depth; ++t)
            positions.push_back(t);
    if (collective != Collective::reduce_scatter)
        for (std::size_t t = depth; t-- > 0;)
            positions.push_back(t);
    std::vector<Ready> ready(plan.slices.size(), Ready(p));
    std::uint32_t step = 0;
    bool lockstep = true;
    for (std::size_t s = 0; s < positions.size(); ++s) {
        const bool reduce = s < depth && collective != Collective::allgather;
        std::vector<Phase> slot;
        std::uint32_t length = 0;
        for (const Slice& slice : plan.slices) {
            const std::size_t dim = slice.order[positions[s]];
            const bool ring_kind = plan.paths[dim].kind == DimKind::ring;
            slot.push_back({&slice, positions[s], lines(plan, slice, positions[s]), ring_kind});
            length = std::max(length, ring_kind ? plan.dims[dim] - 1 : 1u);
        }
        lockstep = lockstep && slot_in_lockstep(plan, slot, params);
        for (std::size_t k = 0; k < slot.size(); ++k) {
            Ready next = ready[k];
            Ready in;
            for (const Ring& line : slot[k].rings) {
                in.clear();
                for (Rank r : line.members)
                    in.push_back(ready[k][r]);
                Ready done;
                if (slot[k].ring_kind)
                    done = reduce ? ring_reduce_scatter(builder, line, step, in, lockstep)
                                  : ring_allgather(builder, line, step, in, lockstep);
                else
                    done = direct_exchange(builder, line, step, in, reduce);
                for (std::size_t x = 0; x < line.members.size(); ++x)
                    next[line.members[x]] = std::move(done[x]);
            }
            ready[k] = std::move(next);
        }
        step += length;
    }
    return builder.take();
}

} // namespace snsim::collectives
