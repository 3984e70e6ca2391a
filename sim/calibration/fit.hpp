#pragma once
// The optimizer behind `snsim calibrate`: positive parameters searched in log space with NLopt's BOBYQA (a
// derivative-free trust-region method; every parameter is then of order one whatever its unit). Deterministic:
// BOBYQA uses no randomness, and the starts are a fixed list, so the same inputs give the same values to the last
// digit.
//
// A model with max/min branches (the launch interval, the fastest protocol) has plateaus where a parameter does
// not matter at the start point, and a local method can stop there. So after the given start, the fit restarts
// from each parameter in turn times 4 and divided by 4 (2n more starts) unless the first already fits exactly,
// and keeps the lowest objective (the first on ties).
#include <functional>
#include <string>
#include <vector>

namespace snsim::calibration {

struct Parameter {
    std::string name;
    double start = 1, lower = 1e-12, upper = 1e12; // > 0; the start is clamped into the bounds
};

struct FitResult {
    std::vector<double> values;
    double objective = 0;
    std::size_t evaluations = 0;
};

// Minimises `objective(values)`; it must be deterministic. Throws std::runtime_error when NLopt fails outright.
FitResult minimise(const std::vector<Parameter>& parameters,
                   const std::function<double(const std::vector<double>&)>& objective);

} // namespace snsim::calibration
