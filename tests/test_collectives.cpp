// Collective schedules against truth they did not produce: a symbolic execution (every rank ends with the result
// the collective defines, no contribution counted twice, dependencies that make the result independent of
// timing), closed forms for bytes and steps, and the refusals.
#include <catch2/catch.hpp>

#include <bit>
#include <string>

#include "sim/collectives/algorithms/multidim_plan.hpp"
#include "sim/collectives/collective.hpp"
#include "tests/schedule_executor.hpp"
#include "topologies/errors.hpp"

using namespace snsim;
using test::Contributors;

namespace {

constexpr double kBytes = 3.0 * 1024 * 1024;

Contributors bit(Rank r) {
    return Contributors{1} << r;
}
Contributors everyone(Rank p) {
    return p == 64 ? ~Contributors{0} : bit(p) - 1;
}
std::uint32_t ceil_log2(Rank p) {
    return p <= 1 ? 0 : static_cast<std::uint32_t>(std::bit_width(p - 1));
}

struct Case {
    Collective collective;
    Algorithm algorithm;
    Rank p;
    CollectiveParams params;
    std::vector<Rank> owners; // share_owner of every block of the schedule (filled before it is executed)
    std::string label() const {
        return fmt::format("{} {} p={} chunks={} root={} channels={} dims=[{}] switches={}", to_string(algorithm),
                           to_string(collective), p, params.chunks, params.root, params.channels,
                           fmt::join(params.dims, ","), params.switches);
    }
};

// Factorizations of p used as hierarchical grids, including unit dimensions.
std::vector<std::vector<Rank>> grids(Rank p) {
    switch (p) {
    case 1: return {{1}};
    case 2: return {{2}, {1, 2}};
    case 8: return {{2, 4}, {4, 2}, {2, 2, 2}, {8, 1}};
    case 12: return {{3, 4}, {4, 3}, {2, 3, 2}};
    case 16: return {{4, 4}, {2, 8}, {2, 2, 2, 2}};
    default: return {{p}};
    }
}

// multidim's dimension paths: every dimension direct on its own cables; every one a ring; and mixed kinds with
// unequal bandwidths, the last two dimensions sharing cables (as two dimensions behind one switch tier).
std::vector<std::vector<DimPath>> dim_path_variants(std::size_t n) {
    std::vector<DimPath> direct, ring, mixed;
    for (std::size_t i = 0; i < n; ++i) {
        const auto own = static_cast<Rank>(i);
        direct.push_back({DimKind::direct, 1, own});
        ring.push_back({DimKind::ring, 1, own});
        const bool last_two = n >= 2 && i + 2 >= n;
        mixed.push_back({i % 2 ? DimKind::ring : DimKind::direct, last_two ? 5.0 : 1.0 + i,
                         last_two ? static_cast<Rank>(n) : own});
    }
    return {direct, ring, mixed};
}

std::vector<Case> cases(Algorithm a, Collective c) {
    const bool power_of_two_only = a == Algorithm::recursive_doubling || a == Algorithm::halving_doubling;
    const std::vector<Rank> sizes =
        power_of_two_only ? std::vector<Rank>{1, 2, 4, 8, 16} : std::vector<Rank>{1, 2, 3, 5, 8, 12, 16};
    std::vector<Case> out;
    for (Rank p : sizes)
        for (std::uint32_t chunks : {1u, 3u}) {
            CollectiveParams base{.bytes = kBytes, .chunks = chunks};
            std::vector<CollectiveParams> variants{base};
            if (c == Collective::broadcast || c == Collective::reduce)
                for (Rank root : {p / 2, p - 1})
                    if (root != 0) variants.push_back({.bytes = kBytes, .root = root, .chunks = chunks});
            if (a == Algorithm::multi_ring) variants.push_back({.bytes = kBytes, .chunks = chunks, .channels = 3});
            if (a == Algorithm::in_switch) {
                variants.clear();
                for (Rank switches : {1u, 3u})
                    variants.push_back({.bytes = kBytes, .chunks = chunks, .switches = switches});
                // Over groups (dims [n, N], k switches per group): a cluster's supernodes.
                for (const auto& dims : grids(p))
                    if (dims.size() == 2)
                        for (Rank k : {1u, 2u})
                            variants.push_back(
                                {.bytes = kBytes, .chunks = chunks, .dims = dims, .switches = k * dims[1]});
            }
            if (a == Algorithm::hierarchical) {
                variants.clear();
                for (const auto& dims : grids(p))
                    variants.push_back({.bytes = kBytes, .chunks = chunks, .dims = dims});
            }
            if (a == Algorithm::multidim) {
                // Its slices cut the data into 120 granules x p blocks (x 2 with rings, x chunks): above 8 ranks,
                // chunks only on the first grid, which keeps the symbolic execution short.
                variants.clear();
                const auto all = grids(p);
                for (const auto& dims : chunks > 1 && p > 8 ? decltype(all){all.front()} : all)
                    for (const auto& paths : dim_path_variants(dims.size()))
                        variants.push_back({.bytes = kBytes, .chunks = chunks, .dims = dims, .dim_paths = paths});
            }
            for (const auto& params : variants)
                out.push_back({c, a, p, params});
        }
    return out;
}

struct Expected {
    double bytes;
    std::uint32_t steps;
};

double popcount_sum(Rank p) {
    double sum = 0;
    for (Rank j = 1; j < p; ++j)
        sum += std::popcount(j);
    return sum;
}

Expected closed_form(const Case& k) {
    const double S = k.params.bytes, m = k.p - 1.0;
    const std::uint32_t L = ceil_log2(k.p), p1 = k.p - 1, one = k.p > 1 ? 1 : 0;
    const bool allreduce = k.collective == Collective::allreduce;
    switch (k.algorithm) {
    case Algorithm::ring:
    case Algorithm::bidirectional_ring:
    case Algorithm::multi_ring: return allreduce ? Expected{2 * m * S, 2 * p1} : Expected{m * S, p1};
    case Algorithm::direct:
        if (allreduce) return {2 * m * S, 2 * one};
        if (k.collective == Collective::permutation) return {one * k.p * S, one};
        return {m * S, one};
    case Algorithm::recursive_doubling: return allreduce ? Expected{k.p * L * S, L} : Expected{m * S, L};
    case Algorithm::halving_doubling: return allreduce ? Expected{2 * m * S, 2 * L} : Expected{m * S, L};
    case Algorithm::binomial_tree: return {m * S, L};
    case Algorithm::double_binary_tree: return {2 * m * S, 2 * L};
    case Algorithm::bruck:
        return k.collective == Collective::alltoall ? Expected{S * popcount_sum(k.p), L} : Expected{m * S, L};
    case Algorithm::pairwise: return {m * S, p1};
    case Algorithm::hierarchical: {
        // Along dimension i each rank sends (dims[i]-1) parts of p/(dims[0]*...*dims[i]) blocks of S/p.
        Expected e{0, 0};
        double groups = 1;
        for (Rank d : k.params.dims) {
            groups *= d;
            e.bytes += (d - 1) * (k.p / groups) * S;
            e.steps += d - 1;
        }
        return allreduce ? Expected{2 * e.bytes, 2 * e.steps} : e;
    }
    case Algorithm::in_switch: {
        if (k.params.dims.empty()) return {2 * k.p * S, 2}; // every rank sends S up and gets S back
        // Over N groups of n: S up and S/n back per rank, a ring allreduce of S/n across (2(N-1) S/(nN) per rank
        // and step), then (groups of more than one) S/n up and the others' (n-1)S/n back.
        const double n = k.params.dims[0], N = k.params.dims[1];
        const bool gather = k.params.dims[0] > 1;
        return {k.p * S + k.p * S / n + 2 * (N - 1) * S + (gather ? k.p * S : 0),
                2 + 2 * (k.params.dims[1] - 1) + (gather ? 2 : 0)};
    }
    case Algorithm::multidim: {
        // Every slice moves (p-1)/p of its data per rank, whatever its order (the hierarchical sum telescopes).
        // A slice crosses the dimension it starts on first, then the others from the fastest to the slowest (ties
        // in rotation after its first); each is checked here. There is one slot per dimension of size above 1,
        // as long as the longest phase at that position (a ring d-1 steps, direct 1). A dimension whose slice got
        // no share of the data (its cables too slow to be worth it) starts none.
        std::vector<std::size_t> active;
        for (std::size_t i = 0; i < k.params.dims.size(); ++i)
            if (k.params.dims[i] > 1) active.push_back(i);
        const auto plan = collectives::multidim_plan(k.p, k.params);
        const auto length = [&](std::size_t i) {
            return k.params.dim_paths[i].kind == DimKind::ring ? k.params.dims[i] - 1 : 1u;
        };
        const auto n = active.size();
        for (const auto& slice : plan.slices) {
            REQUIRE(slice.order.size() == n);
            REQUIRE(std::is_permutation(slice.order.begin(), slice.order.end(), active.begin()));
            if (n == 0) continue; // one rank: one slice that crosses nothing
            const auto start = std::find(active.begin(), active.end(), slice.order.front()) - active.begin();
            for (std::size_t t = 2; t < n; ++t) {
                const double before = k.params.dim_paths[slice.order[t - 1]].bytes_per_s;
                const double here = k.params.dim_paths[slice.order[t]].bytes_per_s;
                const auto rotated = [&](std::size_t dim) {
                    return (std::find(active.begin(), active.end(), dim) - active.begin() + n - start) % n;
                };
                REQUIRE((before > here || (before == here && rotated(slice.order[t - 1]) < rotated(slice.order[t]))));
            }
        }
        std::uint32_t steps = 0;
        for (std::size_t t = 0; t < n; ++t) {
            std::uint32_t longest = 0;
            for (const auto& slice : plan.slices)
                longest = std::max(longest, length(slice.order[t]));
            steps += longest;
        }
        const Expected e{m * S, steps};
        return allreduce ? Expected{2 * e.bytes, 2 * e.steps} : e;
    }
    }
    return {0, 0};
}

// What rank r holds of block b before the collective, and the check of what it holds after.
Contributors initial(const Case& k, Rank r, std::uint32_t b) {
    const Rank p = k.p;
    switch (k.collective) {
    case Collective::allreduce:
    case Collective::reduce_scatter:
    case Collective::reduce: return bit(r);
    case Collective::allgather: return k.owners[b] == r ? bit(r) : 0;
    case Collective::broadcast: return r == k.params.root ? bit(r) : 0;
    case Collective::alltoall: return b % (p * p) / p == r ? bit(r) : 0;
    case Collective::permutation: return b % p == r ? bit(r) : 0;
    }
    return 0;
}

void check_result(const Case& k, const Schedule& s, const test::Execution& e) {
    const Rank p = k.p;
    for (std::uint32_t b = 0; b < s.blocks(); ++b) {
        const Rank owner = k.owners[b];
        switch (k.collective) {
        case Collective::allreduce:
            for (Rank r = 0; r < p; ++r)
                REQUIRE(e.at(r, b) == everyone(p));
            break;
        case Collective::reduce_scatter: REQUIRE(e.at(owner, b) == everyone(p)); break;
        case Collective::allgather:
            for (Rank r = 0; r < p; ++r)
                REQUIRE(e.at(r, b) == bit(owner));
            break;
        case Collective::broadcast:
            for (Rank r = 0; r < p; ++r)
                REQUIRE(e.at(r, b) == bit(k.params.root));
            break;
        case Collective::reduce: REQUIRE(e.at(k.params.root, b) == everyone(p)); break;
        case Collective::alltoall: REQUIRE(e.at(b % (p * p) % p, b) == bit(b % (p * p) / p)); break;
        case Collective::permutation: REQUIRE(e.at((b % p + p / 2) % p, b) == bit(b % p)); break;
        }
    }
}

// Chunk c of a message waits only for chunk c of other messages, or chunk c-1 of its own step; bytes are the
// same per block everywhere.
void check_structure(const Case& k, const Schedule& s) {
    REQUIRE(s.ranks() == k.p);
    REQUIRE(s.chunks() == k.params.chunks);
    REQUIRE(s.blocks() % k.params.chunks == 0);
    const std::uint32_t slice = s.blocks() / k.params.chunks;
    if (k.collective == Collective::reduce_scatter || k.collective == Collective::allgather ||
        k.collective == Collective::permutation)
        REQUIRE(slice % k.p == 0);
    if (k.collective == Collective::alltoall) REQUIRE(slice == k.p * k.p);
    const auto chunk = [&](FlowId f) { return s.chunk_of(f); };
    for (FlowId f = 0; f < s.size(); ++f) {
        const Flow& flow = s.flow(f);
        REQUIRE((flow.block_end - 1) / slice == chunk(f));
        REQUIRE(flow.bytes / (flow.block_end - flow.block_begin) ==
                Approx(s.flow(0).bytes / (s.flow(0).block_end - s.flow(0).block_begin)));
        for (FlowId d : s.deps(f))
            REQUIRE((chunk(d) == chunk(f) || (chunk(d) + 1 == chunk(f) && s.flow(d).step == flow.step)));
    }
}

void check_algorithm(Algorithm a) {
    for (Collective c : collectives_of(a))
        for (Case& k : cases(a, c)) {
            INFO(k.label());
            const Schedule s = build_schedule(k.collective, k.algorithm, k.p, k.params);
            for (std::uint32_t b = 0; b < s.blocks(); ++b)
                k.owners.push_back(share_owner(k.algorithm, k.p, k.params, b));
            check_structure(k, s);
            const auto e = test::execute(s, [&](Rank r, std::uint32_t b) { return initial(k, r, b); });
            INFO(fmt::format("{}", fmt::join(e.problems, "\n")));
            REQUIRE(e.problems.empty());
            check_result(k, s, e);
            const Expected want = closed_form(k);
            CHECK(s.total_bytes() == Approx(want.bytes));
            CHECK(s.steps() == want.steps);
        }
}

// Flows (with their step) from each rank, for structural checks on small cases.
std::vector<std::pair<Rank, Rank>> pairs_at_step(const Schedule& s, std::uint32_t step) {
    std::vector<std::pair<Rank, Rank>> out;
    for (const Flow& f : s.flows())
        if (f.step == step) out.emplace_back(f.src, f.dst);
    return out;
}

using Pairs = std::vector<std::pair<Rank, Rank>>;

} // namespace

