#include "topologies/units.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <utility>

#include <fmt/format.h>

#include "topologies/text.hpp"

namespace snsim::units {
namespace {

using Table = std::initializer_list<std::pair<std::string_view, double>>;

constexpr double Ki = 1024.0, Mi = Ki * 1024, Gi = Mi * 1024, Ti = Gi * 1024;

const Table& table(Quantity q) {
    static const Table bandwidth = {{"B/s", 1},        {"kB/s", 1e3},      {"KB/s", 1e3},     {"MB/s", 1e6},
                                    {"GB/s", 1e9},     {"TB/s", 1e12},     {"KiB/s", Ki},     {"MiB/s", Mi},
                                    {"GiB/s", Gi},     {"TiB/s", Ti},      {"Bps", 1},        {"kBps", 1e3},
                                    {"KBps", 1e3},     {"MBps", 1e6},      {"GBps", 1e9},     {"TBps", 1e12},
                                    {"b/s", 1.0 / 8},  {"kb/s", 1e3 / 8},  {"Kb/s", 1e3 / 8}, {"Mb/s", 1e6 / 8},
                                    {"Gb/s", 1e9 / 8}, {"Tb/s", 1e12 / 8}, {"bps", 1.0 / 8},  {"kbps", 1e3 / 8},
                                    {"Kbps", 1e3 / 8}, {"Mbps", 1e6 / 8},  {"Gbps", 1e9 / 8}, {"Tbps", 1e12 / 8}};
    static const Table time = {{"s", 1}, {"ms", 1e-3}, {"us", 1e-6}, {"µs", 1e-6}, {"ns", 1e-9}, {"ps", 1e-12}};
    static const Table bytes = {{"", 1},     {"B", 1},     {"kB", 1e3}, {"KB", 1e3}, {"MB", 1e6},
                                {"GB", 1e9}, {"TB", 1e12}, {"KiB", Ki}, {"MiB", Mi}, {"GiB", Gi},
                                {"TiB", Ti}, {"K", Ki},    {"M", Mi},   {"G", Gi},   {"T", Ti}};
    static const Table flops = {{"FLOPS", 1},     {"GFLOPS", 1e9},     {"TFLOPS", 1e12},     {"PFLOPS", 1e15},
                                {"FLOP/s", 1},    {"GFLOP/s", 1e9},    {"TFLOP/s", 1e12},    {"PFLOP/s", 1e15}};
    switch (q) {
    case Quantity::Bandwidth: return bandwidth;
    case Quantity::Time: return time;
    case Quantity::Bytes: return bytes;
    case Quantity::Flops: return flops;
    }
    return bytes;
}

std::string scaled(double value, std::initializer_list<std::pair<double, std::string_view>> steps) {
    auto chosen = *steps.begin();
    for (const auto& step : steps)
        if (std::abs(value) >= step.first) chosen = step;
    return fmt::format("{:.4g} {}", value / chosen.first, chosen.second);
}

} // namespace

std::string_view name(Quantity q) {
    switch (q) {
    case Quantity::Bandwidth: return "bandwidth";
    case Quantity::Time: return "time";
    case Quantity::Bytes: return "size in bytes";
    case Quantity::Flops: return "compute rate";
    }
    return "";
}

std::string_view examples(Quantity q) {
    switch (q) {
    case Quantity::Bandwidth: return "392GB/s, 224Gbps, 28 GBps";
    case Quantity::Time: return "1.2us, 200ns, 3ms";
    case Quantity::Bytes: return "8GiB, 64KB, 1M, 4096";
    case Quantity::Flops: return "989TFLOPS, 2.5PFLOPS";
    }
    return "";
}

double parse(Quantity q, std::string_view text) {
    const std::string_view s = trim(text);
    double number = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), number);
    if (ec != std::errc() || end == s.data())
        throw UnitError(fmt::format("expected a {} such as {}", name(q), examples(q)));
    if (!std::isfinite(number)) throw UnitError(fmt::format("not a finite {}", name(q)));
    const std::string_view unit = trim(s.substr(static_cast<std::size_t>(end - s.data())));
    for (const auto& [symbol, factor] : table(q)) {
        if (symbol != unit) continue;
        const double value = number * factor;
        if (!std::isfinite(value)) throw UnitError(fmt::format("{} is out of range", name(q)));
        if (q == Quantity::Bytes && value != std::floor(value)) throw UnitError("not a whole number of bytes");
        // Beyond these, times come out as denormals or infinities (1e-300GB/s took 1.5e296 us), not as answers.
        if (q == Quantity::Bandwidth && value > 0 && (value < 1 || value > 1e18))
            throw UnitError("bandwidth out of range: 1 B/s to 1 EB/s");
        if (q == Quantity::Time && value > 1e6) throw UnitError("time out of range: at most 1e6 s");
        if (q == Quantity::Flops && value > 0 && (value < 1e6 || value > 1e21))
            throw UnitError("compute rate out of range: 1 MFLOPS to 1 ZFLOPS");
        return value;
    }
    if (unit.empty()) throw UnitError(fmt::format("missing unit: write a {} such as {}", name(q), examples(q)));
    throw UnitError(fmt::format("unknown unit \"{}\" for a {}; use e.g. {}", unit, name(q), examples(q)));
}

std::string format_bandwidth(double v) {
    return scaled(v, {{1, "B/s"}, {1e3, "KB/s"}, {1e6, "MB/s"}, {1e9, "GB/s"}, {1e12, "TB/s"}, {1e15, "PB/s"}});
}

std::string format_time(double v) {
    if (v == 0) return "0 s";
    return scaled(v, {{1e-12, "ps"}, {1e-9, "ns"}, {1e-6, "us"}, {1e-3, "ms"}, {1, "s"}});
}

std::string format_flops(double v) {
    return scaled(v, {{1, "FLOPS"}, {1e9, "GFLOPS"}, {1e12, "TFLOPS"}, {1e15, "PFLOPS"}});
}

std::string format_bytes(double v) {
    return scaled(v, {{1, "B"}, {Ki, "KiB"}, {Mi, "MiB"}, {Gi, "GiB"}, {Ti, "TiB"}});
}

} // namespace snsim::units
