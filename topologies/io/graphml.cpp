#include <fstream>
#include <tuple>

#include <boost/graph/graphml.hpp>
#include <boost/property_map/function_property_map.hpp>
#include <fmt/format.h>

#include "topologies/errors.hpp"
#include "topologies/io/attributes.hpp"
#include "topologies/io/graph_file.hpp"

namespace snsim {
namespace {

// Receives Boost's GraphML parse as raw text attributes, so values with units work whatever attr.type the
// file declares.
class Collector : public boost::mutate_graph {
  public:
    Collector(std::string file, const LinkSpec& defaults) : file_(std::move(file)), defaults_(defaults) {}

    bool is_directed() const override { return false; }
    boost::any do_add_vertex() override {
        nodes.push_back({});
        return nodes.size() - 1;
    }
    std::pair<boost::any, bool> do_add_edge(boost::any source, boost::any target) override {
        edges.emplace_back(boost::any_cast<std::size_t>(source), boost::any_cast<std::size_t>(target),
                           detail::default_link(defaults_));
        return {edges.size() - 1, true};
    }
    void set_graph_property(const std::string&, const std::string&, const std::string&) override {}
    void set_vertex_property(const std::string& name, boost::any vertex, const std::string& value,
                             const std::string&) override {
        const auto v = boost::any_cast<std::size_t>(vertex);
        detail::set_node_attribute(nodes[v], name, value, {file_, 0, fmt::format("node {}", v)});
    }
    void set_edge_property(const std::string& name, boost::any edge, const std::string& value,
                           const std::string&) override {
        const auto e = boost::any_cast<std::size_t>(edge);
        detail::set_link_attribute(std::get<2>(edges[e]), name, value, {file_, 0, fmt::format("edge {}", e)});
    }

    std::vector<Node> nodes;
    std::vector<std::tuple<std::size_t, std::size_t, Link>> edges;

  private:
    std::string file_;
    LinkSpec defaults_;
};

} // namespace

Topology read_graphml(const std::string& path, const LinkSpec& defaults) {
    std::ifstream in(path);
    if (!in) throw InputError(located(path, 0, "", "", "cannot open graph file"));
    Collector collected(path, defaults);
    try {
        boost::read_graphml(in, collected, 0);
    } catch (const InputError&) {
        throw;
    } catch (const std::exception& e) {
        throw InputError(located(path, 0, "", "", fmt::format("malformed GraphML: {}", e.what())));
    }

    Topology t("custom");
    for (std::size_t v = 0; v < collected.nodes.size(); ++v) {
        Node node = collected.nodes[v];
        if (node.name.empty()) node.name = fmt::format("v{}", v);
        try {
            t.add_node(std::move(node));
        } catch (const InputError& e) {
            throw InputError(located(path, 0, fmt::format("node {}", v), "", e.what()));
        }
    }
    for (std::size_t e = 0; e < collected.edges.size(); ++e) {
        const auto& [a, b, link] = collected.edges[e];
        try {
            t.add_link(a, b, link);
        } catch (const InputError& err) {
            throw InputError(located(path, 0, fmt::format("edge {}", e), "", err.what()));
        }
    }
    return t;
}

void write_graphml(std::ostream& out, const Topology& t) {
    const auto& g = t.graph();
    boost::dynamic_properties dp;
    auto vertex_text = [&](auto field) {
        return boost::make_function_property_map<Topology::Vertex, std::string>(field);
    };
    auto edge_text = [&](auto field) {
        return boost::make_function_property_map<Topology::Graph::edge_descriptor, std::string>(field);
    };
    auto place = [&](int Place::*member) {
        return vertex_text([&g, member](Topology::Vertex v) { return std::to_string(g[v].place.*member); });
    };
    dp.property("name", vertex_text([&g](Topology::Vertex v) { return g[v].name; }));
    dp.property("kind", vertex_text([&g](Topology::Vertex v) { return std::string(to_string(g[v].kind)); }));
    dp.property("rack", place(&Place::rack));
    dp.property("board", place(&Place::board));
    dp.property("plane", place(&Place::plane));
    dp.property("tier", place(&Place::tier));
    // Exact decimal values with base units, so a file read back gives the same graph.
    dp.property("bandwidth",
                edge_text([&g](Topology::Graph::edge_descriptor e) { return fmt::format("{}B/s", g[e].bytes_per_s); }));
    dp.property("latency",
                edge_text([&g](Topology::Graph::edge_descriptor e) { return fmt::format("{}s", g[e].latency_s); }));
    dp.property("plane", edge_text([&g](Topology::Graph::edge_descriptor e) { return std::to_string(g[e].plane); }));
    dp.property("kind",
                edge_text([&g](Topology::Graph::edge_descriptor e) { return std::string(to_string(g[e].kind)); }));
    boost::write_graphml(out, g, dp, true);
}

} // namespace snsim