TEST_CASE("collectives: ring: all five collectives complete, 2(p-1) or p-1 steps, ring volumes", "[collectives]") {
    check_algorithm(Algorithm::ring);
}

TEST_CASE("collectives: bidirectional_ring: two opposite rings, same volumes and steps as one ring", "[collectives]") {
    check_algorithm(Algorithm::bidirectional_ring);
    const auto s = build_schedule(Collective::allgather, Algorithm::bidirectional_ring, 4, {.bytes = kBytes});
    CHECK(pairs_at_step(s, 0) == Pairs{{0, 1}, {1, 2}, {2, 3}, {3, 0}, {0, 3}, {3, 2}, {2, 1}, {1, 0}});
}

TEST_CASE("collectives: multi_ring: channels rings share the data", "[collectives]") {
    check_algorithm(Algorithm::multi_ring);
    const auto s = build_schedule(Collective::allreduce, Algorithm::multi_ring, 8, {.bytes = kBytes, .channels = 4});
    CHECK(s.size() == 4 * 2 * 7 * 8);
    CHECK(s.flow(0).bytes == kBytes / 8 / 4);
}

TEST_CASE("collectives: direct: one shot, all pairs at once", "[collectives]") {
    check_algorithm(Algorithm::direct);
    const auto s = build_schedule(Collective::permutation, Algorithm::direct, 5, {.bytes = kBytes});
    CHECK(pairs_at_step(s, 0) == Pairs{{0, 2}, {1, 3}, {2, 4}, {3, 0}, {4, 1}});
    CHECK(build_schedule(Collective::alltoall, Algorithm::direct, 12, {.bytes = kBytes}).size() == 12 * 11);
}

