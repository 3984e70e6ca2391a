#include "sim/calibration/calibration.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/calibration/fit.hpp"
#include "sim/config/run_request.hpp"
#include "sim/config/topology_request.hpp"
#include "topologies/errors.hpp"
#include "topologies/text.hpp"

namespace snsim::calibration {
namespace {

using config::KeyType;

// A value as the config reads it back exactly (17 significant digits, in the key's base unit).
std::string yaml_value(KeyType type, double v) {
    switch (type) {
    case KeyType::Time: return fmt::format("{:.17g}s", v);
    case KeyType::Bandwidth: return fmt::format("{:.17g}B/s", v);
    default: return fmt::format("{:.17g}", v);
    }
}

// Search bounds, and the start: the config's value (or, when it is 0, unset, one per kind of key) within them.
Parameter parameter_of(const std::string& key, KeyType type, double value) {
    Parameter p{key};
    if (type == KeyType::Time) {
        p.lower = 1e-10, p.upper = 0.1, p.start = 1e-6;
    } else if (type == KeyType::Bandwidth) {
        p.lower = 1e6, p.upper = 1e15, p.start = 1e11;
    } else if (key.ends_with("efficiency")) {
        p.lower = 1e-3, p.upper = 1, p.start = 0.8;
    } else {
        p.lower = 1e-6, p.upper = 1e6, p.start = 1;
    }
    if (value > 0) p.start = std::clamp(value, p.lower, p.upper);
    return p;
}

FittedKey fittable(const config::Config& c, const std::string& key) {
    const config::KeyDecl* decl = config::find_key(key);
    if (!decl) throw InputError(fmt::format("--fit \"{}\": not a config key (snsim keys lists them)", key));
    if (decl->type != KeyType::Time && decl->type != KeyType::Bandwidth && decl->type != KeyType::Real)
        throw InputError(fmt::format("--fit \"{}\": {} cannot be fitted; expected a time, a bandwidth or a number", key,
                                     config::describe(decl->type)));
    return {key, decl->type, c.real(key), 0};
}

// What a fragment fitting cost.<protocol>.* keys must carry to be included anywhere: cost.protocols as the measured
// config lists them, and each listed protocol's keys that config gives and the fit does not set.
std::vector<std::pair<std::string, std::string>> protocol_keys(const config::Config& c,
                                                               const std::vector<FittedKey>& fitted) {
    const auto& names = c.strings("cost.protocols");
    const auto is_fitted = [&](const std::string& key) {
        return std::any_of(fitted.begin(), fitted.end(), [&](const FittedKey& k) { return k.key == key; });
    };
    const bool needed = std::any_of(fitted.begin(), fitted.end(), [&](const FittedKey& k) {
        return std::any_of(names.begin(), names.end(),
                           [&](const std::string& name) { return k.key.starts_with("cost." + name + "."); });
    });
    if (!needed) return {};
    std::vector<std::pair<std::string, std::string>> carried = {
        {"cost.protocols", fmt::format("[{}]", fmt::join(names, ", "))}};
    for (const auto& name : names)
        for (const char* field : {"latency", "efficiency", "min_size", "max_size"}) {
            const std::string key = fmt::format("cost.{}.{}", name, field);
            if (c.given(key) && !is_fitted(key))
                carried.emplace_back(key, yaml_value(config::find_key(key)->type, c.real(key)));
        }
    return carried;
}

// Time of each measured point in seconds: its time column, else from its bus bandwidth.
double measured_time(const MeasuredPoint& point, double busbw_factor) {
    return point.time_s > 0 ? point.time_s : point.size_bytes * busbw_factor / point.busbw_Bps;
}

class Model {
  public:
    Model(const CalibrationRequest& request, std::vector<FittedKey> keys) : request_(request), keys_(std::move(keys)) {}

    // The rows `snsim run` gives for `sizes` with the keys set to `values`.
    std::vector<report::RunRow> rows(const std::vector<double>& values, const std::vector<double>& sizes) const {
        config::Config::Overrides overrides;
        for (std::size_t i = 0; i < keys_.size(); ++i)
            overrides.emplace_back(keys_[i].key, yaml_value(keys_[i].type, values[i]));
        const auto config = config::Config::load(request_.config_path, overrides);
        const Topology topology = config::build_topology(config);
        const auto chips = config::communicator(config, topology);
        Experiment x = request_.experiment(config);
        x.sizes = sizes;
        return run_experiment(topology, chips, x, [](const report::RunRow&) {}).rows;
    }

