#pragma once

#include "analysis/DetectionSettings.h"
#include "detect/AddressBook.h"
#include "detect/Conversation.h"

#include <vector>

// Learns which global IPv6 /48s are the monitored site. IPv4 sites use
// private space; dual-stack sites number their hosts from a global prefix that
// no default can know. A site's /48 holds many hosts that start connections
// to many outside peers; a content provider's /48 holds servers that answer.
class InternalNetworkInference final {
public:
    static constexpr int kPrefixBits = 48;
    static constexpr size_t kMinClients = 3;       // distinct initiating hosts in the prefix
    static constexpr size_t kMinPeersPerClient = 2; // outside peers each of them talks to

    // Prefixes not already internal under settings, most clients first.
    static std::vector<IpPrefix> infer(const std::vector<Conversation>& conversations, const AddressBook& addresses,
                                       const DetectionSettings& settings);
};
