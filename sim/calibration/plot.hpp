#pragma once
// The calibration figure as SVG (no plotting library needed): measured and simulated bus bandwidth against size
// on a log axis, the training sizes marked.
#include <string>

#include "sim/calibration/calibration.hpp"

namespace snsim::calibration {

std::string busbw_svg(const Calibration& calibration, const std::string& title);

} // namespace snsim::calibration