TEST_CASE("collectives: recursive_doubling: log2 p exchanges at distance 2^k", "[collectives]") {
    check_algorithm(Algorithm::recursive_doubling);
    const auto s = build_schedule(Collective::allreduce, Algorithm::recursive_doubling, 8, {.bytes = kBytes});
    for (const Flow& f : s.flows())
        CHECK(f.dst == (f.src ^ (Rank{1} << f.step)));
}

TEST_CASE("collectives: halving_doubling: Rabenseifner's volume 2(p-1)/p per rank in 2 log2 p steps", "[collectives]") {
    check_algorithm(Algorithm::halving_doubling);
    const auto s = build_schedule(Collective::allreduce, Algorithm::halving_doubling, 16, {.bytes = kBytes});
    std::vector<double> sent(16, 0);
    for (const Flow& f : s.flows())
        sent[f.src] += f.bytes;
    for (double b : sent)
        CHECK(b == Approx(2.0 * 15 / 16 * kBytes));
}

TEST_CASE("collectives: binomial_tree: ceil(log2 p) steps from or to any root", "[collectives]") {
    check_algorithm(Algorithm::binomial_tree);
    const auto s = build_schedule(Collective::broadcast, Algorithm::binomial_tree, 5, {.bytes = kBytes, .root = 2});
    CHECK(pairs_at_step(s, 0) == Pairs{{2, 3}});
    CHECK(pairs_at_step(s, 1) == Pairs{{2, 4}, {3, 0}});
    CHECK(pairs_at_step(s, 2) == Pairs{{2, 1}});
}

