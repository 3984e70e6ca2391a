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
void set_node_attribute(Node& node, const std::string& key, const std::string& value, const Origin& at);
void set_link_attribute(Link& link, const std::string& key, const std::string& value, const Origin& at);
Link default_link(const LinkSpec& defaults);

} // namespace snsim::detail
