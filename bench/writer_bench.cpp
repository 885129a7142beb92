// writer_bench: the live collector's SQLite writer in isolation. Reads a flow
// file into memory first (not measured), then stores the flows the way the
// collector's writer does (beginLiveImport, then batches of beginLiveBatch,
// insertFlows, commitLiveBatch) or the way a file import does (one
// transaction), and reports the writing thread's CPU time per million flows:
// a measure that the other builds on a shared machine disturb far less than
// wall-clock rows/s.
//
//   writer_bench FILE CASE.flowsift [--mode live|import] [--batch N] [--flows N]
//
// CASE is overwritten. Prints key=value pairs.
#include "import/FlowSource.h"
#include "store/FlowStore.h"

#include "BenchMeasure.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <algorithm>
#include <ctime>
#include <string>
#include <vector>

namespace {

double threadCpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 3) {
        std::fprintf(stderr, "usage: writer_bench FILE CASE.flowsift [--mode live|import] [--batch N] [--flows N]\n");
        return 2;
    }
    const std::string path = argv[1];
    const std::string casePath = argv[2];
    std::string mode = "live";
    size_t batchFlows = 65536;
    size_t maxFlows = SIZE_MAX;
    for (int i = 3; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--mode"))
            mode = argv[i + 1];
        else if (!std::strcmp(argv[i], "--batch"))
            batchFlows = std::strtoull(argv[i + 1], nullptr, 10);
        else if (!std::strcmp(argv[i], "--flows"))
            maxFlows = std::strtoull(argv[i + 1], nullptr, 10);
    }
    for (const char* suffix : {"", "-wal", "-shm"})
        std::remove((casePath + suffix).c_str());

    std::string error;
    std::unique_ptr<FlowSource> source = openFlowSource(path, error);
    if (!source) {
        std::fprintf(stderr, "writer_bench: %s\n", error.c_str());
        return 1;
    }
    std::vector<FlowRecord> flows;
    for (bool more = true; more && flows.size() < maxFlows;)
        more = source->readBatch(flows, 8192);
    if (flows.size() > maxFlows)
        flows.resize(maxFlows);

    auto store = FlowStore::open(casePath, error);
    if (!store) {
        std::fprintf(stderr, "writer_bench: %s\n", error.c_str());
        return 1;
    }
    FlowStore::ImportRecord meta;
    meta.path = "udp://bench";
    meta.format = "udp-netflow";
    const auto wall0 = bench::Clock::now();
    const double cpu0 = threadCpuSeconds();
    double insertCpu = 0, commitCpu = 0, commitWall = 0, commitWallMax = 0;
    uint64_t commits = 0;
    if (mode == "live") {
        if (!store->beginLiveImport(meta)) {
            std::fprintf(stderr, "writer_bench: %s\n", store->lastError().c_str());
            return 1;
        }
        std::vector<FlowRecord> batch;
        for (size_t i = 0; i < flows.size(); i += batchFlows) {
            const size_t n = std::min(batchFlows, flows.size() - i);
            // The collector hands the store a vector of the batch's flows.
            batch.assign(flows.begin() + long(i), flows.begin() + long(i + n));
            double t = threadCpuSeconds();
            if (!store->beginLiveBatch() || !store->insertFlows(batch)) {
                std::fprintf(stderr, "writer_bench: %s\n", store->lastError().c_str());
                return 1;
            }
            insertCpu += threadCpuSeconds() - t;
            t = threadCpuSeconds();
            const auto w = bench::Clock::now();
            if (!store->commitLiveBatch(i + n, i + n, 0, 0, {})) {
                std::fprintf(stderr, "writer_bench: %s\n", store->lastError().c_str());
                return 1;
            }
            commitCpu += threadCpuSeconds() - t;
            // Wall time in COMMIT: a checkpoint there also waits for its fsync, CPU time does not show it.
            const double cw = bench::since(w);
            commitWall += cw;
            commitWallMax = std::max(commitWallMax, cw);
            ++commits;
        }
    } else {
        const int64_t id = store->beginImport(meta);
        double t = threadCpuSeconds();
        if (!id || !store->insertFlows(flows)) {
            std::fprintf(stderr, "writer_bench: %s\n", store->lastError().c_str());
            return 1;
        }
        insertCpu = threadCpuSeconds() - t;
        // commitImport would build the time index too, which the live path leaves to the stop.
        store->rollbackImport();
        commits = 0;
    }
    const double cpu = threadCpuSeconds() - cpu0;
    const double wall = bench::since(wall0);
    std::error_code ec;
    const auto walBytes = std::filesystem::file_size(casePath + "-wal", ec);
    store.reset();
    const double perM = 1e6 / double(flows.size());
    std::printf("mode=%s flows=%zu batch=%zu commits=%llu cpu_s=%.3f wall_s=%.3f cpu_s_per_1m=%.3f "
                "insert_cpu_s_per_1m=%.3f commit_cpu_s_per_1m=%.3f commit_wall_s=%.3f commit_wall_max_ms=%.1f "
                "rows_per_cpu_s=%.0f process_cpu_s=%.3f wal_mb=%.1f vmhwm_mb=%.1f\n",
                mode.c_str(), flows.size(), batchFlows, (unsigned long long)commits, cpu, wall, cpu * perM,
                insertCpu * perM, commitCpu * perM, commitWall, commitWallMax * 1000,
                cpu > 0 ? double(flows.size()) / cpu : 0.0, bench::cpuSeconds(), ec ? 0.0 : double(walBytes) / 1048576.0,
                double(bench::vmHwmKb()) / 1024.0);
    return 0;
}
