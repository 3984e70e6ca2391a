#pragma once
// Message-size sweeps as nccl-tests writes them: "1K:8G:x2" (from 1 KiB to 8 GiB, doubling), "1M:64M:+16M"
// (adding a step), a single size "256M", or a comma list "1M,4M,1G". Sizes take the byte units of
// topologies/units.hpp (bare K/M/G are binary); each is 1 byte to 8 TiB. Throws units::UnitError with the reason.
#include <string_view>
#include <vector>

#include "sim/engine/limits.hpp"

namespace snsim::config {

std::vector<double> parse_sizes(std::string_view text);

// The largest size a sweep may name (sim/engine/limits.hpp).
constexpr double kMaxSize = kMaxMessageBytes;

} // namespace snsim::config
