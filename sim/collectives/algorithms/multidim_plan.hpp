#pragma once
// The plan of a multidim schedule: which slices of the data cross the dimensions of the rank grid in which order,
// and how big each slice is. One dimension at a time (hierarchical) leaves every other dimension's cables idle;
// here slice k crosses dimension k first, then the others from the fastest to the slowest (in rotation, k+1, k+2,
// ..., among equals), so that on a torus each dimension carries some slice's phase at any moment, and a slow
// switch tier carries the least of each slice it does not start. This is the multi-dimensional allreduce of TPU
// pods (Ying et al., "Image Classification at Supercomputer Scale", arXiv 1811.06992, sec. 3.3: the 2D torus
// reduction runs half the data along X then Y and half along Y then X; TPU v4 paper, ISCA 2023, 3D tori) and of
// UB-Mesh's nD full meshes (arXiv 2503.20377: every dimension's direct links used at once).
//
// A slice moves most of its bytes in its first dimension ((d-1)/d of them), so slices are sized to balance each
// set of cables: the weights minimise the largest (bytes a set of cables carries / its bandwidth) over every set
// (DimPath::cables), found by a multiplicative fixed point and rounded to whole granules (kGranules in all). A
// dimension crossed as rings gives each slice a twin running its rings the other way, with the same granules:
// half the slice each way, every cable of a torus dimension busy in both directions.
#include <cstdint>
#include <vector>

#include "sim/collectives/collective.hpp"

namespace snsim::collectives {

// Granules the data is cut into between the slices: divisible by 2, 3, 4, 5, 6 and 8, so equal dimensions get
// exactly equal slices.
inline constexpr std::uint32_t kGranules = 120;

struct Slice {
    std::vector<std::size_t> order; // dimensions in the order its reduce-scatter crosses them (allgather: reversed)
    bool reversed = false;          // its rings run from coordinate x to x-1
    std::uint32_t granules = 0;     // blocks per share: the slice is granules / (sum of granules) of the data
    std::uint32_t first_block = 0;  // within a chunk's blocks; its blocks are [first_block, first_block + granules p)
};

struct MultidimPlan {
    Rank ranks = 1;
    std::vector<Rank> dims, stride; // the rank grid; rank = sum of coord[i] * stride[i]
    std::vector<DimPath> paths;
    std::vector<Slice> slices;
    std::uint32_t blocks = 0; // per chunk: the sum of granules x p

    Rank coord(Rank r, std::size_t dim) const { return r / stride[dim] % dims[dim]; }
    // Rank r's share in `slice` is granules blocks from first_block + granules x share_index(slice, r, order size).
    // With `positions` < order size: the index of the part r holds after crossing that many of the slice's
    // dimensions in reduce-scatter, in units of the shares it spans (part_width).
    std::uint32_t share_index(const Slice& slice, Rank r, std::size_t positions) const;
    // Shares in the part a rank holds after crossing positions+1 of the slice's dimensions.
    std::uint32_t part_width(const Slice& slice, std::size_t positions) const;
};

// Throws std::logic_error on parameters build_schedule has not checked. p = product of dims.
MultidimPlan multidim_plan(Rank p, const CollectiveParams& params);

// The fraction of the data each slice starting with dimension k (k in order, dims of size 1 skipped) carries,
// before rounding: exposed for tests.
std::vector<double> slice_weights(const std::vector<Rank>& dims, const std::vector<DimPath>& paths);

// The rank whose share `block` (mod the blocks of a chunk) is.
Rank multidim_share_owner(const MultidimPlan& plan, std::uint32_t block);

} // namespace snsim::collectives
