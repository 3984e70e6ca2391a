// Lines, tokens and the value checks shared by the CSV and nccl-tests readers.
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "sim/calibration/measured_formats.hpp"
#include "sim/config/sizes.hpp"
#include "topologies/errors.hpp"
#include "topologies/text.hpp"

namespace snsim::calibration::detail {
namespace {

using config::kMaxSize; // a measured size above it could never be simulated

// The field as one number: all of it, as from_chars reads it (no leading '+' or spaces; "nan" and "inf" are read,
// and refused by the callers as not finite).
double number(const Field& field, const std::string& expected) {
    const std::string_view t = field.text;
    double v = 0;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec == std::errc::invalid_argument || end != t.data() + t.size()) refuse(field, expected);
    if (ec == std::errc::result_out_of_range) refuse(field, "number out of range");
    return v;
}

} // namespace

std::vector<Line> lines_of(std::string_view text) {
    std::vector<Line> lines;
    int number = 0;
    for (std::size_t start = 0; start < text.size();) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.push_back({++number, line});
        start = end + 1;
    }
    return lines;
}

std::vector<std::string_view> tokens(std::string_view text) {
    std::vector<std::string_view> out;
    for (std::size_t start = text.find_first_not_of(" \t"); start != std::string_view::npos;) {
        const std::size_t end = std::min(text.find_first_of(" \t", start), text.size());
        out.push_back(text.substr(start, end - start));
        start = text.find_first_not_of(" \t", end);
    }
    return out;
}

bool is_comment_or_blank(std::string_view text) {
    const std::string_view t = trim(text);
    return t.empty() || t.front() == '#';
}

std::string excerpt(std::string_view text) {
    constexpr std::size_t kMax = 80;
    return text.size() <= kMax ? std::string(text) : std::string(text.substr(0, kMax - 3)) + "...";
}

void refuse(const Field& field, const std::string& reason) {
    throw InputError(located(field.file, field.line, field.key, excerpt(field.text), reason));
}

double size_bytes(const Field& field) {
    const double v = number(field, "expected a size in bytes");
    if (!std::isfinite(v)) refuse(field, "not a finite size in bytes");
    if (!(v > 0)) refuse(field, "size must be positive");
    if (v != std::floor(v)) refuse(field, "not a whole number of bytes");
    if (v > kMaxSize) refuse(field, "size is above 8 TiB, the largest message snsim simulates");
    return v;
}

double bandwidth_Bps(const Field& field, bool zero_ok) {
    const double v = number(field, "expected a bandwidth in GB/s");
    if (!std::isfinite(v)) refuse(field, "not a finite bandwidth");
    if (zero_ok ? v < 0 : !(v > 0))
        refuse(field, zero_ok ? "bandwidth must not be negative" : "bandwidth must be positive");
    // As link bandwidths: a denormal or a 1e308 would reach the fit as a ratio no optimizer can take.
    if (v != 0 && (v < 1e-9 || v > 1e9)) refuse(field, "bandwidth out of range: 1 B/s to 1 EB/s (1e-9 to 1e9 GB/s)");
    return v * 1e9;
}

double time_s(const Field& field) {
    const double v = number(field, "expected a time in microseconds");
    if (!std::isfinite(v)) refuse(field, "not a finite time");
    if (!(v > 0)) refuse(field, "time must be positive");
    if (v < 1e-6 || v > 1e15) refuse(field, "time out of range: 1 ps to 1e9 s (1e-6 to 1e15 us)");
    return v * 1e-6;
}

} // namespace snsim::calibration::detail
