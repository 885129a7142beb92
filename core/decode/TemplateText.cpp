#include "decode/TemplateText.h"

#include <charconv>

namespace {

// A template set holds at most (65535 - 4) / 4 field specifiers.
constexpr size_t kMaxFields = 16383;

template <typename T>
bool number(std::string_view& s, T& out)
{
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec != std::errc() || end == s.data())
        return false;
    s.remove_prefix(size_t(end - s.data()));
    return true;
}

} // namespace

std::string TemplateText::format(const std::vector<RawField>& fields)
{
    std::string out;
    out.reserve(fields.size() * 8);
    for (const RawField& f : fields) {
        if (!out.empty())
            out += ' ';
        if (f.scope)
            out += 's';
        out += std::to_string(f.id);
        if (f.enterprise)
            out += '@' + std::to_string(f.enterprise);
        out += ':' + std::to_string(f.length);
    }
    return out;
}

bool TemplateText::parse(std::string_view text, std::vector<RawField>& fields)
{
    fields.clear();
    bool ok = true;
    while (ok && !text.empty()) {
        if (text.front() == ' ') {
            text.remove_prefix(1);
            continue;
        }
        RawField f;
        if (text.front() == 's') {
            f.scope = true;
            text.remove_prefix(1);
        }
        ok = number(text, f.id);
        if (ok && !text.empty() && text.front() == '@') {
            text.remove_prefix(1);
            ok = number(text, f.enterprise);
        }
        ok = ok && !text.empty() && text.front() == ':';
        if (ok)
            text.remove_prefix(1);
        ok = ok && number(text, f.length) && (text.empty() || text.front() == ' ') && fields.size() < kMaxFields;
        if (ok)
            fields.push_back(f);
    }
    ok = ok && !fields.empty();
    if (!ok)
        fields.clear();
    return ok;
}