  private:
    const CalibrationRequest& request_;
    std::vector<FittedKey> keys_;
};

} // namespace

std::size_t Calibration::trained() const {
    return static_cast<std::size_t>(std::count_if(sizes.begin(), sizes.end(), [](const auto& s) { return s.trained; }));
}

std::vector<std::string> default_fit(const config::Config& c) {
    const auto& protocols = c.strings("cost.protocols");
    if (protocols.empty()) return {"cost.alpha", "cost.efficiency"};
    std::vector<std::string> keys;
    for (const auto& p : protocols)
        keys.push_back("cost." + p + ".latency");
    keys.push_back("cost.efficiency");
    keys.push_back("cost.launch_interval");
    return keys;
}

std::vector<double> default_train_sizes(const Measured& m) {
    const double lo = std::log(m.points.front().size_bytes), hi = std::log(m.points.back().size_bytes);
    std::vector<double> out;
    for (double q : {0.125, 0.375, 0.625, 0.875}) {
        if (out.size() + 1 >= m.points.size()) break; // leave at least one size to test on
        const double target = lo + q * (hi - lo);
        const auto nearest = std::min_element(m.points.begin(), m.points.end(), [&](const auto& a, const auto& b) {
            return std::abs(std::log(a.size_bytes) - target) < std::abs(std::log(b.size_bytes) - target);
        });
        if (std::find(out.begin(), out.end(), nearest->size_bytes) == out.end()) out.push_back(nearest->size_bytes);
    }
    return out;
}

Calibration calibrate(const Measured& measured, const CalibrationRequest& request) {
    const auto base = config::Config::load(request.config_path);
    const Experiment x = request.experiment(base);
    if (x.sizes_per_pair)
        throw InputError("--size-per pair (collective.size_per): measured sizes are per-rank totals, as nccl-tests "
                         "writes them; calibrate takes them so");
    if (measured.collective && *measured.collective != x.collective)
        throw InputError(fmt::format("{}: measures {}, but the experiment is {}; use --collective {}", measured.file,
                                     to_string(*measured.collective), to_string(x.collective),
                                     to_string(*measured.collective)));
    const auto& points = measured.points;
    if (points.size() < 2)
        throw InputError(fmt::format("{}: 1 measured size; calibrate needs at least 2, some to fit on and some to "
                                     "test on",
                                     measured.file));
    std::vector<double> train = request.train_sizes.empty() ? default_train_sizes(measured) : request.train_sizes;
    for (double size : train)
        if (std::none_of(points.begin(), points.end(), [&](const auto& p) { return p.size_bytes == size; }))
            throw InputError(fmt::format("--train-sizes: {} B was not measured in {} (measured: {} to {} B)", size,
                                         measured.file, points.front().size_bytes, points.back().size_bytes));
    std::sort(train.begin(), train.end());
    train.erase(std::unique(train.begin(), train.end()), train.end());
    if (train.size() >= points.size())
        throw InputError(fmt::format("--train-sizes: all {} measured sizes are training sizes; leave some to test on",
                                     points.size()));

    Calibration out;
    std::vector<Parameter> parameters;
    for (const auto& key : request.fit.empty() ? default_fit(base) : request.fit) {
        for (const auto& earlier : out.keys)
            if (earlier.key == key) throw InputError(fmt::format("--fit \"{}\": named twice", key));
        out.keys.push_back(fittable(base, key));
        parameters.push_back(parameter_of(key, out.keys.back().type, out.keys.back().start));
        out.keys.back().start = parameters.back().start;
    }
    out.carried = protocol_keys(base, out.keys);
    const Model model(request, out.keys);
    // The model at the start point: a config that refuses it is the user's error, in one line (during the search a
    // refused value only counts as infinitely bad); its rows give the bus bandwidth factor of the measurements.
    std::vector<double> start;
    for (const auto& p : parameters)
        start.push_back(p.start);
    const double factor = model.rows(start, train).front().busbw_factor;
    std::map<double, double> measured_s;
    for (const auto& p : points)
        measured_s[p.size_bytes] = measured_time(p, factor);

    const auto objective = [&](const std::vector<double>& values) {
        double sum = 0;
        try {
            for (const auto& row : model.rows(values, train))
                sum += std::pow(std::log(row.time_s / measured_s.at(row.size_bytes)), 2);
        } catch (const InputError&) {
            return HUGE_VAL; // a value the config refuses: outside the model
        }
        return sum;
    };
    const FitResult fit = minimise(parameters, objective);
    for (std::size_t i = 0; i < out.keys.size(); ++i)
        out.keys[i].value = fit.values[i];
    out.objective = fit.objective;
    out.evaluations = fit.evaluations;

    std::vector<double> sizes;
    for (const auto& p : points)
        sizes.push_back(p.size_bytes);
    std::size_t tested = 0;
    for (const auto& row : model.rows(fit.values, sizes)) {
        SizeResult r{row.size_bytes, row.size_bytes * factor / measured_s[row.size_bytes],
                     row.size_bytes * factor / row.time_s};
        r.error = measured_s[row.size_bytes] / row.time_s - 1;
        r.trained = std::find(train.begin(), train.end(), row.size_bytes) != train.end();
        r.protocol = row.protocol;
        if (!r.trained) {
            ++tested;
            out.mape += std::abs(r.error);
            if (std::abs(r.error) > out.worst) out.worst = std::abs(r.error), out.worst_size = r.size_bytes;
        }
        out.sizes.push_back(r);
    }
    out.mape /= static_cast<double>(tested);
    return out;
}

std::string fragment(const Calibration& c, const std::string& comment) {
    // Nested maps from dotted keys, in key order.
    std::map<std::string, std::string> flat(c.carried.begin(), c.carried.end());
    for (const auto& k : c.keys)
        flat[k.key] = yaml_value(k.type, k.value);
    std::string out = comment;
    std::vector<std::string> open; // the sections of the previous key
    for (const auto& [key, value] : flat) {
        const std::vector<std::string_view> parts = split(key, '.');
        std::size_t same = 0;
        while (same < open.size() && same + 1 < parts.size() && open[same] == parts[same])
            ++same;
        open.resize(same);
        for (std::size_t i = same; i + 1 < parts.size(); ++i) {
            out += fmt::format("{:{}}{}:\n", "", 2 * i, parts[i]);
            open.emplace_back(parts[i]);
        }
        out += fmt::format("{:{}}{}: {}\n", "", 2 * (parts.size() - 1), parts.back(), value);
    }
    return out;
}

} // namespace snsim::calibration
