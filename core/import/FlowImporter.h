#pragma once

#include "model/ImportIssue.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

class FlowStore;

// What one import did.
struct ImportResult {
    bool ok = false;
    bool cancelled = false;
    bool duplicate = false; // same SHA-256 already in the case; skipped
    std::string error;      // names the file and the reason when !ok
    std::string format;
    bool timesSynthetic = false; // the reader made up flow times (see FlowSource)
    int64_t importId = 0;
    uint64_t recordsRead = 0;
    uint64_t recordsKept = 0;
    uint64_t recordsRejected = 0;
    std::vector<ImportIssue> issues;
};

// Streams one input file into the case as one transaction: a cancelled or
// failed import leaves the case as it was.
class FlowImporter final {
public:
    using Progress = std::function<void(int64_t bytesDone, int64_t bytesTotal)>;

    static ImportResult importFile(FlowStore& store, const std::string& path, bool force, const Progress& progress,
                                   const std::atomic_bool& cancel);
    // The files to import for the given paths: files as given, directories
    // walked recursively (sorted, hidden entries skipped), so that a folder of
    // hourly logs or nfcapd files imports in time order. Paths that do not
    // exist are kept, for the import to report.
    static std::vector<std::string> expandInputs(const std::vector<std::string>& paths);
    // Hex SHA-256 of a file; empty with error set on failure.
    static std::string sha256OfFile(const std::string& path, std::string& error);
};
