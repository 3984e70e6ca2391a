#pragma once
// Mixed-radix coordinates shared by the grid-shaped generators (torus, mesh, nD full mesh): chip index
// i = sum c[d] * stride[d], dimension 0 varying fastest.
#include <string>
#include <vector>

namespace snsim::detail {

struct Grid {
    std::vector<int> dims;
    std::vector<std::size_t> stride;
    std::size_t size = 1;

    explicit Grid(std::vector<int> d) : dims(std::move(d)) {
        for (int n : dims) {
            stride.push_back(size);
            size *= static_cast<std::size_t>(n);
        }
    }
    int coord(std::size_t index, std::size_t d) const { return static_cast<int>(index / stride[d] % dims[d]); }
    std::vector<int> coords(std::size_t index) const {
        std::vector<int> c;
        c.reserve(dims.size());
        for (std::size_t d = 0; d < dims.size(); ++d)
            c.push_back(coord(index, d));
        return c;
    }
    // Index of the chip that differs from `index` only in dimension d, where it has value `value`.
    std::size_t with(std::size_t index, std::size_t d, int value) const {
        return index - static_cast<std::size_t>(coord(index, d)) * stride[d] +
               static_cast<std::size_t>(value) * stride[d];
    }
    // Rank of `index` in lexicographic order with dimension `major` most significant: the first size/2 ranks of
    // that order split the grid across dimension `major` when its size is even.
    std::size_t rank_with_major(std::size_t index, std::size_t major) const {
        const std::size_t below = index % stride[major];
        const std::size_t above = index / (stride[major] * dims[major]);
        return static_cast<std::size_t>(coord(index, major)) * (size / dims[major]) + above * stride[major] + below;
    }
    std::string name(std::size_t index) const {
        std::string s = "c";
        for (std::size_t d = 0; d < dims.size(); ++d) {
            if (d) s += '.';
            s += std::to_string(coord(index, d));
        }
        return s;
    }
};

} // namespace snsim::detail
