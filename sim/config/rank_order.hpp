#pragma once
// Orders of the chips of a grid (torus, mesh, nD full mesh) that a communicator can take its ranks in
// (communicator.order, docs/config.md): each maps a chip's coordinates to its position along the order, and the
// communicator sorts its chips by it. Pure functions of coordinates; sim/config/communicator.cpp applies them.
#include <cstdint>
#include <vector>

namespace snsim::config {

// Position along the boustrophedon ("snake") of the grid `dims`: `dim_order[0]` varies fastest, and each line
// along a dimension runs in the opposite direction to the line before it (the reflected mixed-radix Gray code),
// so consecutive chips differ by one in one coordinate: one cable on a torus or mesh. When the slowest dimension
// has an even size, the last line runs backwards and ends next to the first chip: on a torus (or one dimension
// wrapping) a ring laid along the snake then uses one cable per hop.
std::uint64_t snake_index(const std::vector<int>& coords, const std::vector<int>& dims,
                          const std::vector<int>& dim_order);

// Position of (x, y) along the Hilbert curve filling a side x side square, side a power of two: from (0, 0) to
// (side-1, 0), each quadrant filled before the next (lower left, upper left, upper right, lower right), the
// orientation of Wikipedia's xy2d. Consecutive positions are neighbours, and any aligned 2^k x 2^k block is a
// run of consecutive positions, which keeps groups of consecutive ranks compact.
std::uint64_t hilbert_index(std::uint32_t side, std::uint32_t x, std::uint32_t y);

} // namespace snsim::config
