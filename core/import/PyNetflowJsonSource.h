#pragma once

#include "import/NamedFlowFields.h"
#include "import/TextFlowSource.h"

#include <deque>
#include <map>
#include <tuple>

// Output of the python `netflow` library's collector (bitkeks/python-netflow,
// `python -m netflow.collector -o FILE`): one JSON object per line, often as
// gzip members appended per export packet:
//   {"<receive time>": {"client": [ip, port], "header": {...}, "flows": [{...}, ...]}}
// v9 flows time FIRST/LAST_SWITCHED from the header (unix seconds and
// sysUptime); IPFIX flows time flowStart/EndSysUpTime from the exporter's
// systemInitTimeMilliseconds, which arrives in an options record mixed into
// `flows`. Options records are not flows and are not counted as such.
class PyNetflowJsonSource final : public TextFlowSource {
public:
    // Records waiting for an exporter's first options record; beyond this the
    // oldest are rejected, to keep memory bounded.
    static constexpr size_t kMaxPending = 200000;

    std::string formatName() const override { return "python-netflow-json"; }

    // True when the first JSON object of a file has this collector's shape.
    static bool looksLike(const nlohmann::json& firstObject);

protected:
    bool parseLine(std::string_view line, std::vector<FlowRecord>& out, std::string& reason) override;
    void finish(std::vector<FlowRecord>& out) override;

private:
    using ExporterKey = std::tuple<std::array<uint8_t, 16>, uint16_t, uint32_t>;
    struct Pending {
        int64_t line;
        uint64_t firstUptime, lastUptime;
        bool haveFirst, haveLast;
        FlowRecord record;
    };
    struct ExporterState {
        std::optional<int64_t> systemInitMs;
        std::deque<Pending> pending;
    };

    NamedFlowFields m_fields;
    std::map<ExporterKey, ExporterState> m_exporters;
    size_t m_pendingTotal = 0;
};
