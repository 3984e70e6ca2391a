#pragma once
// Every YAML text snsim parses (configs, overrides from --set/--vary/sweep grids, sweep specs, experiment files,
// workloads, edge lists) goes through parse_yaml, so every path has the same bounds:
//  - one document: a second (after `---`) is refused, not silently dropped;
//  - at most `max_nodes` nodes counting every alias where it is used: an alias bomb (a billion laughs) is a few
//    lines of text whose aliases expand to billions of nodes, and anything that walks or copies it runs away.
//    The text is scanned first, so that one too large for yaml-cpp's nodes (about 500 B each) is refused before
//    it is parsed: a value needs a separator before it (a comma, a line end, a colon, a dash or a bracket);
//  - at most kMaxYamlDepth levels of nesting.
// Refusals carry the line they were found at (1-based, 0 when none).
#include <cstddef>
#include <string>

#include <yaml-cpp/yaml.h>

namespace snsim {

inline constexpr std::size_t kMaxYamlNodes = 200'000;        // configs, specs, workloads: hundreds to thousands
inline constexpr std::size_t kMaxGraphYamlNodes = 2'000'000; // edge lists of 650k cables; larger: GraphML
inline constexpr int kMaxYamlDepth = 64;

struct YamlRefusal {
    int line = 0;
    std::string reason;
};

// Parses `text`; on a refusal returns a null node and fills `refusal`.
YAML::Node parse_yaml(const std::string& text, YamlRefusal& refusal, std::size_t max_nodes = kMaxYamlNodes);

// parse_yaml with the refusal thrown as `fail(line, reason)`.
template <class Fail>
YAML::Node load_yaml(const std::string& text, const Fail& fail, std::size_t max_nodes = kMaxYamlNodes) {
    YamlRefusal refusal;
    YAML::Node root = parse_yaml(text, refusal, max_nodes);
    if (!refusal.reason.empty()) throw fail(refusal.line, refusal.reason);
    return root;
}

} // namespace snsim