TEST_CASE("collectives: double_binary_tree: each rank is an inner node of one tree only (even p)", "[collectives]") {
    check_algorithm(Algorithm::double_binary_tree);
    for (Rank p : {8u, 16u}) {
        const auto s = build_schedule(Collective::allreduce, Algorithm::double_binary_tree, p, {.bytes = kBytes});
        std::vector<std::vector<bool>> inner(2, std::vector<bool>(p, false));
        for (const Flow& f : s.flows())
            if (f.op == FlowOp::Copy) inner[f.block_begin][f.src] = true; // sends down in tree block_begin
        for (Rank r = 0; r < p; ++r)
            CHECK(inner[0][r] != inner[1][r]);
    }
}

TEST_CASE("collectives: bruck: ceil(log2 p) steps at distance 2^k, any p", "[collectives]") {
    check_algorithm(Algorithm::bruck);
    const auto s = build_schedule(Collective::alltoall, Algorithm::bruck, 12, {.bytes = kBytes});
    for (const Flow& f : s.flows())
        CHECK(f.dst == (f.src + (Rank{1} << f.step)) % 12);
}

TEST_CASE("collectives: pairwise: at step k-1 rank r sends to r+k", "[collectives]") {
    check_algorithm(Algorithm::pairwise);
    const auto s = build_schedule(Collective::alltoall, Algorithm::pairwise, 5, {.bytes = kBytes});
    for (const Flow& f : s.flows())
        CHECK(f.dst == (f.src + f.step + 1) % 5);
}

