// import_bench: where the time of one import goes. Runs the same steps as
// FlowImporter::importFile (hash, open, read batches, insert, commit with the
// flow indexes) through the public core API, timing each phase.
//
//   import_bench FILE CASE.flowsift
//
// CASE is overwritten. Prints key=value pairs: seconds per phase (hash,
// read = decode/parse, insert = FlowStore::insertFlows, commit = index build
// and COMMIT), flows, flows/s overall and VmHWM.
#include "import/FlowImporter.h"
#include "import/FlowSource.h"
#include "store/FlowStore.h"

#include "BenchMeasure.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace {

using bench::vmHwmKb;
using bench::since;
using bench::Clock;

} // namespace

int main(int argc, char** argv)
{
    if (argc != 3) {
        std::fprintf(stderr, "usage: import_bench FILE CASE.flowsift\n");
        return 2;
    }
    const std::string path = argv[1];
    const std::string casePath = argv[2];
    for (const char* suffix : {"", "-wal", "-shm"})
        std::remove((casePath + suffix).c_str());

    const auto start = Clock::now();
    std::string error;
    auto store = FlowStore::open(casePath, error);
    if (!store) {
        std::fprintf(stderr, "import_bench: %s\n", error.c_str());
        return 1;
    }
    auto t = Clock::now();
    FlowStore::ImportRecord meta;
    meta.path = path;
    meta.sha256 = FlowImporter::sha256OfFile(path, error);
    const double hashSecs = since(t);
    std::unique_ptr<FlowSource> source = openFlowSource(path, error);
    if (!source || meta.sha256.empty()) {
        std::fprintf(stderr, "import_bench: %s\n", error.c_str());
        return 1;
    }
    meta.size = source->bytesTotal();
    meta.format = source->formatName();
    const int64_t id = store->beginImport(meta);
    if (!id) {
        std::fprintf(stderr, "import_bench: %s\n", store->lastError().c_str());
        return 1;
    }
    double readSecs = 0, insertSecs = 0;
    uint64_t flows = 0;
    std::vector<FlowRecord> batch;
    batch.reserve(8192);
    bool more = true;
    while (more) {
        batch.clear();
        t = Clock::now();
        more = source->readBatch(batch, 8192);
        readSecs += since(t);
        t = Clock::now();
        if (!store->insertFlows(batch)) {
            std::fprintf(stderr, "import_bench: %s\n", store->lastError().c_str());
            return 1;
        }
        insertSecs += since(t);
        flows += batch.size();
    }
    t = Clock::now();
    if (!store->commitImport(id, flows + source->rejectedCount(), flows, source->rejectedCount(), source->issues())) {
        std::fprintf(stderr, "import_bench: commit: %s\n", store->lastError().c_str());
        return 1;
    }
    const double commitSecs = since(t);
    store.reset();
    const double total = since(start);
    std::printf("format=%s flows=%llu hash_s=%.3f read_s=%.3f insert_s=%.3f commit_s=%.3f total_s=%.3f "
                "flows_per_s=%.0f insert_rows_per_s=%.0f vmhwm_mb=%.1f\n",
                meta.format.c_str(), (unsigned long long)flows, hashSecs, readSecs, insertSecs, commitSecs, total,
                total > 0 ? double(flows) / total : 0.0, insertSecs > 0 ? double(flows) / insertSecs : 0.0,
                double(vmHwmKb()) / 1024.0);
    return 0;
}
