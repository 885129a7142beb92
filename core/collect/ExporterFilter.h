#pragma once

#include "analysis/DetectionSettings.h"
#include "model/IpAddress.h"

#include <string>
#include <vector>

// The exporters a collector accepts datagrams from (--exporters CIDR,...).
// Empty accepts every source.
class ExporterFilter final {
public:
    // "10.0.0.0/8,2001:db8::/32,192.0.2.7"; false with error naming the bad item.
    static bool parse(const std::string& list, ExporterFilter& out, std::string& error);

    bool empty() const { return m_prefixes.empty(); }
    bool accepts(const IpAddress& source) const;
    const std::vector<IpPrefix>& prefixes() const { return m_prefixes; }
    std::string toString() const; // "10.0.0.0/8,2001:db8::/32"

private:
    std::vector<IpPrefix> m_prefixes;
};
