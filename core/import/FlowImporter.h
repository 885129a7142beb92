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
    // Hex SHA-256 of a file; empty with error set on failure.
    static std::string sha256OfFile(const std::string& path, std::string& error);
};