TEST_CASE("collectives: hierarchical: ring phases along each dimension, dimension 0 carrying the most",
          "[collectives]") {
    check_algorithm(Algorithm::hierarchical);
    // dims [4, 4]: each rank sends 3 parts of 4 blocks along dimension 0 and 3 parts of 1 block along dimension 1,
    // in each half of the allreduce.
    const auto s =
        build_schedule(Collective::allreduce, Algorithm::hierarchical, 16, {.bytes = kBytes, .dims = {4, 4}});
    double along[2] = {0, 0};
    for (const Flow& f : s.flows()) {
        const bool same_row = f.src / 4 == f.dst / 4, same_column = f.src % 4 == f.dst % 4;
        REQUIRE(same_row != same_column);
        along[same_row ? 0 : 1] += f.bytes;
    }
    CHECK(along[0] == Approx(2 * 16 * 3 * 4 * kBytes / 16));
    CHECK(along[1] == Approx(2 * 16 * 3 * 1 * kBytes / 16));
    // dims [2, 3]: rank c0 + 2*c1 owns block 3*c0 + c1.
    const CollectiveParams grid{.bytes = kBytes, .dims = {2, 3}};
    const Rank owners[] = {0, 2, 4, 1, 3, 5};
    for (std::uint32_t b = 0; b < 6; ++b)
        CHECK(share_owner(Algorithm::hierarchical, 6, grid, b) == owners[b]);
}

