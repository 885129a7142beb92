#include "analysis/DetectionSettings.h"

#include <charconv>

bool IpPrefix::parse(const std::string& text, IpPrefix& out)
{
    const auto slash = text.find('/');
    auto addr = IpAddress::parse(text.substr(0, slash));
    if (!addr)
        return false;
    int bits = addr->isV4() ? 32 : 128;
    if (slash != std::string::npos) {
        const char* b = text.data() + slash + 1;
        const char* e = text.data() + text.size();
        if (std::from_chars(b, e, bits).ptr != e || bits < 0 || bits > (addr->isV4() ? 32 : 128))
            return false;
    }
    out.base = *addr;
    out.bits = addr->isV4() ? bits + 96 : bits;
    return true;
}

bool IpPrefix::contains(const IpAddress& a) const
{
    const auto& x = a.bytes();
    const auto& y = base.bytes();
    int full = bits / 8;
    for (int i = 0; i < full; ++i)
        if (x[i] != y[i])
            return false;
    const int rest = bits % 8;
    if (rest == 0)
        return true;
    const uint8_t mask = uint8_t(0xff << (8 - rest));
    return (x[full] & mask) == (y[full] & mask);
}

std::string IpPrefix::toString() const
{
    return base.toString() + "/" + std::to_string(base.isV4() ? bits - 96 : bits);
}

std::vector<IpPrefix> DetectionSettings::defaultInternalNetworks()
{
    std::vector<IpPrefix> nets;
    for (const char* t : {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"}) {
        IpPrefix p;
        IpPrefix::parse(t, p);
        nets.push_back(p);
    }
    return nets;
}

bool DetectionSettings::isInternal(const IpAddress& a) const
{
    static const std::vector<IpPrefix> defaults = defaultInternalNetworks();
    for (const IpPrefix& p : internalNetworks.empty() ? defaults : internalNetworks)
        if (p.contains(a))
            return true;
    for (const IpPrefix& p : inferredNetworks)
        if (p.contains(a))
            return true;
    return false;
}

std::vector<SuppressionRule> SuppressionRule::defaults()
{
    // NTP clients poll their servers on a fixed schedule (64-1024 s), and
    // resolvers forward on a timer: perfectly periodic, and benign.
    SuppressionRule ntp;
    ntp.name = "ntp";
    ntp.findingType = "beacon";
    ntp.protocol = 17;
    ntp.ports = {123};
    SuppressionRule dns;
    dns.name = "dns";
    dns.findingType = "beacon";
    dns.protocol = 17;
    dns.ports = {53};
    // A resolver's or time client's stream of queries on one socket looks like
    // an hours-long UDP session to the exporter.
    SuppressionRule dnsSession = dns;
    dnsSession.name = "dns-session";
    dnsSession.findingType = "long_connection";
    SuppressionRule ntpSession = ntp;
    ntpSession.name = "ntp-session";
    ntpSession.findingType = "long_connection";
    return {ntp, dns, dnsSession, ntpSession};
}
