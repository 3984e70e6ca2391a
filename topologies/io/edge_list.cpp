#include <yaml-cpp/yaml.h>

#include <fmt/format.h>

#include "topologies/errors.hpp"
#include "topologies/io/attributes.hpp"
#include "topologies/io/graph_file.hpp"

namespace snsim {
namespace {

int line_of(const YAML::Node& n) {
    return n.Mark().line + 1;
}

std::string scalar(const YAML::Node& n, const detail::Origin& at, const std::string& key) {
    if (!n.IsScalar())
        throw InputError(located(at.file, line_of(n), at.prefix + "." + key, "", "expected a single value"));
    return n.Scalar();
}

Node read_node(const YAML::Node& entry, const detail::Origin& at) {
    Node node;
    if (entry.IsScalar()) {
        detail::set_node_attribute(node, "name", entry.Scalar(), at);
        return node;
    }
    if (!entry.IsMap())
        throw InputError(located(at.file, at.line, at.prefix, "", "expected a name or a map {name: ..., kind: ...}"));
    for (const auto& kv : entry) {
        const auto key = kv.first.as<std::string>();
        detail::set_node_attribute(node, key, scalar(kv.second, at, key), {at.file, line_of(kv.second), at.prefix});
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

void read_edge(Topology& t, const YAML::Node& entry, const LinkSpec& defaults, bool implicit_chips,
               const detail::Origin& at) {
    Link link = detail::default_link(defaults);
    std::string a, b;
    long count = 1;
    if (entry.IsSequence() && entry.size() == 2) {
        a = scalar(entry[0], at, "a");
        b = scalar(entry[1], at, "b");
    } else if (entry.IsMap()) {
        for (const auto& kv : entry) {
            const auto key = kv.first.as<std::string>();
            const std::string value = scalar(kv.second, at, key);
            const detail::Origin here{at.file, line_of(kv.second), at.prefix};
            if (key == "a") {
                a = value;
            } else if (key == "b") {
                b = value;
            } else if (key == "count") {
                char* end = nullptr;
                count = std::strtol(value.c_str(), &end, 10);
                if (*end != '\0' || count < 1 || count > 1'000'000)
                    throw InputError(located(at.file, here.line, at.prefix + ".count", value,
                                             "expected a whole number from 1 to 1000000"));
            } else {
                detail::set_link_attribute(link, key, value, here);
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
        for (long k = 0; k < count; ++k)
            t.add_link(va, vb, link);
    } catch (const InputError& e) {
        throw InputError(located(at.file, at.line, at.prefix, "", e.what()));
    }
}

} // namespace

Topology read_edge_list(const std::string& path, const LinkSpec& defaults) {
    YAML::Node root;
    try {
        root = YAML::LoadFile(path);
    } catch (const YAML::BadFile&) {
        throw InputError(located(path, 0, "", "", "cannot open graph file"));
    } catch (const YAML::Exception& e) {
        throw InputError(located(path, e.mark.line + 1, "", "", "malformed YAML: " + e.msg));
    }
    if (!root.IsMap() || !root["edges"] || !root["edges"].IsSequence())
        throw InputError(located(path, 0, "edges", "", "an edge-list file needs a list `edges:`"));
    for (const auto& kv : root) {
        const auto key = kv.first.as<std::string>();
        if (key != "nodes" && key != "edges")
            throw InputError(located(path, line_of(kv.first), key, "", "unknown key (expected nodes, edges)"));
    }

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
    for (const auto& entry : root["edges"])
        read_edge(t, entry, defaults, implicit_chips, {path, line_of(entry), fmt::format("edges[{}]", i++)});
    return t;
}

} // namespace snsim