TEST_CASE("collectives: multidim: slices of the data cross every dimension at once and the fastest next",
          "[collectives]") {
    check_algorithm(Algorithm::multidim);
    // 4 x 4, both rings: slot 0 has slice 0 (both ways) on dimension 0 and slice 1 (both ways) on dimension 1, so
    // every rank sends along both dimensions, in both directions, at step 0.
    const CollectiveParams torus{.bytes = kBytes,
                                 .dims = {4, 4},
                                 .dim_paths = {{DimKind::ring, 1, 0}, {DimKind::ring, 1, 1}}};
    const Schedule s = build_schedule(Collective::allreduce, Algorithm::multidim, 16, torus);
    for (const auto& want : Pairs{{5, 6}, {5, 4}, {5, 9}, {5, 1}}) {
        const auto step0 = pairs_at_step(s, 0);
        CHECK(std::count(step0.begin(), step0.end(), want) == 1);
    }
}

TEST_CASE("collectives: multidim: slices sized so that every set of cables is equally busy", "[collectives]") {
    // [4, 4], dimension 1 twice as fast. A slice starting on dimension 0 sends 3/4 of it there and 3/16 on
    // dimension 1, and the other way round: balance (3/4 w0 + 3/16 w1) / 1 = (3/4 w1 + 3/16 w0) / 2 with
    // w0 + w1 = 1 gives w1 = 3.5 w0: 2/9 and 7/9.
    const auto w = collectives::slice_weights({4, 4}, {{DimKind::direct, 1, 0}, {DimKind::direct, 2, 1}});
    REQUIRE(w.size() == 2);
    CHECK(w[0] == Approx(2.0 / 9).epsilon(1e-9));
    CHECK(w[1] == Approx(7.0 / 9).epsilon(1e-9));
    // Equal dimensions on equal cables: equal slices; a dimension of size 1 starts no slice.
    const auto equal = collectives::slice_weights({1, 8, 8, 8}, std::vector<DimPath>(4, {DimKind::ring, 3, 0}));
    REQUIRE(equal.size() == 3);
    for (double x : equal)
        CHECK(x == Approx(1.0 / 3).epsilon(1e-9));
}

TEST_CASE("collectives: in_switch: ranks send part j to switch j, which returns the reduced part to all",
          "[collectives]") {
    check_algorithm(Algorithm::in_switch);
    const auto s = build_schedule(Collective::allreduce, Algorithm::in_switch, 4, {.bytes = kBytes, .switches = 2});
    CHECK(s.endpoints() == 6);
    CHECK(pairs_at_step(s, 0) == Pairs{{0, 4}, {1, 4}, {2, 4}, {3, 4}, {0, 5}, {1, 5}, {2, 5}, {3, 5}});
    CHECK(pairs_at_step(s, 1) == Pairs{{4, 0}, {4, 1}, {4, 2}, {4, 3}, {5, 0}, {5, 1}, {5, 2}, {5, 3}});
    CHECK(s.flow(0).bytes == kBytes / 2);
    CHECK_THROWS_WITH(build_schedule(Collective::allreduce, Algorithm::in_switch, 4, {.bytes = kBytes}),
                      Catch::Contains("in_switch needs at least one reducing switch"));
    CHECK_THROWS_AS(build_schedule(Collective::allgather, Algorithm::in_switch, 4, {.bytes = kBytes, .switches = 1}),
                    InputError);
}

