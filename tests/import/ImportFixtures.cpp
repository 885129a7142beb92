// JSON fixtures as raw strings, in a file moc does not read (its lexer trips on raw strings).
#include "ImportFixtures.h"

std::string fixtureV9Array()
{
    return
            R"([{"IPV4_SRC_ADDR":"10.1.1.1","IPV4_DST_ADDR":"10.2.2.2","L4_SRC_PORT":1234,"L4_DST_PORT":53,"PROTOCOL":17,)"
            R"("IN_BYTES":80,"IN_PKTS":1,"OUT_BYTES":120,"OUT_PKTS":1,"FLOW_START_MILLISECONDS":1700000000123,)"
            R"("FLOW_END_MILLISECONDS":1700000000200,"note":{"x":"}{\"}"}},)"
            R"({"IPV6_SRC_ADDR":"2001:db8::1","IPV6_DST_ADDR":"2001:db8::2","PROTOCOL":6,"TCP_FLAGS":"0x12",)"
            R"("IN_BYTES":"40","IN_PKTS":"1","FIRST_SWITCHED":1700000001,"LAST_SWITCHED":1700000002},)"
            R"({"IPV4_SRC_ADDR":"10.1.1.1","IN_BYTES":1,"FIRST_SWITCHED":1}])";
}

std::string fixtureIpfixLines()
{
    std::string text;
    for (int i = 0; i < 3; ++i)
        text += R"({"sourceIPv4Address":"192.168.0.)" + std::to_string(i + 1)
        + R"(","destinationIPv4Address":"8.8.8.8","sourceTransportPort":5000,"destinationTransportPort":443,)"
          R"("protocolIdentifier":6,"octetDeltaCount":)" + std::to_string(1000 * (i + 1))
        + R"(,"packetDeltaCount":3,"flowStartMilliseconds":"2026-03-02T08:00:0)" + std::to_string(i)
        + R"(.250Z","flowEndMilliseconds":1772438410000})" + "\n";
    text += "{not json}\n";
    return text;
}

std::tuple<std::string, std::string, std::string> fixtureWaitLines()
{
        const std::string line1 = R"({"1.0": {"client": ["192.0.2.1", 4739], "header": {"version": 10, "obervation_domain_id": 7}, "flows": [{"sourceIPv4Address": 167772161, "destinationIPv4Address": "10.0.0.2", "sourceTransportPort": 1, "destinationTransportPort": 2, "protocolIdentifier": 6, "octetDeltaCount": 100, "packetDeltaCount": 2, "flowStartSysUpTime": 1000, "flowEndSysUpTime": 1500}]}})";
        const std::string line2 = R"({"2.0": {"client": ["192.0.2.1", 4739], "header": {"version": 10, "obervation_domain_id": 7}, "flows": [{"systemInitTimeMilliseconds": 1772438400000, "samplingPacketInterval": 1}]}})";
        const std::string line3 = R"({"3.0": {"client": ["192.0.2.9", 4739], "header": {"version": 10, "obervation_domain_id": 7}, "flows": [{"sourceIPv4Address": 1, "destinationIPv4Address": 2, "flowStartSysUpTime": 5}]}})";
            return {line1, line2, line3};
}
