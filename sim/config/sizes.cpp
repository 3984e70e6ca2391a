#include "sim/config/sizes.hpp"
#include "topologies/text.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "topologies/units.hpp"

namespace snsim::config {
namespace {

using units::UnitError;

constexpr std::size_t kMaxSizes = 100000;
// The SimGrid engine hands each transfer to SimGrid as a 64-bit count of 2^-20-byte units, so a message above

double size(std::string_view text) {
    const double v = units::parse_bytes(text);
    if (!(v > 0)) throw UnitError(fmt::format("size \"{}\" must be positive", text));
    if (v > kMaxSize)
        throw UnitError(fmt::format("size \"{}\" is above 8 TiB, the largest message snsim simulates", text));
    return v;
}

} // namespace

std::vector<double> parse_sizes(std::string_view text) {
    std::vector<double> out;
    if (text.find(',') != std::string_view::npos) {
        // Counted before anything is parsed: ranges stop at kMaxSizes, and so do lists.
        if (static_cast<std::size_t>(std::count(text.begin(), text.end(), ',')) >= kMaxSizes)
            throw UnitError(fmt::format("list has more than {} sizes", kMaxSizes));
        for (auto part : split(text, ',')) {
            const double s = size(part);
            if (std::find(out.begin(), out.end(), s) != out.end())
                throw UnitError(fmt::format("size \"{}\" is listed twice", part));
            out.push_back(s);
        }
        return out;
    }
    const auto parts = split(text, ':');
    if (parts.size() == 1) return {size(parts[0])};
    if (parts.size() != 3) throw UnitError("expected SIZE, FIRST:LAST:xFACTOR, FIRST:LAST:+STEP or a comma list");
    const double first = size(parts[0]), last = size(parts[1]);
    if (last < first) throw UnitError("the last size is smaller than the first");
    const std::string_view step = parts[2];
    if (step.size() < 2 || (step[0] != 'x' && step[0] != '+'))
        throw UnitError(fmt::format("step \"{}\" must be xFACTOR (e.g. x2) or +SIZE (e.g. +1M)", step));
    double factor = 0, increment = 0;
    if (step[0] == 'x') {
        const auto [end, ec] = std::from_chars(step.data() + 1, step.data() + step.size(), factor);
        if (ec != std::errc() || end != step.data() + step.size() || !(factor > 1) || !std::isfinite(factor))
            throw UnitError(fmt::format("factor \"{}\" must be a number above 1", step.substr(1)));
    } else {
        increment = size(step.substr(1));
    }
    for (double s = first; s <= last * (1 + 1e-12) && s <= kMaxSize; s = factor > 0 ? s * factor : s + increment) {
        if (out.size() == kMaxSizes) throw UnitError(fmt::format("sweep has more than {} sizes", kMaxSizes));
        out.push_back(std::round(s));
    }
    return out;
}

} // namespace snsim::config
