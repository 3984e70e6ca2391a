#pragma once
// A validated config: every declared key has a typed value (from the file, or its default), units already
// converted to bytes/s, seconds and bytes. Loading throws ConfigError with the one-line
// `file:line: key: reason (got "value")` message for every problem: missing or unreadable file, malformed YAML,
// unknown key, wrong type, bad unit, value out of range, key not used by the chosen topology kind.
//
// `include` names config fragments read with the config: the config's own keys win over theirs, a later fragment
// wins over an earlier one, and overrides win over everything. Every value remembers the file and line it was
// written at, so a message about a value from a fragment names the fragment.
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "sim/config/schema.hpp"
#include "topologies/errors.hpp"

namespace snsim::config {

class ConfigError : public InputError {
  public:
    using InputError::InputError;
};

class Config {
  public:
    // A key (dotted, e.g. topology.planes) and the value to use instead of the file's, as YAML text ("4",
    // "[8, 8]").
    using Overrides = std::vector<std::pair<std::string, std::string>>;

    static Config load(const std::string& path, const Overrides& overrides = {});
    // Parses YAML text; `file` is the name used in messages and the base of relative paths.
    static Config parse(const std::string& yaml_text, const std::string& file, const Overrides& overrides = {});

    const std::string& file() const { return file_; } // the main config, not its included files
    // The file `key`'s value was written in: an included file, or the main config (also for defaults and
    // overrides). Paths in a value are relative to its directory.
    const std::string& file_of(const std::string& key) const { return entry(key).file; }
    std::string name() const; // `name`, or the file name without directory and extension
    std::string kind() const { return string("topology.kind"); }

    long long integer(const std::string& key) const;
    double real(const std::string& key) const; // Real, Bandwidth (bytes/s), Time (s), Bytes
    const std::string& string(const std::string& key) const;
    const std::vector<long long>& integers(const std::string& key) const;
    const std::vector<std::string>& strings(const std::string& key) const;

    bool given(const std::string& key) const; // written in the file, an included file or overridden (not a default)
    static constexpr int kOverridden = -1;    // Entry::line of an overridden value
    // An error about `key`, at its file and line (or the topology.kind line for defaults).
    ConfigError error(const std::string& key, const std::string& reason) const;
    ConfigError error(const std::string& key, const std::string& value, const std::string& reason) const;

  private:
    using Value = std::variant<long long, double, std::string, std::vector<long long>, std::vector<std::string>>;
    struct Entry {
        Value value;
        std::string text; // as written, for messages
        int line = 0;     // 0 = default, kOverridden = set by an override
        std::string file; // written in this file (an included one, or the main config: also defaults, overrides)
    };
    const Entry& entry(const std::string& key) const;

    std::string file_;
    std::map<std::string, Entry> entries_;

    friend class Loader;
};

} // namespace snsim::config
