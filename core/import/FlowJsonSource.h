#pragma once

#include "import/FlowSource.h"
#include "import/GzipLineReader.h"
#include "import/NamedFlowFields.h"

#include <string>
#include <vector>

// Flow objects with NetFlow v9 or IPFIX field names, as a JSON array
// ([{...}, {...}]), JSON lines, or concatenated objects; plain or gzip.
// Objects are cut out of the byte stream one by one (tracking strings and
// nesting) and parsed individually, so a multi-gigabyte single-line array
// needs no more memory than its largest element.
class FlowJsonSource final : public FlowSource {
public:
    static constexpr size_t kMaxIssues = 100;
    static constexpr size_t kMaxObjectBytes = 16 * 1024 * 1024;

    bool open(const std::string& path, std::string& error);

    bool readBatch(std::vector<FlowRecord>& out, size_t maxRecords) override;
    std::string formatName() const override { return "flow-json"; }
    int64_t bytesRead() const override { return m_reader.bytesRead(); }
    int64_t bytesTotal() const override { return m_reader.bytesTotal(); }
    uint64_t rejectedCount() const override { return m_rejected; }
    const std::vector<ImportIssue>& issues() const override { return m_issues; }

    // True when an object has at least a source address field by v9 or IPFIX name.
    static bool looksLike(const nlohmann::json& firstObject);

private:
    void reject(int64_t line, std::string reason);
    void parseObject(std::vector<FlowRecord>& out);

    GzipLineReader m_reader;
    std::string m_path;
    std::vector<char> m_chunk;
    size_t m_pos = 0;
    size_t m_len = 0;
    std::string m_object;       // the element being cut out
    bool m_collecting = false;
    bool m_oversized = false;
    bool m_inString = false;
    bool m_escape = false;
    bool m_inScalar = false;
    bool m_started = false;
    bool m_topArray = false;
    bool m_done = false;
    int m_depth = 0;
    int64_t m_line = 1;
    int64_t m_objectLine = 0;
    int64_t m_objectIndex = 0;
    NamedFlowFields m_fields;
    std::vector<ImportIssue> m_issues;
    uint64_t m_rejected = 0;
};
