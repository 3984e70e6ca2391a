#include "sim/engine/simgrid_settings.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <functional>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "topologies/errors.hpp"

namespace snsim {
namespace {

// A value check returns the reason it refuses, or "" to accept.
using Check = std::function<std::string(std::string_view)>;

struct Setting {
    std::string_view key;
    Check check;
};

std::string_view trimmed(std::string_view v) {
    while (!v.empty() && v.front() == ' ')
        v.remove_prefix(1);
    while (!v.empty() && v.back() == ' ')
        v.remove_suffix(1);
    return v;
}

Check real(double least, double most, bool least_open) {
    return [=](std::string_view text) -> std::string {
        double v = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v))
            return "expected a finite number";
        if (v < least || (least_open && v == least) || v > most)
            return fmt::format("must be {} {} and at most {}", least_open ? "above" : "at least", least, most);
        return "";
    };
}

Check whole(long long least, long long most, std::string_view unit = "") {
    return [=](std::string_view text) -> std::string {
        long long v = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec != std::errc() || end != text.data() + text.size()) return "expected a whole number";
        if (v < least || v > most) return fmt::format("must be {} to {}{}", least, most, unit);
        return "";
    };
}

Check one_of(std::vector<std::string_view> values, std::string why = "") {
    return [=](std::string_view text) -> std::string {
        for (auto v : values)
            if (text == v) return "";
        return why.empty() ? fmt::format("expected one of {}", fmt::join(values, ", ")) : why;
    };
}

const std::vector<Setting>& settings() {
    static const std::vector<Setting> all = {
        {"network/model", one_of({"CM02"}, "snsim's engine works with CM02 only")},
        {"network/TCP-gamma", one_of({"0"}, "a TCP window caps each flow at window / (2 x route latency), which "
                                            "snsim's cable model does not take; 0 (none) is the default")},
        {"network/bandwidth-factor", real(1e-3, 1, false)},
        {"network/latency-factor", one_of({"1", "1.0"}, "snsim sets every route's latency itself (cable latencies "
                                                        "plus cost.alpha); leave it at 1")},
        {"network/crosstraffic", one_of({"0", "no", "off", "false"}, "snsim's routes are one-way links per cable "
                                                                     "direction (FabricZone); leave it off")},
        {"network/weight-S", real(0, 1e12, false)},
        {"maxmin/precision", real(1e-15, 1e-1, false)},
        {"surf/precision", real(1e-15, 1e-1, false)},
        {"contexts/factory", one_of({"raw", "thread", "ucontext", "boost"})},
        {"contexts/stack-size", whole(64, 1 << 20, " KiB")},
        {"contexts/guard-size", whole(0, 1024, " pages")},
        {"contexts/nthreads", one_of({"1"}, "snsim's engine runs actors one at a time; use 1")},
    };
    return all;
}

} // namespace

std::vector<std::string> check_simgrid_settings(const std::vector<std::string>& given) {
    std::vector<std::string> out;
    for (const auto& setting : given) {
        const auto refuse = [&](const std::string& why) {
            throw InputError(one_line(fmt::format("--cfg \"{}\": {}", setting, why)));
        };
        const auto colon = setting.find(':');
        if (colon == std::string::npos || trimmed(std::string_view(setting).substr(colon + 1)).empty() ||
            trimmed(std::string_view(setting).substr(0, colon)).empty())
            refuse("expected KEY:VALUE, e.g. maxmin/precision:1e-9");
        const std::string_view key = trimmed(std::string_view(setting).substr(0, colon));
        const std::string_view value = trimmed(std::string_view(setting).substr(colon + 1));
        if (key.starts_with("tracing"))
            refuse("SimGrid's tracing is not supported (snsim drives SimGrid with one actor per lane of flows, so "
                   "its traces would not show chips); snsim workload --trace writes a timeline per rank");
        const Setting* found = nullptr;
        for (const auto& s : settings())
            if (s.key == key) found = &s;
        if (!found) {
            std::vector<std::string_view> keys;
            for (const auto& s : settings())
                keys.push_back(s.key);
            refuse(fmt::format("not a SimGrid setting snsim takes; it takes {}", fmt::join(keys, ", ")));
        }
        if (const std::string why = found->check(value); !why.empty()) refuse(fmt::format("{}: {}", key, why));
        out.push_back(fmt::format("{}:{}", key, value)); // as checked: SimGrid would take " CM02" as a model name
    }
    return out;
}

} // namespace snsim
