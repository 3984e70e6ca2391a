#pragma once
// Message-size sweeps as nccl-tests writes them: "1K:8G:x2" (from 1 KiB to 8 GiB, doubling), "1M:64M:+16M"
// (adding a step), a single size "256M", or a comma list "1M,4M,1G". Sizes take the byte units of
// topologies/units.hpp (bare K/M/G are binary); each is 1 byte to 8 TiB. Throws units::UnitError with the reason.
#include <string_view>
#include <vector>

namespace snsim::config {

std::vector<double> parse_sizes(std::string_view text);

// The largest message snsim simulates: the SimGrid engine counts a transfer in 2^-20-byte units in 64 bits, which
// wraps above 8 TiB (1e30 bytes came out at 2.8e18% utilization); nothing real is that large.
constexpr double kMaxSize = 8.0 * 1024 * 1024 * 1024 * 1024;

} // namespace snsim::config
