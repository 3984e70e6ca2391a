// hierarchical: ranks form the grid `dims` (rank = sum of coord[i] * stride[i], dimension 0 varying fastest) and
// the collective runs as ring phases along one dimension at a time, every line of ranks along that dimension at
// once. Reduce-scatter goes along dimension 0, 1, ..., each on the part of the data the previous one left
// (1/dims[0] of it, then 1/(dims[0]*dims[1]), ...); allgather is the same in reverse, from the last dimension
// back to dimension 0. Dimension 0 thus moves the most data; allreduce is the reduce-scatter then the allgather.
//
// For each phase's data to be one range of blocks, the shares are numbered with dimension 0 most significant:
// rank r's share is block sum of coord[i] * weight[i], weight[i] = p / (dims[0] * ... * dims[i]).
#include "sim/collectives/algorithms/algorithms.hpp"
#include "sim/collectives/algorithms/ring_phases.hpp"

namespace snsim::collectives {

namespace {

struct Grid {
    std::vector<Rank> dims;
    std::vector<Rank> stride, weight;
    Rank size = 1;

    explicit Grid(const std::vector<Rank>& d) : dims(d) {
        for (Rank n : dims) {
            stride.push_back(size);
            size *= n;
        }
        Rank w = size;
        for (Rank n : dims)
            weight.push_back(w /= n);
    }
    Rank coord(Rank r, std::size_t i) const { return r / stride[i] % dims[i]; }
    // First block of the data rank r holds before the phases along dimension `dim` (reduce-scatter) or after them
    // (allgather): the part its coordinates below `dim` select.
    std::uint32_t first_block(Rank r, std::size_t dim) const {
        std::uint32_t b = 0;
        for (std::size_t i = 0; i < dim; ++i)
            b += coord(r, i) * weight[i];
        return b;
    }
};

// The rings of a phase along dimension `dim`: one per line of ranks along it, each owning the part of the data its
// ranks' lower coordinates select.
std::vector<Ring> lines(const Grid& grid, std::size_t dim) {
    std::vector<Ring> rings;
    for (Rank first = 0; first < grid.size; ++first) {
        if (grid.coord(first, dim) != 0) continue;
        Ring& ring = rings.emplace_back();
        const std::uint32_t begin = grid.first_block(first, dim), width = grid.weight[dim];
        for (Rank x = 0; x < grid.dims[dim]; ++x) {
            ring.members.push_back(first + x * grid.stride[dim]);
            ring.parts.push_back({begin + x * width, begin + (x + 1) * width});
        }
    }
    return rings;
}

// One ring phase on every line of ranks along dimension `dim`. `lockstep`: on entry, whether every earlier phase
// ran in lockstep; on return, whether this one did too (and was coalesced).
Ready phase(Builder& builder, const Grid& grid, std::size_t dim, std::uint32_t first_step, const Ready& ready,
            bool reduce, const CollectiveParams& params, bool& lockstep) {
    const std::vector<Ring> rings = lines(grid, dim);
    lockstep = lockstep && phase_in_lockstep(params, rings);
    Ready out = ready;
    Ready in;
    for (const Ring& ring : rings) {
        in.clear();
        for (Rank r : ring.members)
            in.push_back(ready[r]);
        const Ready done = reduce ? ring_reduce_scatter(builder, ring, first_step, in, lockstep)
                                  : ring_allgather(builder, ring, first_step, in, lockstep);
        for (std::size_t x = 0; x < ring.members.size(); ++x)
            out[ring.members[x]] = done[x];
    }
    return out;
}

} // namespace

Schedule hierarchical_schedule(Collective collective, Rank p, const CollectiveParams& params) {
    if (collective != Collective::allreduce && collective != Collective::reduce_scatter &&
        collective != Collective::allgather)
        not_implemented("hierarchical", collective);
    const Grid grid(params.dims);
    Builder builder(p, p, params.chunks, params.bytes / p / params.chunks);
    Ready ready(p);
    std::uint32_t step = 0;
    bool lockstep = true; // every phase so far ran in lockstep: the next starts on every rank at once
    if (collective != Collective::allgather)
        for (std::size_t i = 0; i < grid.dims.size(); ++i) {
            ready = phase(builder, grid, i, step, ready, true, params, lockstep);
            step += grid.dims[i] - 1;
        }
    if (collective != Collective::reduce_scatter)
        for (std::size_t i = grid.dims.size(); i-- > 0;) {
            ready = phase(builder, grid, i, step, ready, false, params, lockstep);
            step += grid.dims[i] - 1;
        }
    return builder.take();
}

Rank hierarchical_share_owner(const std::vector<Rank>& dims, std::uint32_t block) {
    const Grid grid(dims);
    Rank r = 0;
    for (std::size_t i = 0; i < dims.size(); ++i)
        r += block / grid.weight[i] % dims[i] * grid.stride[i];
    return r;
}

} // namespace snsim::collectives
