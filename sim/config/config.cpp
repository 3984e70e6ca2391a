#include "sim/config/config.hpp"

#include <charconv>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "topologies/io/bounded_file.hpp"
#include "topologies/io/bounded_yaml.hpp"
#include "topologies/units.hpp"

namespace snsim::config {

namespace {

YAML::Node load_config_yaml(const std::string& text, const std::string& file) {
    return load_yaml(
        text, [&](int line, const std::string& reason) { return ConfigError(located(file, line, "", "", reason)); });
}

} // namespace

// Turns YAML trees (the config, then the files it includes) into checked entries, one declared key at a time.
class Loader {
  public:
    explicit Loader(Config& out) : out_(out), file_(out.file_) {}

    // `root` is the config with its overrides applied.
    void read(const YAML::Node& root) {
        if (!root.IsDefined() || root.IsNull())
            throw ConfigError(located(file_, 0, "", "", "config is empty; it needs at least topology.kind"));
        if (!root.IsMap()) throw ConfigError(located(file_, line(root), "", "", "expected a map of keys at the top"));
        std::vector<YAML::Node> include;
        walk(root, "", out_.entries_, &include);
        // Each included file fills in what the config and the files after it do not give.
        std::vector<std::map<std::string, Config::Entry>> included;
        for (const auto& name : include)
            included.push_back(read_included(name));
        for (auto it = included.rbegin(); it != included.rend(); ++it)
            out_.entries_.insert(it->begin(), it->end());
        file_ = out_.file_;
        fill_defaults();
        check_kind();
    }

  private:
    // Overridden values have no position (see unplaced): kOverridden.
    static int line(const YAML::Node& n) { return n.Mark().is_null() ? Config::kOverridden : n.Mark().line + 1; }

    // The value as written, for messages: scalars and flat lists verbatim ("[4, 4]"); maps as "a map".
    static std::string text_of(const YAML::Node& n) {
        if (n.IsScalar()) return n.Scalar();
        if (n.IsMap()) return "a map";
        if (!n.IsSequence()) return "";
        std::vector<std::string> items;
        for (const auto& item : n)
            items.push_back(item.IsScalar() ? item.Scalar() : "...");
        return fmt::format("[{}]", fmt::join(items, ", "));
    }

    [[noreturn]] void fail(const YAML::Node& n, const std::string& key, const std::string& reason) const {
        throw ConfigError(located(file_, line(n), key, text_of(n), reason));
    }

    // The entries of the file named by `name` (an item of the config's `include`), relative to the config.
    std::map<std::string, Config::Entry> read_included(const YAML::Node& name) {
        const std::string& config = out_.file_;
        const std::string path =
            (std::filesystem::path(config).parent_path() / name.Scalar()).lexically_normal().string();
        const std::string text = read_bounded(path, "config file", [&](const std::string& reason) {
            return ConfigError(located(config, line(name), "include", name.Scalar(), path + ": " + reason));
        });
        file_ = path;
        const YAML::Node root = load_config_yaml(text, path);
        std::map<std::string, Config::Entry> entries;
        if (!root.IsDefined() || root.IsNull()) return entries; // an empty file includes nothing
        if (!root.IsMap()) throw ConfigError(located(file_, line(root), "", "", "expected a map of keys at the top"));
        walk(root, "", entries, nullptr);
        return entries;
    }

    // Checks the keys of `map` into `entries`; the file names of the top-level `include` go to `include`, which is
    // null in an included file (one level of includes, so no cycles).
    void walk(const YAML::Node& map, const std::string& prefix, std::map<std::string, Config::Entry>& entries,
              std::vector<YAML::Node>* include) {
        for (const auto& kv : map) {
            if (!kv.first.IsScalar())
                throw ConfigError(located(file_, line(kv.first), prefix + "?", "", "keys must be plain names"));
            const std::string key = prefix + kv.first.Scalar();
            if (entries.count(key)) fail(kv.first, key, "key given twice");
            if (key == "include" && !include)
                fail(kv.second, key, "an included file cannot include others; list them all in the including config");
            if (kv.second.IsNull()) {
                const KeyDecl* decl = find_key(key);
                throw ConfigError(
                    located(file_, line(kv.first), key, "",
                            decl ? fmt::format("missing value: expected {}", describe(decl->type)) : "missing value"));
            }
            if (const KeyDecl* decl = find_key(key)) {
                entries[key] = convert(*decl, kv.second);
                if (key == "include" && kv.second.IsScalar()) include->push_back(kv.second);
                if (key == "include" && kv.second.IsSequence())
                    for (const auto& name : kv.second)
                        include->push_back(name);
            } else if (is_section(key)) {
                if (!kv.second.IsMap()) fail(kv.second, key, "expected a section (a map of keys)");
                walk(kv.second, key + ".", entries, include);
            } else {
                const std::string hint = closest_key(key);
                fail(kv.second, key, hint.empty() ? "unknown key" : "unknown key; did you mean " + hint + "?");
            }
        }
    }

