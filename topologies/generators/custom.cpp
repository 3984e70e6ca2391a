#include <boost/graph/connected_components.hpp>

#include "topologies/generators/checks.hpp"
#include "topologies/io/graph_file.hpp"

namespace snsim {
namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
    return std::string_view(s).ends_with(suffix);
}

// A graph whose chips cannot all reach each other is no supernode: name the chips cut off from the first one.
void require_connected_chips(const Topology& t, const std::string& file) {
    const auto chips = t.nodes_of(NodeKind::Chip);
    if (chips.size() < 2)
        throw InputError(
            located(file, 0, "", std::to_string(chips.size()) + " chips", "a graph needs at least 2 chips"));
    std::vector<int> component(t.num_nodes());
    boost::connected_components(t.graph(), component.data());
    std::vector<std::string> cut_off;
    for (auto v : chips)
        if (component[v] != component[chips.front()]) cut_off.push_back(t.node(v).name);
    if (cut_off.empty()) return;
    const std::size_t shown = std::min<std::size_t>(cut_off.size(), 5);
    throw InputError(located(file, 0, "", "",
                             fmt::format("graph is disconnected: {} of {} chips unreachable from {}: {}{}",
                                         cut_off.size(), chips.size(), t.node(chips.front()).name,
                                         fmt::join(cut_off.begin(), cut_off.begin() + shown, ", "),
                                         cut_off.size() > shown ? ", ..." : "")));
}

} // namespace

Topology custom(const CustomParams& p) {
    detail::require_link("link", p.link);
    Topology t = [&] {
        if (ends_with(p.file, ".graphml") || ends_with(p.file, ".xml")) return read_graphml(p.file, p.link);
        if (ends_with(p.file, ".yaml") || ends_with(p.file, ".yml"))
            return read_edge_list(p.file, p.link, p.max_cables);
        throw ParamError("file", p.file, "expected a .graphml, .xml, .yaml or .yml graph file");
    }();
    require_connected_chips(t, p.file);
    return t;
}

} // namespace snsim
