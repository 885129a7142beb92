#include "import/NetflowCsvSource.h"

#include "import/TextFields.h"

bool NetflowCsvSource::looksLike(std::string_view header)
{
    const bool v9 = header.find("IPV4_SRC_ADDR") != std::string_view::npos
        || header.find("IPV6_SRC_ADDR") != std::string_view::npos;
    const bool ipfix = header.find("sourceIPv4Address") != std::string_view::npos
        || header.find("sourceIPv6Address") != std::string_view::npos;
    return (v9 || ipfix) && (header.find(',') != std::string_view::npos || header.find('\t') != std::string_view::npos);
}

bool NetflowCsvSource::parseLine(std::string_view line, std::vector<FlowRecord>& out, std::string& reason)
{
    using Field = NamedFlowFields::Field;
    if (!m_haveHeader) {
        m_haveHeader = true;
        m_sep = line.find('\t') != std::string_view::npos && line.find(',') == std::string_view::npos ? '\t' : ',';
        TextFields::split(line, m_sep, m_fields);
        bool hasTime = false;
        for (std::string_view name : m_fields) {
            name = TextFields::trim(name);
            const Field f = NamedFlowFields::lookup(name);
            m_columns.push_back({f, std::string(name)});
            hasTime = hasTime || (f >= Field::FirstUptime && f <= Field::EndNs);
        }
        if (!hasTime) {
            m_synthetic = true;
            note("no timestamp columns: flow times are synthetic (row N starts N-1 ms after 1970-01-01 UTC; "
                 "durations are real)");
        }
        return true;
    }
    if (line.empty())
        return true;
    ++m_row;
    TextFields::split(line, m_sep, m_fields);
    if (m_fields.size() != m_columns.size()) {
        reason = "expected " + std::to_string(m_columns.size()) + " fields, found " + std::to_string(m_fields.size());
        return false;
    }
    m_builder.clear();
    for (size_t i = 0; i < m_fields.size(); ++i) {
        const Column& c = m_columns[i];
        if (c.field == Field::Unknown) {
            const std::string_view v = TextFields::trim(m_fields[i]);
            if (!v.empty())
                m_builder.setExtra(c.name, std::string(v));
        } else if (!m_builder.setText(c.field, m_fields[i])) {
            reason = "bad value '" + std::string(m_fields[i]) + "' for " + c.name;
            return false;
        }
    }
    if (m_synthetic)
        m_builder.set(Field::StartMs, nlohmann::json(m_row - 1));
    FlowRecord r;
    if (!m_builder.finish(r, {}, reason))
        return false;
    out.push_back(std::move(r));
    return true;
}
