#pragma once

#include "model/FlowRecord.h"
#include "model/ImportIssue.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

// A stream of flow records read from one input file. Implementations read
// incrementally so that memory stays bounded whatever the file size.
class FlowSource {
public:
    virtual ~FlowSource() = default;

    // Appends up to maxRecords records to out. Returns false once the input is
    // exhausted (out may still have received records in that call).
    virtual bool readBatch(std::vector<FlowRecord>& out, size_t maxRecords) = 0;

    virtual std::string formatName() const = 0; // e.g. "pcap-netflow"
    // True when the input has no flow times and the reader made them up
    // (ordering only); analyses that depend on time must not trust them.
    virtual bool timesSynthetic() const { return false; }
    virtual int64_t bytesRead() const = 0;
    virtual int64_t bytesTotal() const = 0;

    // Records (or datagrams) that could not be decoded, and the first problems
    // with their location. Issues are capped; rejectedCount is not.
    virtual uint64_t rejectedCount() const = 0;
    virtual const std::vector<ImportIssue>& issues() const = 0;
};

// Opens a file, choosing the reader from its content (not its name).
// Returns nullptr and fills error (naming the file and the reason) on failure.
std::unique_ptr<FlowSource> openFlowSource(const std::string& path, std::string& error);
