#include "sim/config/rank_order.hpp"

#include <utility>

namespace snsim::config {

std::uint64_t snake_index(const std::vector<int>& coords, const std::vector<int>& dims,
                          const std::vector<int>& dim_order) {
    // From the slowest dimension to the fastest; `index` counts the lines of the faster dimensions already
    // walked, so an odd count means the next dimension is walked backwards.
    std::uint64_t index = 0;
    for (auto d = dim_order.rbegin(); d != dim_order.rend(); ++d) {
        const auto n = static_cast<std::uint64_t>(dims[static_cast<std::size_t>(*d)]);
        auto v = static_cast<std::uint64_t>(coords[static_cast<std::size_t>(*d)]);
        if (index % 2 == 1) v = n - 1 - v;
        index = index * n + v;
    }
    return index;
}

std::uint64_t hilbert_index(std::uint32_t side, std::uint32_t x, std::uint32_t y) {
    std::uint64_t d = 0;
    for (std::uint32_t s = side / 2; s > 0; s /= 2) {
        const std::uint32_t rx = (x & s) ? 1 : 0, ry = (y & s) ? 1 : 0;
        d += std::uint64_t{s} * s * ((3 * rx) ^ ry);
        // Turn the quadrant so that its curve starts at its lower left as the whole one does.
        if (ry == 0) {
            if (rx == 1) {
                x = side - 1 - x;
                y = side - 1 - y;
            }
            std::swap(x, y);
        }
    }
    return d;
}

} // namespace snsim::config
