#pragma once

#include "detect/DetectorParameters.h"
#include "model/IpAddress.h"

#include <string>
#include <vector>

// A network prefix such as 10.0.0.0/8 or fc00::/7.
struct IpPrefix {
    IpAddress base;
    int bits = 0; // over the 128-bit (v4-mapped) form

    static bool parse(const std::string& text, IpPrefix& out);
    bool contains(const IpAddress& a) const;
    std::string toString() const;
};

// Well-known benign traffic that would otherwise raise findings: a match keeps
// the finding (nothing is hidden) but rates it info, with the rule named.
struct SuppressionRule {
    std::string name;         // shown in the finding: "ntp"
    std::string findingType;  // "beacon", "port_scan", ... ; empty: any
    uint8_t protocol = 0;     // 0: any
    std::vector<uint16_t> ports;         // the finding's destination ports must all be among these; empty: any
    std::vector<IpPrefix> destinations;  // the finding's destinations must all be inside; empty: any
    std::vector<IpPrefix> sources;       // the finding's source must be inside one; empty: any
    bool enabled = true;

    static std::vector<SuppressionRule> defaults(); // NTP and DNS beacons and long UDP sessions
};

// A known-bad address or network from the user's indicator list.
struct Indicator {
    IpPrefix prefix;
    std::string label;  // what the list said about it (the rest of its line), may be empty
    std::string origin; // "file:line"
};

// What the detectors need to know about the network under investigation.
struct DetectionSettings {
    DetectorThresholds thresholds;
    std::vector<SuppressionRule> suppressions = SuppressionRule::defaults();
    std::vector<Indicator> indicators;
    std::vector<std::string> indicatorFiles; // where they came from (reported)
    // Parallel to indicatorFiles where known: the configuration file that listed it (errors name it).
    std::vector<std::string> indicatorFileSources;
    std::vector<IpPrefix> internalNetworks; // empty -> defaults
    // Global IPv6 prefixes have no private range: learn the site's /48s from
    // the traffic (see InternalNetworkInference) unless the user said which.
    bool inferInternalIpv6 = true;
    std::vector<IpPrefix> inferredNetworks; // filled by the engine, reported
    static std::vector<IpPrefix> defaultInternalNetworks(); // RFC 1918 + fc00::/7
    bool isInternal(const IpAddress& a) const;
};
