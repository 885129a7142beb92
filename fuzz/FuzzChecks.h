#pragma once

#include "FuzzInput.h"

#include "import/FlowSource.h"
#include "model/FlowRecord.h"

#include <string>

// What every reader promises of a record, whatever the input: rarer fields are
// one valid JSON object (the store keeps them as JSON and the report parses them).
void checkRecord(const FlowRecord& r);
// Reads a source to its end in batches, as the importer does; checks each batch and record.
void drain(FlowSource& source, size_t issueCap);
// Opens a text source on path and drains it (a source that refuses the input is fine).
template <typename Source>
void readWith(Source& source, const std::string& path)
{
    std::string error;
    if (source.open(path, error))
        drain(source, Source::kMaxIssues);
}
// options data records are JSON objects too
void checkJson(const std::string& text);
