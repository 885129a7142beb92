#include "model/Finding.h"

const char* severityName(Severity s)
{
    switch (s) {
    case Severity::Critical: return "critical";
    case Severity::High: return "high";
    case Severity::Medium: return "medium";
    case Severity::Low: return "low";
    case Severity::Info: break;
    }
    return "info";
}

Severity severityFromName(std::string_view name)
{
    if (name == "critical") return Severity::Critical;
    if (name == "high") return Severity::High;
    if (name == "medium") return Severity::Medium;
    if (name == "low") return Severity::Low;
    return Severity::Info;
}

Severity severityForScore(double score)
{
    if (score >= 85) return Severity::Critical;
    if (score >= 65) return Severity::High;
    if (score >= 40) return Severity::Medium;
    if (score >= 20) return Severity::Low;
    return Severity::Info;
}

bool findingPriorityLess(const Finding& a, const Finding& b)
{
    if (a.score != b.score)
        return a.score > b.score;
    if (a.severity != b.severity)
        return a.severity > b.severity;
    return a.startMs < b.startMs;
}
