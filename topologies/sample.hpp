#pragma once
// A seeded choice of distinct items that is the same with every standard library: a partial Fisher-Yates
// shuffle drawing straight from mt19937_64, whose output the standard fixes (std::sample and the
// distributions are left to each library). Used wherever a seed picks parts: sampled hop statistics, random
// faults.
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace snsim {

// `count` (at most items.size()) distinct items of `items`, in the order drawn.
template <typename T> std::vector<T> seeded_sample(std::vector<T> items, std::size_t count, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    for (std::size_t i = 0; i < count; ++i)
        std::swap(items[i], items[i + rng() % (items.size() - i)]);
    items.resize(count);
    return items;
}

} // namespace snsim
