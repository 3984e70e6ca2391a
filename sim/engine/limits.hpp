#pragma once
// Limits of what the engines can time.

namespace snsim {

// The largest message snsim simulates: the SimGrid engine counts a transfer in 2^-20-byte units in 64 bits, which
// wraps above 8 TiB (1e30 bytes came out at 2.8e18% utilization); nothing real is that large.
constexpr double kMaxMessageBytes = 8.0 * 1024 * 1024 * 1024 * 1024;

} // namespace snsim
