#pragma once
// A sweep spec: the YAML file behind `snsim sweep SPEC`, a grid of experiments. Its `sweep:` map names base
// configs (paths relative to the spec), a `grid` of config keys to lists of values, and what every point shares
// (set, collective, sizes, engine, out). The points are the cartesian product configs x grid values, numbered
// with the first config and the first value of every key first and the last key varying fastest, so a point's
// index means the same thing on every machine and in every run. docs/sweeps.md describes the format.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/config/config.hpp"

namespace snsim::sweep {

// A sweep of more points than this is refused when read: each point is a simulation, and the point count must
// not wrap (a grid of 64 two-value keys has 2^64 points).
inline constexpr std::size_t kMaxPoints = 1'000'000;

struct GridKey {
    std::string key;                 // a config key, e.g. topology.link.bandwidth
    std::vector<std::string> values; // as YAML text ("50GB/s", "[8, 8]")
    std::vector<int> lines;          // of each value in the spec
};

struct Point {
    std::size_t index = 0;
    std::size_t config = 0;          // into SweepSpec::configs
    std::vector<std::size_t> choice; // one value index per grid key
};

struct SweepSpec {
    std::string file;                      // the spec, as given
    std::vector<std::string> configs;      // as written in the spec (columns of the outputs)
    std::vector<std::string> config_paths; // resolved against the spec's directory
    std::vector<int> config_lines;         // of each config in the spec
    std::vector<GridKey> grid;             // in the spec's order
    config::Config::Overrides set;         // applied to every point before its grid values
    std::vector<int> set_lines;            // of each `set` value in the spec
    std::string collective, sizes, engine; // empty: each config's own (engine: simgrid)
    std::string out;                       // output directory (default results/<spec name>)
    int line = 0;                          // of the `sweep:` key
    std::string fingerprint;               // 16 hex digits of everything that decides the rows

    std::size_t points() const;
    Point point(std::size_t index) const;
    // `set`, then the point's grid values, as Config::load overrides.
    config::Config::Overrides overrides(const Point& p) const;
    // The grid value of `key` at point p, or empty when the key is not in the grid.
    std::string value_of(const Point& p, const std::string& key) const;
};

// Reads and checks the spec's shape (keys, types, sizes, collective and engine names, files that exist). Throws
// InputError "spec:line: sweep.key: reason (got "value")". Points are checked against the configs by the caller.
SweepSpec read_spec(const std::string& file);
// read_spec of `text` as the contents of `file` (configs are still looked up beside it).
SweepSpec parse_spec(const std::string& text, const std::string& file);

} // namespace snsim::sweep
