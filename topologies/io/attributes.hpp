#pragma once
// Turns the text attributes of a graph file into a Node or a Link; shared by the GraphML and edge-list readers.
#include <optional>
#include <string>

#include "topologies/generators/generators.hpp"

namespace snsim::detail {

// Where an attribute came from, for the error message.
struct Origin {
    std::string file;
    int line = 0;
    std::string prefix; // "edges[3]" or "node v7"
};

// A whole number within [min, max], or InputError naming the attribute.
int parse_int(const std::string& key, const std::string& value, const Origin& at, int min, int max);
// Set one attribute from its text; InputError on a bad value. An unknown key is the caller's to judge: the
// edge-list reader refuses it (a misspelt `bandwdith` would silently fall back to the default), the GraphML reader
// ignores it with a warning (networkx, igraph and Gephi write attributes of their own: coord, weight, label).
enum class Attribute { Set, Unknown };
Attribute set_node_attribute(Node& node, const std::string& key, const std::string& value, const Origin& at);
Attribute set_link_attribute(Link& link, const std::string& key, const std::string& value, const Origin& at);
// The attributes each accepts, for error messages.
inline constexpr const char* kNodeAttributes = "name, kind, rack, board, plane, tier, supernode";
inline constexpr const char* kLinkAttributes = "bandwidth, latency, plane, kind, network";
Link default_link(const LinkSpec& defaults);

} // namespace snsim::detail
