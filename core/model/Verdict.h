#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// An analyst's decision on a finding, kept in the case by finding id, so that
// it survives a re-run of the detectors (finding ids are type + entities).
struct Verdict {
    enum class Status { None, Confirmed, FalsePositive, NeedsReview };

    std::string findingId;
    Status status = Status::None;
    std::string comment;
    std::string analyst;
    int64_t updatedAtMs = 0; // UTC epoch ms

    // "none", "confirmed", "false_positive", "needs_review": the names the case and the reports use.
    static const char* statusName(Status s);
    static std::optional<Status> statusFromName(std::string_view name);
    // The login name of the user running Flowsift ("analyst" when it cannot be found).
    static std::string defaultAnalyst();
    // Nothing to keep: no status and no comment.
    bool isEmpty() const { return status == Status::None && comment.empty(); }
};
