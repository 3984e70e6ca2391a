#include "sim/calibration/fit.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <nlopt.hpp>

namespace snsim::calibration {
namespace {

// Below this objective the start already fits exactly (a sum of squared log ratios: 1e-10 is 1e-5 relative).
constexpr double kExact = 1e-10;

struct Problem {
    const std::function<double(const std::vector<double>&)>* objective;
    std::vector<double> values; // scratch
    std::size_t evaluations = 0;
};

double in_log_space(const std::vector<double>& x, std::vector<double>& /*gradient: none*/, void* data) {
    auto& p = *static_cast<Problem*>(data);
    for (std::size_t i = 0; i < x.size(); ++i)
        p.values[i] = std::exp(x[i]);
    ++p.evaluations;
    const double f = (*p.objective)(p.values);
    return std::isfinite(f) ? f : HUGE_VAL;
}

// One BOBYQA run from `start` (log values); returns the objective at the point it leaves in `x`.
double run(nlopt::opt& opt, std::vector<double>& x) {
    double f = HUGE_VAL;
    try {
        opt.optimize(x, f);
    } catch (const nlopt::roundoff_limited&) {
        // The point is as good as rounding allows (an exact fit); x and f hold it.
    } catch (const nlopt::forced_stop&) {
    } catch (const std::invalid_argument& e) {
        throw std::runtime_error(std::string("optimizer: ") + e.what());
    }
    return f;
}

} // namespace

FitResult minimise(const std::vector<Parameter>& parameters,
                   const std::function<double(const std::vector<double>&)>& objective) {
    const std::size_t n = parameters.size();
    std::vector<double> lower(n), upper(n), start(n);
    for (std::size_t i = 0; i < n; ++i) {
        lower[i] = std::log(parameters[i].lower);
        upper[i] = std::log(parameters[i].upper);
        start[i] = std::clamp(std::log(parameters[i].start), lower[i], upper[i]);
    }
    Problem problem{&objective, std::vector<double>(n)};
    nlopt::opt opt(nlopt::LN_BOBYQA, static_cast<unsigned>(n));
    opt.set_lower_bounds(lower);
    opt.set_upper_bounds(upper);
    opt.set_min_objective(in_log_space, &problem);
    opt.set_xtol_abs(1e-12);
    opt.set_ftol_abs(1e-16);
    opt.set_maxeval(4000);

    std::vector<std::vector<double>> starts{start};
    for (std::size_t i = 0; i < n; ++i)
        for (double factor : {4.0, 0.25}) {
            std::vector<double> s = start;
            s[i] = std::clamp(s[i] + std::log(factor), lower[i], upper[i]);
            starts.push_back(std::move(s));
        }
    FitResult best;
    best.objective = HUGE_VAL;
    for (const auto& s : starts) {
        std::vector<double> x = s;
        const double f = run(opt, x);
        if (f < best.objective) {
            best.objective = f;
            best.values.resize(n);
            for (std::size_t i = 0; i < n; ++i)
                best.values[i] = std::exp(x[i]);
        }
        if (best.objective < kExact) break;
    }
    best.evaluations = problem.evaluations;
    if (best.values.empty()) throw std::runtime_error("optimizer: no start point gave a finite objective");
    return best;
}

} // namespace snsim::calibration