TEST_CASE("collectives: chunks pipeline a chain: p+c-2 flows on the longest dependency path, not (p-1)c",
          "[collectives]") {
    for (Rank p : {2u, 5u, 8u})
        for (std::uint32_t c : {1u, 4u, 16u}) {
            const auto s = build_schedule(Collective::broadcast, Algorithm::ring, p, {.bytes = kBytes, .chunks = c});
            std::vector<std::uint32_t> depth(s.size(), 1);
            std::uint32_t longest = 0;
            for (FlowId f = 0; f < s.size(); ++f) {
                for (FlowId d : s.deps(f))
                    depth[f] = std::max(depth[f], depth[d] + 1);
                longest = std::max(longest, depth[f]);
            }
            CHECK(longest == p + c - 2);
            CHECK(s.total_bytes() == Approx((p - 1) * kBytes));
        }
}

TEST_CASE("collectives: closed forms hold at larger scale", "[collectives]") {
    const CollectiveParams q{.bytes = kBytes};
    CHECK(build_schedule(Collective::allreduce, Algorithm::ring, 128, q).total_bytes() == Approx(2 * 127 * kBytes));
    CHECK(build_schedule(Collective::allreduce, Algorithm::ring, 128, q).steps() == 254);
    CHECK(build_schedule(Collective::allreduce, Algorithm::recursive_doubling, 256, q).total_bytes() ==
          Approx(256 * 8 * kBytes));
    CHECK(build_schedule(Collective::alltoall, Algorithm::bruck, 256, q).total_bytes() == Approx(128 * 8 * kBytes));
    CHECK(build_schedule(Collective::alltoall, Algorithm::pairwise, 100, q).steps() == 99);
    CHECK(build_schedule(Collective::broadcast, Algorithm::binomial_tree, 1000, q).steps() == 10);
    CHECK(build_schedule(Collective::allreduce, Algorithm::double_binary_tree, 1000, q).steps() == 20);
    CHECK(build_schedule(Collective::allreduce, Algorithm::hierarchical, 1024, {.bytes = kBytes, .dims = {8, 8, 16}})
              .total_bytes() == Approx(2 * (7 * 128 + 7 * 16 + 15 * 1) * kBytes));
}

TEST_CASE("collectives: symbolic execution catches broken schedules", "[collectives]") {
    // A reduce counted twice: 0 -> 1 then 1 -> 0 with the sum.
    Schedule twice(2, 1);
    const FlowId a = twice.add({.src = 0, .dst = 1, .op = FlowOp::Reduce, .block_begin = 0, .block_end = 1});
    twice.add({.src = 1, .dst = 0, .op = FlowOp::Reduce, .block_begin = 0, .block_end = 1}, {a});
    CHECK_FALSE(test::execute(twice, [](Rank r, std::uint32_t) { return bit(r); }).problems.empty());
    // A forward that does not wait for the data it forwards.
    Schedule racy(3, 1);
    racy.add({.src = 0, .dst = 1, .block_begin = 0, .block_end = 1});
    racy.add({.src = 1, .dst = 2, .block_begin = 0, .block_end = 1});
    const auto e = test::execute(racy, [](Rank r, std::uint32_t) { return r == 0 ? bit(0) : 0; });
    CHECK_FALSE(e.problems.empty());
}

TEST_CASE("collectives: names round-trip", "[collectives]") {
    for (Collective c : kCollectives)
        CHECK(collective_from(to_string(c)) == c);
    for (Algorithm a : kAlgorithms)
        CHECK(algorithm_from(to_string(a)) == a);
    CHECK(to_string(Algorithm::double_binary_tree) == "double_binary_tree");
    CHECK_FALSE(algorithm_from("tree").has_value());
}

