#include "sim/sweep/spec.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "sim/collectives/collective.hpp"
#include "sim/config/sizes.hpp"
#include "sim/engine/engine.hpp"
#include "topologies/errors.hpp"
#include "topologies/io/bounded_file.hpp"
#include "topologies/io/bounded_yaml.hpp"
#include "topologies/units.hpp"

namespace snsim::sweep {
namespace fs = std::filesystem;
namespace {

const std::vector<std::string> kKeys = {"configs", "grid", "set", "collective", "sizes", "engine", "out"};

// FNV-1a, 64 bits: a stable digest (std::hash may change between library versions, and shards of one sweep may
// run on different machines).
class Digest {
  public:
    void add(const std::string& text) {
        for (unsigned char c : text)
            h_ = (h_ ^ c) * 0x100000001b3ULL;
        h_ = (h_ ^ 0xff) * 0x100000001b3ULL; // separator: ("ab","c") differs from ("a","bc")
    }
    std::string hex() const { return fmt::format("{:016x}", h_); }

  private:
    std::uint64_t h_ = 0xcbf29ce484222325ULL;
};

class Reader {
  public:
    explicit Reader(const std::string& file) { spec_.file = file; }

    SweepSpec read(const std::string& text) {
        const YAML::Node root = load_yaml(text, [&](int line, const std::string& reason) {
            return InputError(located(spec_.file, line, "", "", reason));
        });
        if (!root.IsMap() || !root["sweep"])
            throw InputError(located(spec_.file, 0, "sweep", "", "a sweep spec is a map with the key `sweep`"));
        for (const auto& entry : root)
            if (!entry.first.IsScalar() || entry.first.Scalar() != "sweep")
                throw InputError(located(spec_.file, entry.first.Mark().line + 1,
                                         entry.first.IsScalar() ? entry.first.Scalar() : "?", "",
                                         "unknown key; a sweep spec has the one key `sweep`"));
        const YAML::Node s = root["sweep"];
        spec_.line = s.Mark().line + 1;
        if (!s.IsMap()) throw bad(s, "", "expected a map of keys");
        for (const auto& entry : s)
            if (std::find(kKeys.begin(), kKeys.end(), entry.first.Scalar()) == kKeys.end())
                throw bad(entry.first, entry.first.Scalar(),
                          "unknown key; expected configs, grid, set, collective, sizes, engine or out");
        read_configs(s["configs"], s);
        read_grid(s["grid"]);
        read_set(s["set"]);
        read_choices(s);
        spec_.out = scalar(s, "out");
        if (spec_.out.empty()) spec_.out = "results/" + fs::path(spec_.file).stem().string();
        spec_.fingerprint = fingerprint();
        return std::move(spec_);
    }

  private:
    InputError bad(const YAML::Node& n, const std::string& key, const std::string& reason) const {
        return InputError(
            located(spec_.file, n.Mark().line + 1, "sweep." + key, n.IsScalar() ? n.Scalar() : "", reason));
    }

    std::string scalar(const YAML::Node& s, const std::string& key) const {
        const YAML::Node n = s[key];
        if (!n) return "";
        if (!n.IsScalar() || n.Scalar().empty()) throw bad(n, key, "expected a text");
        return n.Scalar();
    }

    void read_configs(const YAML::Node& n, const YAML::Node& s) {
        if (!n || !n.IsSequence() || n.size() == 0) throw bad(n ? n : s, "configs", "expected a list of config files");
        const fs::path base = fs::path(spec_.file).parent_path();
        for (const auto& item : n) {
            if (!item.IsScalar()) throw bad(item, "configs", "expected a file name");
            const std::string path = (base / item.Scalar()).lexically_normal().string();
            if (!fs::is_regular_file(path))
                throw bad(item, "configs",
                          fmt::format("no such config file {} (paths are relative to the spec)", path));
            spec_.configs.push_back(item.Scalar());
            spec_.config_paths.push_back(path);
            spec_.config_lines.push_back(item.Mark().line + 1);
        }
    }

    // A value as one line of YAML ("[8, 8]"), whatever style the spec wrote it in.
    static std::string text_of(const YAML::Node& n) {
        if (n.IsScalar()) return n.Scalar();
        YAML::Emitter out;
        out << YAML::Flow << n;
        return out.c_str();
    }

