#include "model/Verdict.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

const char* Verdict::statusName(Status s)
{
    switch (s) {
    case Status::Confirmed: return "confirmed";
    case Status::FalsePositive: return "false_positive";
    case Status::NeedsReview: return "needs_review";
    case Status::None: break;
    }
    return "none";
}

std::optional<Verdict::Status> Verdict::statusFromName(std::string_view name)
{
    if (name == "none") return Status::None;
    if (name == "confirmed") return Status::Confirmed;
    if (name == "false_positive") return Status::FalsePositive;
    if (name == "needs_review") return Status::NeedsReview;
    return std::nullopt;
}

std::string Verdict::defaultAnalyst()
{
    // The password database first: $USER is unset under some launchers and services.
    if (const passwd* pw = getpwuid(geteuid()); pw && pw->pw_name && *pw->pw_name)
        return pw->pw_name;
    if (const char* user = std::getenv("USER"); user && *user)
        return user;
    return "analyst";
}
