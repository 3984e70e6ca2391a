#include "sim/engine/progress.hpp"

#include <atomic>
#include <new>

#include <sys/mman.h>

namespace snsim::engine {
namespace {

struct Counters {
    std::atomic<std::uint64_t> done{0}, total{0};
};
static_assert(std::atomic<std::uint64_t>::is_always_lock_free, "the counters are shared between processes");

// One page shared with every child process forked after it is made (the first call, from the parent, before any
// simulation). Falls back to process-private memory if the mapping is refused: progress then shows sizes only.
Counters& counters() {
    static Counters* shared = [] {
        void* page = ::mmap(nullptr, sizeof(Counters), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (page == MAP_FAILED) {
            static Counters private_counters;
            return &private_counters;
        }
        return new (page) Counters;
    }();
    return *shared;
}

} // namespace

FlowProgress flow_progress() {
    auto& c = counters();
    return {c.done.load(std::memory_order_relaxed), c.total.load(std::memory_order_relaxed)};
}

void start_flow_progress(std::uint64_t total) {
    auto& c = counters();
    c.done.store(0, std::memory_order_relaxed);
    c.total.store(total, std::memory_order_relaxed);
}

void count_finished_flows(std::uint64_t flows) {
    counters().done.fetch_add(flows, std::memory_order_relaxed);
}

} // namespace snsim::engine
