#include "collect/ExporterFilter.h"

bool ExporterFilter::parse(const std::string& list, ExporterFilter& out, std::string& error)
{
    out.m_prefixes.clear();
    size_t pos = 0;
    while (pos <= list.size()) {
        size_t comma = list.find(',', pos);
        if (comma == std::string::npos)
            comma = list.size();
        std::string item = list.substr(pos, comma - pos);
        while (!item.empty() && item.front() == ' ')
            item.erase(item.begin());
        while (!item.empty() && item.back() == ' ')
            item.pop_back();
        IpPrefix p;
        if (item.empty() || !IpPrefix::parse(item, p)) {
            error = "not an address or network (CIDR): '" + item + "'";
            out.m_prefixes.clear();
            return false;
        }
        out.m_prefixes.push_back(p);
        pos = comma + 1;
    }
    return true;
}

bool ExporterFilter::accepts(const IpAddress& source) const
{
    if (m_prefixes.empty())
        return true;
    for (const IpPrefix& p : m_prefixes)
        if (p.contains(source))
            return true;
    return false;
}

std::string ExporterFilter::toString() const
{
    std::string out;
    for (const IpPrefix& p : m_prefixes) {
        if (!out.empty())
            out += ',';
        out += p.toString();
    }
    return out;
}
