// The invariant checks of the fuzz targets. Built without libFuzzer's coverage
// instrumentation (fuzz/CMakeLists.txt): checking that a record's JSON is valid
// is not code under test, and its comparisons would only steer the fuzzer.
#include "FuzzChecks.h"

#include <nlohmann/json.hpp>

void checkJson(const std::string& text)
{
    FUZZ_CHECK(!text.empty() && text.front() == '{');
    FUZZ_CHECK(nlohmann::json::accept(text));
}

void checkRecord(const FlowRecord& r)
{
    if (!r.extra.empty())
        checkJson(r.extra);
}

void drain(FlowSource& source, size_t issueCap)
{
    std::vector<FlowRecord> batch;
    bool more = true;
    // Every readBatch call consumes input or ends it: a bound far above any
    // fuzz input's record count turns a reader that stops advancing into a failure.
    for (int calls = 0; more; ++calls) {
        FUZZ_CHECK(calls < 1'000'000);
        batch.clear();
        more = source.readBatch(batch, 256);
        FUZZ_CHECK(batch.size() <= 256); // FlowSource: "up to maxRecords"
        for (const FlowRecord& r : batch)
            checkRecord(r);
    }
    FUZZ_CHECK(source.issues().size() <= issueCap);
    FUZZ_CHECK(source.bytesRead() <= source.bytesTotal() || source.bytesTotal() == 0);
}
