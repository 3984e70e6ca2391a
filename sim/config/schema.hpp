#pragma once
// The config schema: every key snsim accepts, declared once with its type, default, bounds and a doc line.
// The loader rejects any key not declared here; `snsim keys` prints this table (docs/config.md is its output).
#include <limits>
#include <string>
#include <vector>

namespace snsim::config {

// Files: a file name or a list of them (read as a list of texts).
enum class KeyType { Integer, Real, String, Bandwidth, Time, Bytes, Flops, IntegerList, StringList, Files };

std::string_view describe(KeyType type); // "a whole number", "a bandwidth such as 392GB/s", ...

struct KeyDecl {
    std::string path; // "topology.link.bandwidth"
    KeyType type;
    std::string default_value; // YAML text; empty = see `inherits` or required
    std::string doc;
    std::vector<std::string> kinds = {};                   // topology kinds that use the key; empty = every kind
    double min = -std::numeric_limits<double>::infinity(); // inclusive lower bound (numbers, list items)
    bool positive = false;                                 // strictly greater than zero
    std::vector<std::string> choices = {};                 // allowed values of a String key
    std::string inherits = {};                             // default taken from this key when absent
    bool required = false;
    double max = std::numeric_limits<double>::infinity(); // inclusive upper bound (numbers, list items)
};

const std::vector<KeyDecl>& schema();
const KeyDecl* find_key(const std::string& path);
// True when `path` names a section (a prefix of declared keys), e.g. "topology" or "topology.link".
bool is_section(const std::string& path);
// The declared key closest in spelling to `path`, for "did you mean" (empty when nothing is close).
std::string closest_key(const std::string& path);

} // namespace snsim::config
