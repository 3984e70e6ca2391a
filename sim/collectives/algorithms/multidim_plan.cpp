#include "sim/collectives/algorithms/multidim_plan.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <stdexcept>

namespace snsim::collectives {

namespace {

constexpr int kIterations = 400;

std::vector<std::size_t> active_dims(const std::vector<Rank>& dims) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < dims.size(); ++i)
        if (dims[i] > 1) out.push_back(i);
    return out;
}

// Slice k's order: active dimension k first, then the others from the fastest (bytes per second per rank) to the
// slowest, in rotation (k+1, k+2, ...) among equals. After the first dimension a slice's bytes shrink by d at each
// one it crosses, and crossing x before y costs less than y before x exactly when x is faster: x first takes
// (d_x-1)/(d_x b_x) + (d_y-1)/(d_x d_y b_y) per byte, and times d_x d_y the two orders differ by
// (d_x-1)(d_y-1)(1/b_x - 1/b_y).
// So the slow dimensions (a switch tier) carry the least of every slice but the ones they start; on a torus, where
// all are equal, this is the plain rotation, every dimension busy at every position.
std::vector<std::size_t> crossing_order(const std::vector<std::size_t>& active, const std::vector<DimPath>& paths,
                                        std::size_t k) {
    std::vector<std::size_t> order;
    for (std::size_t j = 0; j < active.size(); ++j)
        order.push_back(active[(k + j) % active.size()]);
    std::stable_sort(order.begin() + (order.empty() ? 0 : 1), order.end(), [&](std::size_t a, std::size_t b) {
        return paths[a].bytes_per_s > paths[b].bytes_per_s;
    });
    return order;
}

// Largest remainder: whole granules in proportion to the weights, kGranules in all.
std::vector<std::uint32_t> granules_of(const std::vector<double>& weights) {
    std::vector<std::uint32_t> out(weights.size());
    if (weights.empty()) return out;
    std::vector<std::pair<double, std::size_t>> remainders;
    std::uint32_t given = 0;
    for (std::size_t k = 0; k < weights.size(); ++k) {
        const double exact = weights[k] * kGranules;
        out[k] = static_cast<std::uint32_t>(std::floor(exact));
        given += out[k];
        remainders.push_back({-(exact - out[k]), k}); // largest first, ties by slice
    }
    std::sort(remainders.begin(), remainders.end());
    for (std::size_t i = 0; given < kGranules; ++i, ++given)
        ++out[remainders[i % remainders.size()].second];
    // Only the ratios matter: equal slices need one block per share each, not 120 / n.
    std::uint32_t common = 0;
    for (std::uint32_t g : out)
        common = std::gcd(common, g);
    for (std::uint32_t& g : out)
        g /= common;
    return out;
}

} // namespace

std::vector<double> slice_weights(const std::vector<Rank>& dims, const std::vector<DimPath>& paths) {
    const auto active = active_dims(dims);
    const std::size_t n = active.size();
    if (n == 0) return {};
    std::map<Rank, std::size_t> group_of_cables; // DimPath::cables -> dense group
    for (std::size_t i : active)
        group_of_cables.emplace(paths[i].cables, group_of_cables.size());
    const std::size_t groups = group_of_cables.size();
    std::vector<double> bandwidth(groups);
    std::vector<std::size_t> first_group(n), starters(groups, 0);
    // load[k][g]: the fraction of slice k's data each rank sends over cable set g in a reduce-scatter.
    std::vector<std::vector<double>> load(n, std::vector<double>(groups, 0));
    for (std::size_t k = 0; k < n; ++k) {
        double crossed = 1;
        for (std::size_t i : crossing_order(active, paths, k)) {
            const std::size_t g = group_of_cables.at(paths[i].cables);
            bandwidth[g] = paths[i].bytes_per_s;
            crossed *= dims[i];
            load[k][g] += (dims[i] - 1.0) / crossed;
        }
        first_group[k] = group_of_cables.at(paths[active[k]].cables);
        ++starters[first_group[k]];
    }
    std::vector<double> w(n), time(groups);
    for (std::size_t k = 0; k < n; ++k)
        w[k] = bandwidth[first_group[k]] / starters[first_group[k]] / load[k][first_group[k]];
    const auto normalise = [&] {
        const double sum = std::accumulate(w.begin(), w.end(), 0.0);
        for (double& x : w)
            x /= sum;
    };
    normalise();
    // Shrink the slices that start on the cables that finish last, grow the others, until every set of cables
    // that starts a slice is equally busy.
    for (int it = 0; it < kIterations; ++it) {
        std::fill(time.begin(), time.end(), 0.0);
        for (std::size_t k = 0; k < n; ++k)
            for (std::size_t g = 0; g < groups; ++g)
                time[g] += w[k] * load[k][g] / bandwidth[g];
        for (std::size_t k = 0; k < n; ++k)
            w[k] /= std::sqrt(time[first_group[k]]);
        normalise();
    }
    return w;
}

MultidimPlan multidim_plan(Rank p, const CollectiveParams& params) {
    if (params.dims.size() != params.dim_paths.size()) throw std::logic_error("multidim: one path per dimension");
    MultidimPlan plan;
    plan.ranks = p;
    plan.dims = params.dims;
    plan.paths = params.dim_paths;
    Rank stride = 1;
    for (Rank d : plan.dims) {
        plan.stride.push_back(stride);
        stride *= d;
    }
    const auto active = active_dims(plan.dims);
    const bool twins = std::any_of(active.begin(), active.end(),
                                   [&](std::size_t i) { return plan.paths[i].kind == DimKind::ring; });
    const auto granules = granules_of(slice_weights(plan.dims, plan.paths));
    for (std::size_t k = 0; k < active.size(); ++k)
        for (bool reversed : {false, true}) {
            if ((reversed && !twins) || granules[k] == 0) continue;
            plan.slices.push_back({crossing_order(active, plan.paths, k), reversed, granules[k], plan.blocks});
            plan.blocks += granules[k] * p;
        }
    if (plan.slices.empty()) { // one rank: nothing moves, but the data is still one slice
        plan.slices.push_back({{}, false, 1, 0});
        plan.blocks = p;
    }
    return plan;
}

std::uint32_t MultidimPlan::part_width(const Slice& slice, std::size_t positions) const {
    std::uint32_t width = 1;
    for (std::size_t pos = positions + 1; pos < slice.order.size(); ++pos)
        width *= dims[slice.order[pos]];
    return width;
}

std::uint32_t MultidimPlan::share_index(const Slice& slice, Rank r, std::size_t positions) const {
    std::uint32_t index = 0;
    for (std::size_t pos = 0; pos < positions; ++pos)
        index += coord(r, slice.order[pos]) * part_width(slice, pos);
    return index;
}

Rank multidim_share_owner(const MultidimPlan& plan, std::uint32_t block) {
    block %= plan.blocks;
    const auto slice = std::find_if(plan.slices.rbegin(), plan.slices.rend(),
                                    [&](const Slice& s) { return s.first_block <= block; });
    std::uint32_t share = (block - slice->first_block) / slice->granules;
    Rank r = 0;
    for (std::size_t pos = 0; pos < slice->order.size(); ++pos) {
        const std::size_t dim = slice->order[pos];
        const std::uint32_t width = plan.part_width(*slice, pos);
        r += share / width * plan.stride[dim];
        share %= width;
    }
    return r;
}

} // namespace snsim::collectives