    void read_grid(const YAML::Node& g) {
        if (!g) return;
        if (!g.IsMap()) throw bad(g, "grid", "expected a map of config keys to lists of values");
        std::size_t points = std::max<std::size_t>(spec_.configs.size(), 1);
        for (const auto& entry : g) {
            const std::string key = entry.first.Scalar();
            const YAML::Node values = entry.second;
            if (!values.IsSequence() || values.size() == 0)
                throw bad(values, "grid." + key, "expected a list of values, e.g. [ring, in_switch]");
            GridKey k{key, {}, {}};
            std::set<std::string> seen;
            for (const auto& v : values) {
                if (v.IsMap()) throw bad(v, "grid." + key, "expected a value or a list, not a map");
                k.values.push_back(text_of(v));
                k.lines.push_back(v.Mark().line + 1);
                if (!seen.insert(k.values.back()).second) throw bad(v, "grid." + key, "value listed twice");
            }
            // Points are numbered in a size_t; the product is checked before it can wrap.
            if (points > kMaxPoints / k.values.size())
                throw bad(values, "grid." + key,
                          fmt::format("the grid has more than {} points; split the sweep into specs", kMaxPoints));
            points *= k.values.size();
            spec_.grid.push_back(std::move(k));
        }
    }

    void read_set(const YAML::Node& set) {
        if (!set) return;
        if (!set.IsMap()) throw bad(set, "set", "expected a map of config keys to values");
        for (const auto& entry : set) {
            spec_.set.emplace_back(entry.first.Scalar(), text_of(entry.second));
            spec_.set_lines.push_back(entry.second.Mark().line + 1);
        }
    }

    void read_choices(const YAML::Node& s) {
        spec_.collective = scalar(s, "collective");
        if (!spec_.collective.empty() && !collective_from(spec_.collective))
            throw bad(s["collective"], "collective", "unknown collective (snsim run --help lists them)");
        spec_.engine = scalar(s, "engine");
        if (!spec_.engine.empty() && !engine_from(spec_.engine) && spec_.engine != "both")
            throw bad(s["engine"], "engine", "expected simgrid, analytic or both");
        if (const YAML::Node n = s["sizes"]; n && n.IsSequence()) {
            for (const auto& item : n)
                spec_.sizes += (spec_.sizes.empty() ? "" : ",") + text_of(item);
        } else {
            spec_.sizes = scalar(s, "sizes");
        }
        try {
            if (!spec_.sizes.empty()) config::parse_sizes(spec_.sizes);
        } catch (const units::UnitError& e) {
            throw bad(s["sizes"], "sizes", e.what());
        }
    }

    // Everything that decides a row: the configs' contents, the grid, set, collective, sizes and engine (not
    // where outputs go, nor how many jobs or shards run them).
    std::string fingerprint() const {
        Digest d;
        d.add("snsim sweep 1");
        for (std::size_t i = 0; i < spec_.configs.size(); ++i) {
            d.add(spec_.configs[i]);
            d.add(read_bounded(spec_.config_paths[i], "config file", [&](const std::string& reason) {
                return InputError(located(spec_.file, spec_.config_lines[i], "sweep.configs", spec_.configs[i],
                                          spec_.config_paths[i] + ": " + reason));
            }));
        }
        for (const auto& k : spec_.grid) {
            d.add(k.key);
            for (const auto& v : k.values)
                d.add(v);
        }
        for (const auto& [key, value] : spec_.set) {
            d.add(key);
            d.add(value);
        }
        for (const auto* text : {&spec_.collective, &spec_.sizes, &spec_.engine})
            d.add(*text);
        return d.hex();
    }

    SweepSpec spec_;
};

} // namespace

std::size_t SweepSpec::points() const {
    std::size_t n = configs.size();
    for (const auto& k : grid)
        n *= k.values.size();
    return n;
}

Point SweepSpec::point(std::size_t index) const {
    Point p;
    p.index = index;
    p.choice.resize(grid.size());
    for (std::size_t k = grid.size(); k-- > 0;) {
        p.choice[k] = index % grid[k].values.size();
        index /= grid[k].values.size();
    }
    p.config = index;
    return p;
}

config::Config::Overrides SweepSpec::overrides(const Point& p) const {
    config::Config::Overrides out = set;
    for (std::size_t k = 0; k < grid.size(); ++k)
        out.emplace_back(grid[k].key, grid[k].values[p.choice[k]]);
    return out;
}

std::string SweepSpec::value_of(const Point& p, const std::string& key) const {
    for (std::size_t k = 0; k < grid.size(); ++k)
        if (grid[k].key == key) return grid[k].values[p.choice[k]];
    return "";
}

SweepSpec parse_spec(const std::string& text, const std::string& file) {
    return Reader(file).read(text);
}

SweepSpec read_spec(const std::string& file) {
    const std::string text = read_bounded(
        file, "sweep spec", [&](const std::string& reason) { return InputError(located(file, 0, "", "", reason)); });
    return parse_spec(text, file);
}

} // namespace snsim::sweep
