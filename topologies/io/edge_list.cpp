#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "topologies/errors.hpp"
#include "topologies/io/attributes.hpp"
#include "topologies/io/bounded_file.hpp"
#include "topologies/io/bounded_yaml.hpp"
#include "topologies/io/graph_file.hpp"

namespace snsim {
namespace {

int line_of(const YAML::Node& n) {
    return n.Mark().line + 1;
}

// The keys of a YAML map as plain names, refusing non-scalar and repeated keys.
std::vector<std::pair<std::string, YAML::Node>> entries(const YAML::Node& map, const detail::Origin& at) {
    std::vector<std::pair<std::string, YAML::Node>> out;
    std::set<std::string> seen;
    for (const auto& kv : map) {
        const std::string where = at.prefix.empty() ? "" : at.prefix + ".";
        if (!kv.first.IsScalar())
            throw InputError(located(at.file, line_of(kv.first), where + "?", "", "keys must be plain names"));
        const std::string key = kv.first.Scalar();
        if (!seen.insert(key).second)
            throw InputError(located(at.file, line_of(kv.first), where + key, "", "key given twice"));
        out.emplace_back(key, kv.second);
    }
    return out;
}

std::string scalar(const YAML::Node& n, const detail::Origin& at, const std::string& key) {
    if (!n.IsScalar())
        throw InputError(located(at.file, line_of(n), at.prefix + "." + key, "", "expected a single value"));
    return n.Scalar();
}

Node read_node(const YAML::Node& entry, const detail::Origin& at) {
    Node node;
    if (entry.IsScalar()) {
        detail::set_node_attribute(node, "name", entry.Scalar(), at); // a known key
        return node;
    }
    if (!entry.IsMap())
        throw InputError(located(at.file, at.line, at.prefix, "", "expected a name or a map {name: ..., kind: ...}"));
    for (const auto& [key, value] : entries(entry, at)) {
        const std::string text = scalar(value, at, key);
        const detail::Origin here{at.file, line_of(value), at.prefix};
        if (detail::set_node_attribute(node, key, text, here) == detail::Attribute::Unknown)
            throw InputError(located(here.file, here.line, here.prefix + "." + key, text,
                                     fmt::format("unknown node attribute (expected {})", detail::kNodeAttributes)));
    }
    if (node.name.empty()) throw InputError(located(at.file, at.line, at.prefix + ".name", "", "is required"));
    return node;
}

Topology::Vertex endpoint(Topology& t, const std::string& name, bool implicit_chips, const detail::Origin& at,
                          const std::string& key) {
    if (const auto v = t.find(name)) return *v;
    if (!implicit_chips)
        throw InputError(located(at.file, at.line, at.prefix + "." + key, name, "unknown node (not in `nodes`)"));
    return t.add_node({name, NodeKind::Chip, {}});
}

// Adds one edge entry's cables; returns how many.
int read_edge(Topology& t, const YAML::Node& entry, const LinkSpec& defaults, bool implicit_chips,
              const detail::Origin& at) {
    Link link = detail::default_link(defaults);
    std::string a, b;
    int count = 1;
    if (entry.IsSequence() && entry.size() == 2) {
        a = scalar(entry[0], at, "a");
        b = scalar(entry[1], at, "b");
    } else if (entry.IsMap()) {
        for (const auto& [key, node] : entries(entry, at)) {
            const std::string value = scalar(node, at, key);
            const detail::Origin here{at.file, line_of(node), at.prefix};
            if (key == "a") {
                a = value;
            } else if (key == "b") {
                b = value;
            } else if (key == "count") {
                count = detail::parse_int(key, value, here, 1, 1'000'000);
            } else {
                if (detail::set_link_attribute(link, key, value, here) == detail::Attribute::Unknown)
                    throw InputError(located(here.file, here.line, here.prefix + "." + key, value,
                                             fmt::format("unknown edge attribute (expected {}, count)",
                                                         detail::kLinkAttributes)));
            }
        }
    } else {
        throw InputError(located(at.file, at.line, at.prefix, "", "expected [a, b] or a map {a: ..., b: ..., ...}"));
    }
    if (a.empty() || b.empty())
        throw InputError(located(at.file, at.line, at.prefix + (a.empty() ? ".a" : ".b"), "", "is required"));
    const auto va = endpoint(t, a, implicit_chips, at, "a");
    const auto vb = endpoint(t, b, implicit_chips, at, "b");
    try {
        for (int k = 0; k < count; ++k)
            t.add_link(va, vb, link);
    } catch (const InputError& e) {
        throw InputError(located(at.file, at.line, at.prefix, "", e.what()));
    }
    return count;
}

} // namespace

Topology read_edge_list(const std::string& path, const LinkSpec& defaults, double max_cables) {
    const std::string text = read_bounded(
        path, "graph file", [&](const std::string& reason) { return InputError(located(path, 0, "", "", reason)); },
        kMaxGraphBytes);
    const YAML::Node root = load_yaml(
        text, [&](int line, const std::string& reason) { return InputError(located(path, line, "", "", reason)); },
        kMaxGraphYamlNodes);
    if (!root.IsMap() || !root["edges"] || !root["edges"].IsSequence())
        throw InputError(located(path, 0, "edges", "", "an edge-list file needs a list `edges:`"));
    for (const auto& [key, node] : entries(root, {path, 0, ""}))
        if (key != "nodes" && key != "edges")
            throw InputError(located(path, line_of(node), key, "", "unknown key (expected nodes, edges)"));

    Topology t("custom");
    const bool implicit_chips = !root["nodes"];
    if (!implicit_chips) {
        if (!root["nodes"].IsSequence())
            throw InputError(located(path, line_of(root["nodes"]), "nodes", "", "expected a list"));
        std::size_t i = 0;
        for (const auto& entry : root["nodes"]) {
            const detail::Origin at{path, line_of(entry), fmt::format("nodes[{}]", i++)};
            Node node = read_node(entry, at);
            if (t.find(node.name))
                throw InputError(located(path, at.line, at.prefix + ".name", node.name, "duplicate node name"));
            t.add_node(std::move(node));
        }
    }
    std::size_t i = 0;
    double cables = 0;
    for (const auto& entry : root["edges"]) {
        const detail::Origin at{path, line_of(entry), fmt::format("edges[{}]", i++)};
        cables += read_edge(t, entry, defaults, implicit_chips, at);
        if (cables > max_cables)
            throw InputError(located(path, at.line, at.prefix, "",
                                     fmt::format("graph would exceed {:.4g} cables, the most limits.graph_memory "
                                                 "allows",
                                                 max_cables)));
    }
    return t;
}

} // namespace snsim
