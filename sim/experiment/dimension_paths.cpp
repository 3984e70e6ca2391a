#include "sim/experiment/dimension_paths.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "topologies/errors.hpp"

namespace snsim {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Per rank: the ranks it is cabled to, with the bandwidth of all cables to each (sorted by rank), and the
// bandwidth of its cables to vertices that are not chips.
struct Cabling {
    std::vector<std::vector<std::pair<Rank, double>>> to;
    std::vector<double> off_chip;

    Cabling(const Topology& t, const std::vector<Topology::Vertex>& chips) : to(chips.size()), off_chip(chips.size()) {
        std::vector<std::int64_t> rank_of(t.num_nodes(), -1);
        for (std::size_t r = 0; r < chips.size(); ++r)
            rank_of[chips[r]] = static_cast<std::int64_t>(r);
        const auto& g = t.graph();
        for (std::size_t r = 0; r < chips.size(); ++r) {
            auto& list = to[r];
            for (auto [e, end] = boost::out_edges(chips[r], g); e != end; ++e) {
                const auto v = boost::target(*e, g);
                if (t.node(v).kind != NodeKind::Chip)
                    off_chip[r] += g[*e].bytes_per_s;
                else if (rank_of[v] >= 0)
                    list.push_back({static_cast<Rank>(rank_of[v]), g[*e].bytes_per_s});
            }
            std::sort(list.begin(), list.end());
            std::vector<std::pair<Rank, double>> merged; // parallel cables: one entry, bandwidths summed
            for (const auto& item : list)
                if (!merged.empty() && merged.back().first == item.first)
                    merged.back().second += item.second;
                else
                    merged.push_back(item);
            list = std::move(merged);
        }
    }
    double between(Rank a, Rank b) const {
        const auto& list = to[a];
        const auto it = std::lower_bound(list.begin(), list.end(), std::pair<Rank, double>{b, -kInf});
        return it != list.end() && it->first == b ? it->second : 0;
    }
};

// What the lines along one dimension show.
struct Lines {
    bool all_pairs = true, next = true, around = true, none = true;
    double to_line = kInf, to_neighbours = kInf, least_cable = kInf;
};

Lines survey(const Cabling& c, Rank p, Rank d, Rank stride) {
    Lines out;
    for (Rank first = 0; first < p; ++first) {
        if (first / stride % d != 0) continue;
        for (Rank x = 0; x < d; ++x) {
            const Rank r = first + x * stride;
            double sum = 0;
            for (Rank y = 0; y < d; ++y) {
                if (y == x) continue;
                const double b = c.between(r, first + y * stride);
                sum += b;
                out.all_pairs = out.all_pairs && b > 0;
                out.none = out.none && b == 0;
            }
            out.to_line = std::min(out.to_line, sum);
            const double next = c.between(r, first + (x + 1) % d * stride);
            if (x + 1 < d) {
                out.next = out.next && next > 0;
                out.least_cable = std::min(out.least_cable, next);
            } else {
                out.around = out.around && next > 0;
            }
            const double prev = d == 2 ? 0 : c.between(r, first + (x + d - 1) % d * stride);
            out.to_neighbours = std::min(out.to_neighbours, next + prev);
        }
    }
    return out;
}

} // namespace

std::vector<Rank> grid_dims(const Topology& t, const std::vector<Topology::Vertex>& chips) {
    const auto refuse = [&](const std::string& why) {
        return InputError(fmt::format("collective.dims: multidim needs the rank grid here: the communicator's {} "
                                      "chips {}",
                                      chips.size(), why));
    };
    const std::size_t n = t.node(chips.front()).place.coords.size();
    if (n == 0) throw refuse("have no coordinates (give collective.dims)");
    std::vector<Rank> dims(n, 1);
    for (auto chip : chips) {
        const auto& coords = t.node(chip).place.coords;
        if (coords.size() != n) throw refuse("have coordinates of different lengths");
        for (std::size_t i = 0; i < n; ++i)
            dims[i] = std::max(dims[i], static_cast<Rank>(coords[i] + 1));
    }
    for (std::size_t r = 0; r < chips.size(); ++r) {
        std::size_t rest = r;
        for (std::size_t i = 0; i < n; ++i, rest /= dims[i - 1])
            if (static_cast<std::size_t>(t.node(chips[r]).place.coords[i]) != rest % dims[i])
                throw refuse(fmt::format("are not a whole grid [{}] in chip order (give collective.dims)",
                                         fmt::join(dims, ", ")));
    }
    return dims;
}

std::vector<DimPath> dimension_paths(const Topology& t, const std::vector<Topology::Vertex>& chips,
                                     const std::vector<Rank>& dims) {
    const Cabling cabling(t, chips);
    const auto p = static_cast<Rank>(chips.size());
    const double switched = *std::min_element(cabling.off_chip.begin(), cabling.off_chip.end());
    const auto shared = static_cast<Rank>(dims.size()); // the cables id of every dimension joined off-chip
    std::vector<DimPath> out;
    Rank stride = 1;
    for (std::size_t i = 0; i < dims.size(); ++i) {
        const Rank d = dims[i];
        DimPath path{DimKind::direct, 1, static_cast<Rank>(i)};
        if (d > 1) {
            const Lines l = survey(cabling, p, d, stride);
            if (l.all_pairs)
                path.bytes_per_s = l.to_line;
            else if (l.next && l.around)
                path = {DimKind::ring, l.to_neighbours, static_cast<Rank>(i)};
            else if (l.next)
                path = {DimKind::ring, l.least_cable, static_cast<Rank>(i)};
            else if (l.none)
                path = {DimKind::direct, switched, shared};
            else
                path.bytes_per_s = std::max(l.to_line, switched);
            if (!(path.bytes_per_s > 0))
                throw InputError(fmt::format("collective.dims: dimension {} of [{}] has no cables between its ranks "
                                             "and none to a switch tier",
                                             i, fmt::join(dims, ", ")));
        }
        out.push_back(path);
        stride *= d;
    }
    return out;
}

} // namespace snsim
