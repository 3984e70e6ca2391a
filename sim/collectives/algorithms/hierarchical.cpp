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

// One ring phase on every line of ranks along dimension `dim`.
Ready phase(Builder& builder, const Grid& grid, std::size_t dim, std::uint32_t first_step, const Ready& ready,
            bool reduce) {
    Ready out = ready;
    for (Rank first = 0; first < grid.size; ++first) {
        if (grid.coord(first, dim) != 0) continue;
        Ring ring;
        Ready in;
        const std::uint32_t begin = grid.first_block(first, dim), width = grid.weight[dim];
        for (Rank x = 0; x < grid.dims[dim]; ++x) {
            const Rank r = first + x * grid.stride[dim];
            ring.members.push_back(r);
            ring.parts.push_back({begin + x * width, begin + (x + 1) * width});
            in.push_back(ready[r]);
        }
        const Ready done =
            reduce ? ring_reduce_scatter(builder, ring, first_step, in) : ring_allgather(builder, ring, first_step, in);
        for (Rank x = 0; x < grid.dims[dim]; ++x)
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
    if (collective != Collective::allgather)
        for (std::size_t i = 0; i < grid.dims.size(); ++i) {
            ready = phase(builder, grid, i, step, ready, true);
            step += grid.dims[i] - 1;
        }
    if (collective != Collective::reduce_scatter)
        for (std::size_t i = grid.dims.size(); i-- > 0;) {
            ready = phase(builder, grid, i, step, ready, false);
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
