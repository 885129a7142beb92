#include "import/FlowJsonSource.h"

#include <algorithm>

namespace {
constexpr size_t kChunk = 1 << 20;
}

bool FlowJsonSource::looksLike(const nlohmann::json& j)
{
    if (!j.is_object())
        return false;
    for (auto it = j.begin(); it != j.end(); ++it) {
        const auto f = NamedFlowFields::lookup(it.key());
        if (f == NamedFlowFields::Field::SrcV4 || f == NamedFlowFields::Field::SrcV6)
            return true;
    }
    return false;
}

bool FlowJsonSource::open(const std::string& path, std::string& error)
{
    m_path = path;
    if (!m_reader.open(path, error))
        return false;
    m_chunk.resize(std::min(kChunk, m_reader.chunkSize()));
    return true;
}

void FlowJsonSource::reject(int64_t line, std::string reason)
{
    ++m_rejected;
    if (m_issues.size() < kMaxIssues)
        m_issues.push_back({m_path, -1, line, std::move(reason)});
}

void FlowJsonSource::parseObject(std::vector<FlowRecord>& out)
{
    ++m_objectIndex;
    if (m_oversized) {
        reject(m_objectLine, "object larger than " + std::to_string(kMaxObjectBytes) + " bytes");
        return;
    }
    const nlohmann::json j = nlohmann::json::parse(m_object, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        reject(m_objectLine, "not a valid JSON object");
        return;
    }
    m_fields.clear();
    for (auto it = j.begin(); it != j.end(); ++it) {
        const auto field = NamedFlowFields::lookup(it.key());
        if (field == NamedFlowFields::Field::Unknown) {
            m_fields.setExtra(it.key(), it.value());
        } else if (!m_fields.set(field, it.value())) {
            reject(m_objectLine, "bad value for " + it.key() + ": " + it.value().dump());
            return;
        }
    }
    FlowRecord r;
    std::string why;
    if (!m_fields.finish(r, {}, why)) {
        reject(m_objectLine, why);
        return;
    }
    out.push_back(std::move(r));
}

bool FlowJsonSource::readBatch(std::vector<FlowRecord>& out, size_t maxRecords)
{
    if (m_done)
        return false;
    const size_t target = out.size() + maxRecords;
    while (out.size() < target) {
        if (m_pos == m_len) {
            m_len = m_reader.read(m_chunk.data(), m_chunk.size());
            m_pos = 0;
            if (m_len == 0) {
                if (!m_reader.error().empty())
                    reject(m_line, "read error: " + m_reader.error());
                else if (m_collecting)
                    reject(m_objectLine, "file ends inside an object");
                m_done = true;
                return false;
            }
        }
        const char* c = m_chunk.data();
        size_t spanStart = m_pos;
        size_t i = m_pos;
        for (; i < m_len && out.size() < target; ++i) {
            const char ch = c[i];
            if (ch == '\n')
                ++m_line;
            if (m_inString) {
                if (m_escape)
                    m_escape = false;
                else if (ch == '\\')
                    m_escape = true;
                else if (ch == '"')
                    m_inString = false;
                continue;
            }
            switch (ch) {
            case '"':
                m_inString = true;
                break;
            case '[':
                if (!m_started) {
                    // A top-level array: its elements are the flows.
                    m_started = true;
                    m_topArray = true;
                    m_depth = 1;
                    break;
                }
                [[fallthrough]];
            case '{':
                m_started = true;
                if (m_depth == (m_topArray ? 1 : 0) && !m_collecting) {
                    m_collecting = true;
                    m_oversized = false;
                    m_object.clear();
                    m_objectLine = m_line;
                    spanStart = i;
                }
                ++m_depth;
                break;
            case '}':
            case ']':
                --m_depth;
                if (m_collecting && m_depth == (m_topArray ? 1 : 0)) {
                    if (!m_oversized)
                        m_object.append(c + spanStart, i + 1 - spanStart);
                    m_collecting = false;
                    parseObject(out);
                }
                if (m_depth < 0)
                    m_depth = 0;
                break;
            case ',':
                m_inScalar = false;
                break;
            case ' ': case '\t': case '\r': case '\n':
                break;
            default:
                if (!m_collecting && !m_inScalar) {
                    m_inScalar = true;
                    reject(m_line, "not a flow object");
                }
                break;
            }
        }
        if (m_collecting && !m_oversized) {
            if (m_object.size() + (i - spanStart) > kMaxObjectBytes) {
                m_oversized = true;
                m_object.clear();
            } else {
                m_object.append(c + spanStart, i - spanStart);
            }
        }
        m_pos = i;
    }
    return true;
}
