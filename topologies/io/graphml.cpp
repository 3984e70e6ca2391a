#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string_view>
#include <tuple>
#include <vector>

#include <boost/graph/graphml.hpp>
#include <boost/property_map/function_property_map.hpp>
#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "topologies/errors.hpp"
#include "topologies/io/attributes.hpp"
#include "topologies/io/bounded_file.hpp"
#include "topologies/io/graph_file.hpp"
#include "topologies/units.hpp"

namespace snsim {
namespace {

// Plain numbers (networkx writes a float attribute as "50.0") take these units, unless the graph names its own in
// the graph attributes `bandwidth_unit` and `latency_unit` (docs/graph-files.md).
constexpr const char* kDefaultBandwidthUnit = "GB/s";
constexpr const char* kDefaultLatencyUnit = "ns";
// A plain bandwidth that comes to more than this per cable (1 PB/s) is most likely bytes per second read in GB/s:
// refused rather than simulated a billion times too fast.
constexpr double kMaxPlainBytesPerS = 1e15;

// The number a plain value holds, or nullopt when it has anything else (a unit).
std::optional<double> plain_number(const std::string& text) {
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

// Receives Boost's GraphML parse as raw text attributes, so values with units work whatever attr.type the
// file declares. Boost hands over graph attributes first, then nodes in document order, then edges.
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
    void set_graph_property(const std::string& name, const std::string& value, const std::string&) override {
        if (name == "bandwidth_unit") {
            bandwidth_unit_ = checked_unit(units::Quantity::Bandwidth, name, value);
            bytes_per_s_per_unit_ = units::parse(units::Quantity::Bandwidth, "1000" + value) / 1000;
        } else if (name == "latency_unit") {
            latency_unit_ = checked_unit(units::Quantity::Time, name, value);
        } else {
            ignore("graph", name);
        }
    }
    void set_vertex_property(const std::string& name, boost::any vertex, const std::string& value,
                             const std::string&) override {
        const auto v = boost::any_cast<std::size_t>(vertex);
        if (detail::set_node_attribute(nodes[v], name, value, {file_, 0, fmt::format("node {}", v)}) ==
            detail::Attribute::Unknown)
            ignore("node", name);
    }
    void set_edge_property(const std::string& name, boost::any edge, const std::string& value,
                           const std::string&) override {
        const auto e = boost::any_cast<std::size_t>(edge);
        const detail::Origin at{file_, 0, fmt::format("edge {}", e)};
        const std::optional<double> plain = plain_number(value);
        std::string text = value;
        if (plain && name == "bandwidth") text += bandwidth_unit_;
        if (plain && name == "latency") text += latency_unit_;
        // (Not finite or not positive: set_link_attribute says what is wrong.)
        if (plain && name == "bandwidth" && std::isfinite(*plain) && *plain * bytes_per_s_per_unit_ > kMaxPlainBytesPerS)
            throw InputError(located(file_, 0, at.prefix + "." + name, value,
                                     fmt::format("a plain number is read in {} (graph attribute bandwidth_unit), "
                                                 "which makes this over 1 PB/s per cable: if it is bytes per second, "
                                                 "write bandwidth_unit B/s",
                                                 bandwidth_unit_)));
        if (detail::set_link_attribute(std::get<2>(edges[e]), name, text, at) == detail::Attribute::Unknown)
            ignore("edge", name);
    }

    std::vector<Node> nodes;
    std::vector<std::tuple<std::size_t, std::size_t, Link>> edges;
    std::set<std::string> ignored; // "node coord", "edge weight": attributes snsim does not use

  private:
    // A <data> whose key is not declared has no name: noted as such.
    void ignore(const char* on, const std::string& name) {
        ignored.insert(fmt::format("{} {}", on, name.empty() ? "(data of an undeclared key)" : name));
    }

    // A unit attribute must itself be a unit of its quantity, and only that: "1000" followed by it has to parse (1 bps
    // alone is below the least bandwidth), and it must be letters and signs alone (else "e3GB/s" or "0GB/s" would
    // scale every plain number).
    std::string checked_unit(units::Quantity quantity, const std::string& name, const std::string& unit) const {
        try {
            if (unit.empty() || !std::isalpha(static_cast<unsigned char>(unit.front())) ||
                unit.find_first_of("0123456789.+-") != std::string::npos)
                throw units::UnitError("expected a unit alone, without digits, e.g. GB/s, Gbps, ns");
            units::parse(quantity, "1000" + unit);
        } catch (const units::UnitError& e) {
            throw InputError(located(file_, 0, "graph." + name, unit, e.what()));
        }
        return unit;
    }

    std::string file_;
    LinkSpec defaults_;
    std::string bandwidth_unit_ = kDefaultBandwidthUnit;
    double bytes_per_s_per_unit_ = 1e9; // of bandwidth_unit_
    std::string latency_unit_ = kDefaultLatencyUnit;
};

constexpr int kMaxXmlDepth = 32;                 // graphml > graph > node > data is 4
constexpr std::size_t kMaxXmlElements = 8000000; // a 1.5M-cable graph with data on every edge is about 5M

// Boost's XML reader (rapidxml, under property_tree) recurses once per nested element, so a file of a few hundred
// thousand nested elements overflows the stack. This scan, before any parse, bounds the nesting and refuses the
// GraphML that snsim would otherwise misread: a <graph> anywhere but directly in <graphml> (nested graphs skip
// the id checks below), a second <graph> (Boost reads the first only), and <hyperedge> (a cable joins two
// vertices). Comments, CDATA, processing instructions and declarations are skipped; quotes are honoured.
void check_xml_shape(const std::string& path, const std::string& text) {
    std::vector<std::string> open; // element names from the root
    int line = 1, graphs = 0;
    std::size_t elements = 0;
    const auto refuse = [&](const std::string& reason) { throw InputError(located(path, line, "", "", reason)); };
    const auto skip_to = [&](std::size_t& i, std::string_view end) {
        const std::size_t at = text.find(end, i);
        const std::size_t stop = at == std::string::npos ? text.size() : at + end.size();
        for (; i < stop; ++i)
            line += text[i] == '\n';
    };
    for (std::size_t i = 0; i < text.size();) {
        if (text[i] == '\n') ++line;
        if (text[i] != '<') {
            ++i;
            continue;
        }
        if (text.compare(i, 4, "<!--") == 0) {
            skip_to(i, "-->");
            continue;
        }
        if (text.compare(i, 9, "<![CDATA[") == 0) {
            skip_to(i, "]]>");
            continue;
        }
        if (text.compare(i, 2, "<?") == 0 || text.compare(i, 2, "<!") == 0) {
            skip_to(i, ">"); // a declaration; an internal DTD subset's '>' only ends the scan of it early
            continue;
        }
        const bool closing = text.compare(i, 2, "</") == 0;
        std::size_t j = i + (closing ? 2 : 1);
        std::size_t name_end = j;
        while (name_end < text.size() && !std::isspace(static_cast<unsigned char>(text[name_end])) &&
               text[name_end] != '>' && text[name_end] != '/')
            ++name_end;
        std::string name = text.substr(j, name_end - j);
        if (const auto colon = name.find(':'); colon != std::string::npos) name = name.substr(colon + 1);
        // A quote opens an attribute value only after '=' (XML's grammar; rapidxml takes quotes inside attribute
        // names, which must not hide the elements that follow from this scan).
        char quote = 0, last = 0;
        for (j = name_end; j < text.size() && (quote || text[j] != '>'); ++j) {
            const char c = text[j];
            if (c == '\n') ++line;
            if (quote) {
                if (c == quote) quote = 0, last = c;
            } else if ((c == '"' || c == '\'') && last == '=') {
                quote = c;
            } else if (!std::isspace(static_cast<unsigned char>(c))) {
                last = c;
            }
        }
        const bool empty = j > 0 && j < text.size() && text[j - 1] == '/';
        i = j + 1;
        if (closing) {
            if (!open.empty()) open.pop_back();
            continue;
        }
        if (name == "hyperedge")
            refuse("<hyperedge> is not supported: a cable joins two vertices; write one <edge> per pair");
        if (name == "graph") {
            if (open.size() != 1 || open[0] != "graphml")
                refuse("a <graph> inside another element (nested graphs are not supported; write one flat <graph>)");
            if (++graphs > 1) refuse("a second <graph>: snsim reads one graph per file");
        }
        if (++elements > kMaxXmlElements)
            refuse(fmt::format("more than {} elements; Boost's GraphML reader holds each in memory twice",
                               kMaxXmlElements));
        if (empty) continue;
        open.push_back(std::move(name));
        if (static_cast<int>(open.size()) > kMaxXmlDepth)
            refuse(fmt::format("elements nested more than {} deep; GraphML needs 4 (graphml, graph, node, data)",
                               kMaxXmlDepth));
    }
}

// Boost's reader creates a vertex for any id an edge names; an edge to an id no <node> declares is a typo in the
// file, not a new chip, so it is refused here, by id, as are two <node>s with one id. Returns the ids in document
// order, which is the order Boost creates the vertices in: a node without a `name` is named by its id.
std::vector<std::string> declared_node_ids(const std::string& path, const std::string& text) {
    namespace pt = boost::property_tree;
    pt::ptree tree;
    try {
        std::istringstream in(text);
        pt::read_xml(in, tree);
    } catch (const pt::xml_parser_error& e) {
        throw InputError(located(path, static_cast<int>(e.line()), "", "", "malformed GraphML: " + e.message()));
    }
    const auto root = tree.get_child_optional("graphml");
    if (!root) throw InputError(located(path, 0, "", "", "not a GraphML file: no <graphml> element"));
    std::vector<std::string> ids;
    for (const auto& [tag, graph] : *root) {
        if (tag != "graph") continue;
        std::set<std::string> declared;
        std::size_t v = 0;
        for (const auto& [kind, node] : graph) {
            if (kind != "node") continue;
            // Boost's reader would silently merge two <node>s with one id into one vertex.
            const auto id = node.get<std::string>("<xmlattr>.id", "");
            if (!declared.insert(id).second)
                throw InputError(located(path, 0, fmt::format("node {}.id", v), id, "another <node> has this id"));
            ids.push_back(id);
            ++v;
        }
        std::size_t e = 0;
        for (const auto& [kind, edge] : graph) {
            if (kind != "edge") continue;
            for (const char* end : {"source", "target"}) {
                const auto id = edge.get<std::string>(std::string("<xmlattr>.") + end, "");
                if (!declared.count(id))
                    throw InputError(located(path, 0, fmt::format("edge {}.{}", e, end), id, "no <node> has this id"));
            }
            ++e;
        }
    }
    return ids;
}

} // namespace

Topology read_graphml(const std::string& path, const LinkSpec& defaults) {
    const std::string text = read_bounded(
        path, "graph file", [&](const std::string& reason) { return InputError(located(path, 0, "", "", reason)); },
        kMaxGraphBytes);
    check_xml_shape(path, text);
    const std::vector<std::string> ids = declared_node_ids(path, text);
    Collector collected(path, defaults);
    try {
        std::istringstream in(text);
        boost::read_graphml(in, collected, 0);
    } catch (const InputError&) {
        throw;
    } catch (const boost::directed_graph_error&) {
        throw InputError(located(path, 0, "edgedefault", "directed",
                                 "cables are undirected (full duplex): use edgedefault=\"undirected\""));
    } catch (const std::exception& e) {
        throw InputError(located(path, 0, "", "", fmt::format("malformed GraphML: {}", e.what())));
    }

    if (collected.nodes.size() != ids.size())
        throw std::logic_error("GraphML: Boost read a different number of nodes than the file declares");
    Topology t("custom");
    for (std::size_t v = 0; v < collected.nodes.size(); ++v) {
        Node node = collected.nodes[v];
        if (node.name.empty()) node.name = ids[v].empty() ? fmt::format("v{}", v) : ids[v];
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
    if (!collected.ignored.empty())
        t.add_note(fmt::format("{}: ignored attributes snsim does not use: {} (docs/graph-files.md)", path,
                               fmt::join(collected.ignored, ", ")));
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
    dp.property("supernode", place(&Place::supernode));
    // Exact decimal values with base units, so a file read back gives the same graph.
    dp.property("bandwidth",
                edge_text([&g](Topology::Graph::edge_descriptor e) { return fmt::format("{}B/s", g[e].bytes_per_s); }));
    dp.property("latency",
                edge_text([&g](Topology::Graph::edge_descriptor e) { return fmt::format("{}s", g[e].latency_s); }));
    dp.property("plane", edge_text([&g](Topology::Graph::edge_descriptor e) { return std::to_string(g[e].plane); }));
    dp.property("kind",
                edge_text([&g](Topology::Graph::edge_descriptor e) { return std::string(to_string(g[e].kind)); }));
    dp.property("network",
                edge_text([&g](Topology::Graph::edge_descriptor e) { return std::string(to_string(g[e].tier)); }));
    boost::write_graphml(out, g, dp, true);
}

} // namespace snsim
