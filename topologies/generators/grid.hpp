#pragma once
// Mixed-radix coordinates shared by the grid-shaped generators (torus, mesh, nD full mesh): chip index
// i = sum c[d] * stride[d], dimension 0 varying fastest.
#include <cstdint>
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
    // Side vector over `vertices` vertices (chips first, by index): the first size/2 chips in the lexicographic
    // order of `order` (dimensions, most significant first) on side 0, every other vertex on side 1. With an even
    // most significant dimension this is the cut across that dimension.
    std::vector<std::uint8_t> lexicographic_half(const std::vector<std::size_t>& order, std::size_t vertices) const {
        std::vector<std::uint8_t> side(vertices, 1);
        for (std::size_t i = 0; i < size; ++i) {
            std::size_t rank = 0;
            for (std::size_t d : order)
                rank = rank * static_cast<std::size_t>(dims[d]) + coord(i, d);
            side[i] = rank < size / 2 ? 0 : 1;
        }
        return side;
    }
    // `major` first, then the other dimensions from the last to the first.
    std::vector<std::size_t> order_with_major(std::size_t major) const {
        std::vector<std::size_t> order{major};
        for (std::size_t d = dims.size(); d-- > 0;)
            if (d != major) order.push_back(d);
        return order;
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
