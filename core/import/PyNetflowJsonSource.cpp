#include "import/PyNetflowJsonSource.h"

#include "import/TextFields.h"

bool PyNetflowJsonSource::looksLike(const nlohmann::json& j)
{
    if (!j.is_object() || j.size() != 1)
        return false;
    const auto& body = j.begin().value();
    return body.is_object() && body.contains("flows") && body.contains("header") && body.contains("client");
}

bool PyNetflowJsonSource::parseLine(std::string_view line, std::vector<FlowRecord>& out, std::string& reason)
{
    if (line.find_first_not_of(" \t") == std::string_view::npos)
        return true;
    const nlohmann::json j = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
    if (j.is_discarded()) {
        reason = "not valid JSON";
        return false;
    }
    if (!looksLike(j)) {
        reason = "not a python-netflow export record ({\"time\": {client, header, flows}})";
        return false;
    }
    const auto& body = j.begin().value();
    const auto& header = body["header"];
    const auto& client = body["client"];
    const auto& flows = body["flows"];
    if (!header.is_object() || !flows.is_array() || !client.is_array() || client.size() < 2 || !client[0].is_string()
        || !client[1].is_number_unsigned()) {
        reason = "malformed client, header or flows";
        return false;
    }
    const auto exporter = IpAddress::parse(client[0].get_ref<const std::string&>());
    const int version = header.value("version", 0);
    if (!exporter || (version != 9 && version != 10)) {
        reason = !exporter ? "client address is not an IP address"
                           : "unsupported export version " + std::to_string(version);
        return false;
    }
    const uint16_t exporterPort = uint16_t(client[1].get<uint64_t>());
    // The IPFIX observation domain; upstream spells the key "obervation_domain_id".
    uint32_t domain = 0;
    for (const char* key : {"source_id", "obervation_domain_id", "observation_domain_id"})
        if (header.contains(key) && header[key].is_number_unsigned())
            domain = uint32_t(header[key].get<uint64_t>());
    ExporterState& state = m_exporters[{exporter->bytes(), exporterPort, domain}];

    NamedFlowFields::TimeBase base;
    if (version == 9) {
        if (!header.contains("timestamp") || !header.contains("uptime") || !header["timestamp"].is_number()
            || !header["uptime"].is_number()) {
            reason = "v9 header without timestamp/uptime";
            return false;
        }
        const double secs = header["timestamp"].get<double>();
        if (!(secs >= 0 && secs <= double(TextFields::kMaxTimeMs / 1000))) {
            reason = "v9 header timestamp out of range";
            return false;
        }
        base.kind = NamedFlowFields::TimeBase::Kind::V9Header;
        base.exportMs = header["timestamp"].get<int64_t>() * 1000;
        base.uptimeMs = uint32_t(header["uptime"].get<uint64_t>());
    } else {
        // softflowd sends the options record in the same message as (and
        // sometimes after) the data: take it from this message first.
        for (const auto& f : flows)
            if (f.is_object() && f.contains("systemInitTimeMilliseconds")
                && f["systemInitTimeMilliseconds"].is_number_unsigned()
                && f["systemInitTimeMilliseconds"].get<uint64_t>() <= uint64_t(TextFields::kMaxTimeMs))
                state.systemInitMs = int64_t(f["systemInitTimeMilliseconds"].get<uint64_t>());
        if (state.systemInitMs) {
            base.kind = NamedFlowFields::TimeBase::Kind::SystemInit;
            base.systemInitMs = *state.systemInitMs;
            while (!state.pending.empty()) {
                Pending& p = state.pending.front();
                if (p.haveFirst)
                    p.record.startMs = base.systemInitMs + int64_t(p.firstUptime);
                if (p.haveLast)
                    p.record.endMs = base.systemInitMs + int64_t(p.lastUptime);
                if (!p.haveFirst)
                    p.record.startMs = p.record.endMs;
                if (!p.haveLast)
                    p.record.endMs = p.record.startMs;
                out.push_back(std::move(p.record));
                state.pending.pop_front();
                --m_pendingTotal;
            }
        }
    }

    size_t index = 0;
    int bad = 0;
    std::string firstBad;
    for (const auto& f : flows) {
        ++index;
        if (!f.is_object()) {
            if (!bad++)
                firstBad = "flow " + std::to_string(index) + " is not an object";
            continue;
        }
        m_fields.clear();
        bool ok = true;
        for (auto it = f.begin(); it != f.end() && ok; ++it) {
            const auto field = NamedFlowFields::lookup(it.key());
            if (field == NamedFlowFields::Field::Unknown)
                m_fields.setExtra(it.key(), it.value());
            else if (!m_fields.set(field, it.value())) {
                ok = false;
                if (!bad)
                    firstBad = "flow " + std::to_string(index) + ": bad value for " + it.key();
            }
        }
        if (!ok) {
            ++bad;
            continue;
        }
        if (!m_fields.hasAddresses() && !m_fields.hasUptimeTimes() && !m_fields.hasAbsoluteTimes())
            continue; // an options record (sampling, system init, interface names): not a flow
        FlowRecord r;
        std::string why;
        const bool waitForInit = version == 10 && m_fields.hasUptimeTimes() && !m_fields.hasAbsoluteTimes()
            && !state.systemInitMs && !m_fields.systemInitMs();
        if (waitForInit) {
            // Place it once this exporter's systemInitTimeMilliseconds arrives.
            NamedFlowFields::TimeBase zero;
            zero.kind = NamedFlowFields::TimeBase::Kind::SystemInit;
            if (!m_fields.finish(r, zero, why)) {
                if (!bad++)
                    firstBad = "flow " + std::to_string(index) + ": " + why;
                continue;
            }
            if (m_pendingTotal >= kMaxPending) {
                rejectRecords(1, "no systemInitTimeMilliseconds from exporter " + exporter->toString()
                                     + " within " + std::to_string(kMaxPending) + " records");
                continue;
            }
            Pending p{lineNumber(), uint64_t(r.startMs), uint64_t(r.endMs), true, true, std::move(r)};
            p.record.exportVersion = uint16_t(version);
            p.record.exporter = *exporter;
            p.record.exporterPort = exporterPort;
            p.record.observationDomain = domain;
            state.pending.push_back(std::move(p));
            ++m_pendingTotal;
            continue;
        }
        if (!m_fields.finish(r, base, why)) {
            if (!bad++)
                firstBad = "flow " + std::to_string(index) + ": " + why;
            continue;
        }
        r.exportVersion = uint16_t(version);
        r.exporter = *exporter;
        r.exporterPort = exporterPort;
        r.observationDomain = domain;
        out.push_back(std::move(r));
    }
    if (bad)
        rejectRecords(uint64_t(bad), firstBad + (bad > 1 ? " (and " + std::to_string(bad - 1) + " more in this line)" : ""));
    return true;
}

void PyNetflowJsonSource::finish(std::vector<FlowRecord>& out)
{
    for (auto& [key, state] : m_exporters) {
        if (state.pending.empty())
            continue;
        rejectRecords(state.pending.size(),
                      std::to_string(state.pending.size())
                          + " IPFIX flows timed by exporter uptime, but the exporter never sent "
                            "systemInitTimeMilliseconds",
                      state.pending.front().line);
        m_pendingTotal -= state.pending.size();
        state.pending.clear();
    }
}
