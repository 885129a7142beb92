#pragma once

#include "analysis/DetectionSettings.h"
#include "detect/AddressBook.h"
#include "detect/Conversation.h"
#include "detect/TrafficVolumes.h"
#include "model/FlowRecord.h" // IpProtocol, TcpFlag

#include <cstdint>
#include <vector>

// Everything the detectors read, built once per analysis (ContextBuilder). The
// flow records themselves are not kept: conversations (56 bytes each) and the
// per-bucket volumes summed while the flows streamed by are all detectors need.
struct DetectionContext {
    DetectionSettings settings;
    AddressBook addresses;
    std::vector<Conversation> conversations; // ordered by start time
    // Conversations grouped by client: indexes into conversations, in start order
    // within each client; clients are AddressBook ids (byClient(id)).
    std::vector<uint32_t> clientOffsets; // addresses.size() + 1 entries
    std::vector<uint32_t> clientOrder;
    TrafficVolumes volumes;
    uint64_t flows = 0;              // records analysed (duplicates left out)
    int64_t longestConversationMs = 0;
    int64_t startMs = 0;
    int64_t endMs = 0;
    uint64_t duplicateRecords = 0; // records another exporter (or import) already reported: left out

    const IpAddress& address(uint32_t id) const { return addresses.address(id); }
    bool isInternal(uint32_t id) const { return addresses.isInternal(id); }
    // The conversations a host started, in start order: [first, last) into clientOrder.
    std::pair<const uint32_t*, const uint32_t*> byClient(uint32_t id) const
    {
        return {clientOrder.data() + clientOffsets[id], clientOrder.data() + clientOffsets[id + 1]};
    }
};