TEST_CASE("collectives: refusals name the reason", "[collectives]") {
    const CollectiveParams q{.bytes = kBytes};
    CHECK_THROWS_WITH(build_schedule(Collective::allreduce, Algorithm::recursive_doubling, 12, q),
                      "recursive_doubling needs a power-of-two number of ranks, got 12");
    CHECK_THROWS_WITH(build_schedule(Collective::reduce_scatter, Algorithm::halving_doubling, 12, q),
                      "halving_doubling needs a power-of-two number of ranks, got 12");
    CHECK_THROWS_WITH(build_schedule(Collective::broadcast, Algorithm::recursive_doubling, 8, q),
                      "recursive_doubling does not implement broadcast; it implements allreduce, allgather");
    CHECK_THROWS_WITH(build_schedule(Collective::permutation, Algorithm::ring, 8, q),
                      "ring does not implement permutation; it implements allreduce, reduce_scatter, allgather, "
                      "broadcast, reduce");
    for (Algorithm a : kAlgorithms)
        for (Collective c : kCollectives)
            if (!supports(a, c)) CHECK_THROWS_AS(build_schedule(c, a, 8, q), InputError);
    CHECK_THROWS_WITH(build_schedule(Collective::allreduce, Algorithm::ring, 0, q),
                      "a collective needs at least one rank");
    CHECK_THROWS_WITH(build_schedule(Collective::allreduce, Algorithm::ring, 4, {.bytes = -1}),
                      "bytes must be a finite size of at least 0, got -1");
    CHECK_THROWS_WITH(build_schedule(Collective::allreduce, Algorithm::ring, 4, {.bytes = 1, .chunks = 0}),
                      "chunks must be at least 1");
    CHECK_THROWS_WITH(build_schedule(Collective::broadcast, Algorithm::ring, 4, {.bytes = 1, .root = 4}),
                      "root 4 is not one of the 4 ranks");
    CHECK_THROWS_WITH(build_schedule(Collective::allreduce, Algorithm::ring, 4, {.bytes = 1, .root = 1}),
                      "root applies to broadcast and reduce only, not allreduce");
    CHECK_THROWS_WITH(build_schedule(Collective::allreduce, Algorithm::ring, 4, {.bytes = 1, .channels = 2}),
                      "channels applies to multi_ring only, not ring");
    CHECK_THROWS_WITH(build_schedule(Collective::allreduce, Algorithm::ring, 4, {.bytes = 1, .dims = {2, 2}}),
                      "dims applies to hierarchical, multidim and in_switch (over groups) only, not ring");
    CHECK_THROWS_WITH(build_schedule(Collective::allreduce, Algorithm::hierarchical, 12, q),
                      "hierarchical needs dims, the rank grid (e.g. [8, 16] for 128 ranks)");
    CHECK_THROWS_WITH(build_schedule(Collective::allreduce, Algorithm::hierarchical, 12, {.bytes = 1, .dims = {4, 4}}),
                      "hierarchical dims [4, 4] hold 16 ranks, not 12");
    CHECK_THROWS_WITH(build_schedule(Collective::allreduce, Algorithm::hierarchical, 12, {.bytes = 1, .dims = {0, 4}}),
                      "hierarchical dims must all be at least 1, got [0, 4]");
    CHECK_THROWS_WITH(build_schedule(Collective::allreduce, Algorithm::multidim, 12, {.bytes = 1, .dims = {4, 4}}),
                      "multidim dims [4, 4] hold 16 ranks, not 12");
    CHECK_THROWS_WITH(build_schedule(Collective::allreduce, Algorithm::multidim, 16, {.bytes = 1, .dims = {4, 4}}),
                      "multidim needs one dimension path (direct or ring, and a bandwidth) per dimension of dims "
                      "[4, 4], got 0");
    const std::vector<DimPath> no_bandwidth{{DimKind::direct, 1, 0}, {DimKind::ring, 0, 1}};
    CHECK_THROWS_WITH(build_schedule(Collective::allreduce, Algorithm::multidim, 16,
                                     {.bytes = 1, .dims = {4, 4}, .dim_paths = no_bandwidth}),
                      "multidim: dimension 1 has no bandwidth to cross it (0 B/s)");
    const std::vector<DimPath> unequal{{DimKind::direct, 1, 7}, {DimKind::direct, 2, 7}};
    CHECK_THROWS_WITH(build_schedule(Collective::allreduce, Algorithm::multidim, 16,
                                     {.bytes = 1, .dims = {4, 4}, .dim_paths = unequal}),
                      "multidim: dimensions 0 and 1 share cables but give different bandwidths (1 and 2 B/s)");
    CHECK_THROWS_WITH(build_schedule(Collective::allreduce, Algorithm::hierarchical, 16,
                                     {.bytes = 1, .dims = {4, 4}, .dim_paths = unequal}),
                      "dim_paths applies to multidim only, not hierarchical");
}
