#include "sim/workload/placement.hpp"

#include <fmt/format.h>

#include "topologies/errors.hpp"

namespace snsim::workload {

Placement::Placement(const Workload& w, std::size_t chips) : size_(w.size) {
    const auto fail = [&](const std::string& reason) {
        return InputError(located(w.file, w.parallel_line, "workload.parallel", "", reason));
    };
    const auto dp = static_cast<std::size_t>(Dim::dp);
    double others = 1;
    for (Dim d : kDims)
        if (d != Dim::dp) others *= size(d);
    if (size_[dp] == 0) {
        if (others > static_cast<double>(chips) || chips % static_cast<std::size_t>(others) != 0)
            throw fail(fmt::format("tp x ep x pp = {} does not divide the communicator's {} chips; give dp (the "
                                   "workload may use fewer chips than the communicator has)",
                                   others, chips));
        size_[dp] = static_cast<std::uint32_t>(chips / static_cast<std::size_t>(others));
    }
    const double total = others * size_[dp];
    if (total > static_cast<double>(chips))
        throw fail(fmt::format("tp x ep x dp x pp = {} ranks, more than the communicator's {} chips", total, chips));
    ranks_ = static_cast<Rank>(total);
    std::uint32_t stride = 1;
    for (Dim d : w.order) {
        stride_[static_cast<std::size_t>(d)] = stride;
        stride *= size(d);
    }
}

std::vector<std::vector<Rank>> Placement::groups(GroupKind kind) const {
    // A rank's group is named by its first rank: the one with every coordinate of the kind at 0.
    std::vector<std::vector<Rank>> out;
    std::vector<std::uint32_t> index(ranks_, 0);
    for (Rank r = 0; r < ranks_; ++r) {
        Rank first = r;
        for (Dim d : kDims)
            if (kind.spans(d)) first -= coord(r, d) * stride_[static_cast<std::size_t>(d)];
        if (first == r) {
            index[r] = static_cast<std::uint32_t>(out.size());
            out.emplace_back();
        }
        out[index[first]].push_back(r);
    }
    return out;
}

std::optional<Rank> Placement::stage_neighbour(Rank r, int step) const {
    const auto stage = static_cast<long long>(coord(r, Dim::pp)) + step;
    if (stage < 0 || stage >= size(Dim::pp)) return std::nullopt;
    return static_cast<Rank>(static_cast<long long>(r) + step * static_cast<long long>(stride_[3]));
}

void check_strict(const Workload& w, const Placement& placement, const Topology& t,
                  const std::vector<Topology::Vertex>& chips) {
    if (!w.strict) return;
    for (const auto& group : placement.groups(GroupKind::of(Dim::tp)))
        for (Rank r : group)
            if (t.node(chips[r]).place.rack != t.node(chips[group.front()]).place.rack)
                throw InputError(
                    located(w.file, w.placement_line, "workload.placement", "strict",
                            fmt::format("the tp group of ranks {} to {} spans racks: {} is in rack {}, {} in rack {}",
                                        group.front(), group.back(), t.node(chips[group.front()]).name,
                                        t.node(chips[group.front()]).place.rack, t.node(chips[r]).name,
                                        t.node(chips[r]).place.rack)));
}

} // namespace snsim::workload
