// libFuzzer target: the nfdump-style filter expressions of the flows view
// (query/FlowFilter): parsing any text, then evaluating what parses and
// turning it into SQL.
#include "FuzzChecks.h"
#include "FuzzTargets.h"

#include "query/FlowFilter.h"

#include <algorithm>
#include <string>

int fuzzFlowFilter(const uint8_t* data, size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    FlowFilter::Error error;
    auto filter = FlowFilter::parse(text, error);
    if (!filter) {
        FUZZ_CHECK(!error.message.empty());
        FUZZ_CHECK(error.position <= text.size());
        return 0;
    }
    FlowRecord v4;
    v4.src = *IpAddress::parse("10.0.0.1");
    v4.dst = *IpAddress::parse("203.0.113.7");
    v4.srcPort = 40000;
    v4.dstPort = 443;
    v4.protocol = IpProtocol::Tcp;
    v4.tcpFlags = 0x1b;
    v4.bytes = 1500;
    v4.packets = 3;
    v4.endMs = 1000;
    FlowRecord v6 = v4;
    v6.src = *IpAddress::parse("2001:db8::1");
    v6.dst = *IpAddress::parse("ff02::1");
    v6.protocol = IpProtocol::Udp;
    (void)filter->matches(v4);
    (void)filter->matches(v6);
    // Every value the SQL form names is bound: as many placeholders as values.
    const FlowFilter::Sql sql = filter->toSql();
    FUZZ_CHECK(!sql.where.empty());
    FUZZ_CHECK(size_t(std::count(sql.where.begin(), sql.where.end(), '?')) == sql.values.size());
    return 0;
}

FLOWSIFT_FUZZ_MAIN(fuzzFlowFilter)
