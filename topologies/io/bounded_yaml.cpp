#include "topologies/io/bounded_yaml.hpp"

#include <set>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace snsim {
namespace {

int yaml_line(const YAML::Node& n) {
    return n.Mark().is_null() ? 0 : n.Mark().line + 1;
}

// A path for messages, at most 200 characters: each stacked node holds one, and a key may be megabytes long.
std::string shortened(std::string path) {
    constexpr std::size_t kMost = 200;
    if (path.size() > kMost) path = path.substr(0, kMost - 3) + "...";
    return path;
}

// Counts the nodes of `root` as a reader walking it would meet them (an alias once per use), stopping at the
// first bound crossed, and refuses a map that names a key twice (yaml-cpp keeps both; a lookup sees the first).
// Iterative, so depth costs no stack. Each node carries its dotted path for messages ("topology.chips").
void check_size(const YAML::Node& root, std::size_t max_nodes, YamlRefusal& refusal) {
    struct Item {
        YAML::Node node;
        int depth;
        std::string path;
    };
    std::vector<Item> stack{{root, 1, ""}};
    std::size_t count = 0;
    while (!stack.empty()) {
        Item item = std::move(stack.back());
        stack.pop_back();
        const YAML::Node& node = item.node;
        if (++count > max_nodes) {
            refusal = {yaml_line(node), fmt::format("more than {} YAML values once aliases are expanded (an alias "
                                                    "bomb?); snsim refuses inputs this large",
                                                    max_nodes)};
            return;
        }
        if (item.depth > kMaxYamlDepth) {
            refusal = {yaml_line(node), fmt::format("YAML nested more than {} levels deep", kMaxYamlDepth)};
            return;
        }
        if (node.IsSequence()) {
            std::size_t i = 0;
            for (const auto& child : node)
                stack.push_back({child, item.depth + 1, shortened(fmt::format("{}[{}]", item.path, i++))});
        } else if (node.IsMap()) {
            std::set<std::string> keys;
            for (const auto& entry : node) {
                const bool named = entry.first.IsScalar();
                const std::string path = shortened(item.path + (item.path.empty() ? "" : ".") +
                                                   (named ? entry.first.Scalar() : std::string("?")));
                if (named && !keys.insert(entry.first.Scalar()).second) {
                    refusal = {yaml_line(entry.first), path + ": key given twice"};
                    return;
                }
                stack.push_back({entry.first, item.depth + 1, path});
                stack.push_back({entry.second, item.depth + 1, path});
            }
        }
    }
}

// The line (1-based) of a document marker (--- or ...) that has content both before and after it, or 0. A ---
// before any content starts the first document; markers followed by nothing but comments end the file.
int second_document(const std::string& text) {
    const auto content = [](std::string_view line) {
        const auto first = line.find_first_not_of(" \t\r");
        return first != std::string_view::npos && line[first] != '#' && line[first] != '%';
    };
    const auto marker = [](std::string_view line) {
        return (line.starts_with("---") || line.starts_with("...")) &&
               (line.size() == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r');
    };
    bool seen = false;
    int pending = 0, number = 0; // pending: a marker after content, a second document if content follows
    for (std::size_t start = 0; start <= text.size();) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        const std::string_view line(text.data() + start, end - start);
        ++number;
        const bool is_marker = marker(line);
        if (is_marker && seen && pending == 0) pending = number;
        if (content(is_marker ? line.substr(3) : line)) { // "--- value": content of the document it starts
            if (pending > 0) return pending;
            seen = true;
        }
        start = end + 1;
    }
    return 0;
}

} // namespace

YAML::Node parse_yaml(const std::string& text, YamlRefusal& refusal, std::size_t max_nodes) {
    refusal = {};
    // More separators than values allowed: refused before yaml-cpp builds a node for each (16 MiB of "1," is
    // 8 million values, 4.7 GB of nodes).
    std::size_t separators = 0;
    for (const char c : text)
        separators += c == ',' || c == '\n' || c == ':' || c == '-' || c == '[' || c == '{';
    if (separators > 2 * max_nodes) {
        refusal = {0, fmt::format("more than {} YAML values; snsim refuses inputs this large", max_nodes)};
        return YAML::Node();
    }
    // One document: YAML::LoadAll would tell, but yaml-cpp 0.7's loops forever on some malformed text (",: m: G",
    // found by the fuzzers), so the markers are found in the text and Load parses the first document alone.
    if (const int line = second_document(text); line > 0) {
        refusal = {line, "a second YAML document (after ---): snsim reads one per file"};
        return YAML::Node();
    }
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        refusal = {e.mark.is_null() ? 0 : e.mark.line + 1, "malformed YAML: " + e.msg};
        return YAML::Node();
    }
    check_size(root, max_nodes, refusal);
    return refusal.reason.empty() ? root : YAML::Node();
}

} // namespace snsim
