#pragma once

#include "detect/AddressBook.h"
#include "detect/Conversation.h"
#include "model/FlowRecord.h"

#include <QString>

#include <cstdint>
#include <vector>

// What a finding's chart is drawn from: the finding's flows read back from the
// case (both directions, so that replies count), deduplicated and scaled by
// sampling as the detectors saw them, and joined into connections the way the
// detectors join them (ConversationBuilder). Filled by FindingFlowsLoader.
struct FindingFlows {
    QString error;                           // non-empty: the case could not be read (the chart says so)
    std::string expression;                  // the nfdump-style selection that was read
    int64_t startMs = 0;                     // the time range read; both 0: the whole case
    int64_t endMs = 0;
    std::vector<FlowRecord> flows;           // by start time
    std::vector<Conversation> conversations; // the finding's connections only, by start time
    AddressBook addresses;                   // the conversations' client and server ids
    uint64_t duplicates = 0;                 // records another exporter already reported: left out
    bool truncated = false;                  // more flows matched than FindingFlowsLoader::kMaxFlows

    bool ok() const { return error.isEmpty(); }
    const IpAddress& address(uint32_t id) const { return addresses.address(id); }
};