    Config::Entry convert(const KeyDecl& decl, const YAML::Node& n) const {
        Config::Entry e{{}, text_of(n), line(n), file_};
        if (decl.type == KeyType::IntegerList) {
            if (!n.IsSequence()) fail(n, decl.path, fmt::format("expected {}", describe(decl.type)));
            std::vector<long long> items;
            for (const auto& item : n)
                items.push_back(std::get<long long>(scalar(decl, item).value));
            e.value = std::move(items);
            return e;
        }
        if (decl.type == KeyType::StringList || decl.type == KeyType::Files) {
            if (decl.type == KeyType::Files && n.IsScalar()) {
                if (n.Scalar().empty()) fail(n, decl.path, "expected a non-empty text");
                e.value = std::vector<std::string>{n.Scalar()};
                return e;
            }
            if (!n.IsSequence()) fail(n, decl.path, fmt::format("expected {}", describe(decl.type)));
            std::vector<std::string> items;
            for (const auto& item : n) {
                if (!item.IsScalar() || item.Scalar().empty()) fail(item, decl.path, "expected a non-empty text");
                items.push_back(item.Scalar());
            }
            e.value = std::move(items);
            return e;
        }
        return scalar(decl, n);
    }

    Config::Entry scalar(const KeyDecl& decl, const YAML::Node& n) const {
        if (!n.IsScalar()) fail(n, decl.path, fmt::format("expected {}", describe(decl.type)));
        const std::string& s = n.Scalar();
        Config::Entry e{{}, s, line(n), file_};
        switch (decl.type) {
        case KeyType::Integer:
        case KeyType::IntegerList: {
            long long v = 0;
            const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
            if (ec == std::errc::result_out_of_range) fail(n, decl.path, "whole number out of range");
            if (ec != std::errc() || end != s.data() + s.size()) fail(n, decl.path, "expected a whole number");
            check_range(decl, n, static_cast<double>(v));
            e.value = v;
            break;
        }
        case KeyType::Real: {
            double v = 0;
            const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
            if (ec != std::errc() || end != s.data() + s.size()) fail(n, decl.path, "expected a number");
            if (!std::isfinite(v)) fail(n, decl.path, "expected a finite number");
            check_range(decl, n, v);
            e.value = v;
            break;
        }
        case KeyType::String:
        case KeyType::StringList:
        case KeyType::Files:
            if (!decl.choices.empty() && std::find(decl.choices.begin(), decl.choices.end(), s) == decl.choices.end())
                fail(n, decl.path, fmt::format("expected one of {}", fmt::join(decl.choices, ", ")));
            e.value = s;
            break;
        case KeyType::Bandwidth:
        case KeyType::Time:
        case KeyType::Bytes:
        case KeyType::Flops: {
            const auto q = decl.type == KeyType::Bandwidth ? units::Quantity::Bandwidth
                           : decl.type == KeyType::Time    ? units::Quantity::Time
                           : decl.type == KeyType::Flops   ? units::Quantity::Flops
                                                           : units::Quantity::Bytes;
            double v = 0;
            try {
                v = units::parse(q, s);
            } catch (const units::UnitError& err) {
                fail(n, decl.path, err.what());
            }
            check_range(decl, n, v);
            e.value = v;
            break;
        }
        }
        return e;
    }

    void check_range(const KeyDecl& decl, const YAML::Node& n, double v) const {
        if (decl.positive && !(v > 0)) fail(n, decl.path, "must be positive");
        if (v < decl.min) fail(n, decl.path, fmt::format("must be at least {}", decl.min));
        if (v > decl.max) fail(n, decl.path, fmt::format("must be at most {}", decl.max));
    }

    // Defaults are parsed by the same code as file values, so a bad default is caught by the tests.
    void fill_defaults() {
        for (const auto& decl : schema()) {
            if (out_.entries_.count(decl.path)) continue;
            if (decl.required) throw ConfigError(located(file_, 0, decl.path, "", "missing required key"));
            if (!decl.inherits.empty()) continue;
            out_.entries_[decl.path] =
                convert(decl, YAML::Load(decl.default_value.empty() ? "\"\"" : decl.default_value));
            out_.entries_[decl.path].line = 0;
        }
        for (const auto& decl : schema())
            if (!out_.entries_.count(decl.path)) {
                out_.entries_[decl.path] = out_.entries_.at(decl.inherits);
                out_.entries_[decl.path].line = 0;
                out_.entries_[decl.path].file = file_;
            }
    }

