#pragma once
// Typed units, converted once at parse time into base units: bytes per second, seconds, bytes.
//   bandwidth: "392GB/s", "28 GBps", "224Gbps", "1.6Tb/s", "100GiB/s"  (B = byte, b = bit; K/M/G/T decimal,
//              Ki/Mi/Gi/Ti binary)
//   time:      "1.2us", "1.2µs", "200ns", "3ms", "1s", "500ps"
//   bytes:     "8GiB", "64KB", "1M" (bare K/M/G/T are binary, as in nccl-tests' -b/-e), "4096" (bytes)
//   compute:   "989TFLOPS", "2.5 PFLOPS", "752TFLOP/s" (floating-point operations per second, decimal prefixes)
// A bare number is accepted only for bytes. Parsing throws UnitError with the reason; callers add the key and
// position. Values may be negative or zero here; range checks belong to the caller, which knows the key.
#include <stdexcept>
#include <string>
#include <string_view>

namespace snsim::units {

enum class Quantity { Bandwidth, Time, Bytes, Flops };

class UnitError : public std::invalid_argument {
  public:
    using std::invalid_argument::invalid_argument;
};

double parse(Quantity quantity, std::string_view text);
inline double parse_bandwidth(std::string_view text) {
    return parse(Quantity::Bandwidth, text);
}
inline double parse_time(std::string_view text) {
    return parse(Quantity::Time, text);
}
inline double parse_bytes(std::string_view text) {
    return parse(Quantity::Bytes, text);
}
inline double parse_flops(std::string_view text) {
    return parse(Quantity::Flops, text);
}

std::string_view name(Quantity quantity);     // "bandwidth", "time", "size in bytes"
std::string_view examples(Quantity quantity); // "392GB/s, 224Gbps, 28 GBps"

// Human-readable with a unit and 4 significant digits: "700 GB/s", "1.2 us", "8 GiB".
std::string format_bandwidth(double bytes_per_s);
std::string format_time(double seconds);
std::string format_bytes(double bytes);
std::string format_flops(double flops_per_s);

} // namespace snsim::units
