#pragma once
// Equality of two times, rates or fractions up to what rounding makes of equal values: |a - b| at most `relative`
// times the larger magnitude.
#include <algorithm>
#include <cmath>

namespace snsim::engine {

inline bool same_within(double a, double b, double relative) {
    return std::abs(a - b) <= relative * std::max(std::abs(a), std::abs(b));
}

} // namespace snsim::engine