    void check_kind() const {
        const std::string kind = out_.kind();
        for (const auto& decl : schema()) {
            if (decl.kinds.empty() || !out_.given(decl.path)) continue;
            if (std::find(decl.kinds.begin(), decl.kinds.end(), kind) != decl.kinds.end()) continue;
            const auto& e = out_.entries_.at(decl.path);
            throw ConfigError(
                located(e.file, e.line, decl.path, e.text,
                        fmt::format("not used by topology.kind {} (only by {})", kind, fmt::join(decl.kinds, ", "))));
        }
    }

    Config& out_;
    std::string file_; // the file being read (the main config, or an included file)
};

namespace {

// A copy of `n` without positions: an overridden value is not on any line of the file, so messages about it
// give none.
YAML::Node unplaced(const YAML::Node& n) {
    if (n.IsScalar()) return YAML::Node(n.Scalar());
    YAML::Node out(n.Type());
    if (n.IsSequence())
        for (const auto& item : n)
            out.push_back(unplaced(item));
    if (n.IsMap())
        for (const auto& entry : n)
            out[entry.first.Scalar()] = unplaced(entry.second);
    return out;
}

// Sets `key` (dotted) in `root` to `value` parsed as YAML, creating maps on the way. Errors name the override.
void apply(YAML::Node root, const std::string& file, const std::string& key, const std::string& value) {
    // The same bounds as a file: an override is text from a flag or a spec, and is copied (unplaced) node by node.
    if (value.size() > kMaxInputBytes)
        throw ConfigError(located(file, 0, key, value.substr(0, 64) + "...", "override is larger than 16 MiB"));
    const YAML::Node parsed = unplaced(load_yaml(value, [&](int, const std::string& reason) {
        return ConfigError(located(file, 0, key, value, "override is not a YAML value: " + reason));
    }));
    if (!root.IsMap()) throw ConfigError(located(file, 0, key, value, "the config is not a map of keys"));
    std::vector<YAML::Node> path{root};
    std::size_t start = 0;
    for (std::size_t dot = key.find('.'); dot != std::string::npos; start = dot + 1, dot = key.find('.', start)) {
        YAML::Node next = path.back()[key.substr(start, dot - start)];
        if (next.IsDefined() && !next.IsMap())
            throw ConfigError(located(file, 0, key, value, "cannot override below a key that is not a map"));
        path.push_back(next);
    }
    path.back()[key.substr(start)] = parsed;
}

} // namespace

Config Config::parse(const std::string& yaml_text, const std::string& file, const Overrides& overrides) {
    Config c;
    c.file_ = file;
    const YAML::Node root = load_config_yaml(yaml_text, file);
    for (const auto& [key, value] : overrides)
        apply(root, file, key, value);
    Loader(c).read(root);
    return c;
}

Config Config::load(const std::string& path, const Overrides& overrides) {
    const std::string text = read_bounded(
        path, "config file", [&](const std::string& reason) { return ConfigError(located(path, 0, "", "", reason)); });
    return parse(text, path, overrides);
}

std::string Config::name() const {
    const std::string& n = string("name");
    return n.empty() ? std::filesystem::path(file_).stem().string() : n;
}

const Config::Entry& Config::entry(const std::string& key) const {
    const auto it = entries_.find(key);
    if (it == entries_.end()) throw std::logic_error("config key not declared in the schema: " + key);
    return it->second;
}

long long Config::integer(const std::string& key) const {
    return std::get<long long>(entry(key).value);
}
double Config::real(const std::string& key) const {
    return std::get<double>(entry(key).value);
}
const std::string& Config::string(const std::string& key) const {
    return std::get<std::string>(entry(key).value);
}
const std::vector<long long>& Config::integers(const std::string& key) const {
    return std::get<std::vector<long long>>(entry(key).value);
}
const std::vector<std::string>& Config::strings(const std::string& key) const {
    return std::get<std::vector<std::string>>(entry(key).value);
}

bool Config::given(const std::string& key) const {
    return entry(key).line != 0;
}

ConfigError Config::error(const std::string& key, const std::string& reason) const {
    const Entry& e = entry(key);
    return error(key, given(key) ? e.text : "", reason);
}

// A default is blamed on the topology's line (what made the default wrong); an overridden value on no line.
ConfigError Config::error(const std::string& key, const std::string& value, const std::string& reason) const {
    const Entry& e = entry(key);
    const Entry& at = e.line == 0 ? entry("topology.kind") : e;
    return ConfigError(located(at.file, at.line == kOverridden ? 0 : at.line, key, value, reason));
}

} // namespace snsim::config
