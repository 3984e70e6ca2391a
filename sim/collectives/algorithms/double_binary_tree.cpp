// double_binary_tree allreduce as NCCL builds it (graph/trees.cc): two binary trees over the same ranks, the
// second the mirror image of the first (even p) or the first shifted by one rank (odd p), so that most ranks that
// are leaves in one tree are inner nodes in the other. Tree t carries half t of the buffer (block t of a slice):
// reduced up to its root, then broadcast back down; chunks pipeline both phases. A node sends to its children
// at the same time, as NCCL does.
//
// Steps: a node sends up at step height(node) (leaves at 0) and down at step height(tree) + depth(node).
#include <algorithm>
#include <limits>

#include "sim/collectives/algorithms/algorithms.hpp"
#include "sim/collectives/algorithms/builder.hpp"

namespace snsim::collectives {

namespace {

constexpr Rank kNone = std::numeric_limits<Rank>::max();

// NCCL's ncclGetBtree: rank 0 is the root; r's parent follows from r's lowest set bit.
std::vector<Rank> btree_parents(Rank p) {
    std::vector<Rank> parent(p, kNone);
    for (Rank r = 1; r < p; ++r) {
        const std::uint64_t bit = r & (~r + 1);
        const std::uint64_t up = (r ^ bit) | (bit << 1);
        parent[r] = static_cast<Rank>(up < p ? up : r ^ bit);
    }
    return parent;
}

struct Tree {
    Rank root = 0;
    std::vector<std::vector<Rank>> children;
    std::vector<Rank> top_down; // every rank, parents before children
    std::vector<std::uint32_t> depth, height;
};

Tree make_tree(const std::vector<Rank>& parent) {
    const auto p = static_cast<Rank>(parent.size());
    Tree tree;
    tree.children.resize(p);
    for (Rank r = 0; r < p; ++r)
        if (parent[r] == kNone)
            tree.root = r;
        else
            tree.children[parent[r]].push_back(r);
    tree.depth.assign(p, 0);
    tree.height.assign(p, 0);
    tree.top_down = {tree.root};
    for (std::size_t i = 0; i < tree.top_down.size(); ++i)
        for (Rank c : tree.children[tree.top_down[i]]) {
            tree.depth[c] = tree.depth[tree.top_down[i]] + 1;
            tree.top_down.push_back(c);
        }
    for (auto v = tree.top_down.rbegin(); v != tree.top_down.rend(); ++v)
        for (Rank c : tree.children[*v])
            tree.height[*v] = std::max(tree.height[*v], tree.height[c] + 1);
    return tree;
}

std::vector<Tree> nccl_double_tree(Rank p) {
    const auto first = btree_parents(p);
    std::vector<Rank> second(p, kNone);
    for (Rank r = 0; r < p; ++r) {
        if (p % 2 == 1) { // shift: rank r plays rank r-1 of the first tree
            const Rank up = first[(r + p - 1) % p];
            second[r] = up == kNone ? kNone : (up + 1) % p;
        } else { // mirror: rank r plays rank p-1-r
            const Rank up = first[p - 1 - r];
            second[r] = up == kNone ? kNone : p - 1 - up;
        }
    }
    return {make_tree(first), make_tree(second)};
}

} // namespace

Schedule double_binary_tree_schedule(Collective collective, Rank p, const CollectiveParams& params) {
    if (collective != Collective::allreduce) not_implemented("double_binary_tree", collective);
    Builder builder(p, 2, params.chunks, params.bytes / 2 / params.chunks);
    const auto trees = nccl_double_tree(p);
    std::vector<std::vector<std::vector<Msg>>> received(2, std::vector<std::vector<Msg>>(p));
    for (std::uint32_t t = 0; t < 2; ++t) {
        const Tree& tree = trees[t];
        for (auto v = tree.top_down.rbegin(); v != tree.top_down.rend(); ++v)
            for (Rank c : tree.children[*v])
                received[t][*v].push_back(
                    builder.send({c, *v, t, t + 1}, tree.height[c], FlowOp::Reduce, received[t][c]));
    }
    for (std::uint32_t t = 0; t < 2; ++t) {
        const Tree& tree = trees[t];
        for (Rank v : tree.top_down)
            for (Rank c : tree.children[v])
                received[t][c] = {builder.send({v, c, t, t + 1}, tree.height[tree.root] + tree.depth[v], FlowOp::Copy,
                                               received[t][v])};
    }
    return builder.take();
}

} // namespace snsim::collectives
