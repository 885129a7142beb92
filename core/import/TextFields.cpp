#include "import/TextFields.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <string>

void TextFields::split(std::string_view line, char sep, std::vector<std::string_view>& out)
{
    out.clear();
    size_t i = 0;
    const size_t n = line.size();
    for (;;) {
        if (i < n && line[i] == '"') {
            size_t j = i + 1;
            while (j < n) {
                if (line[j] == '"') {
                    if (j + 1 < n && line[j + 1] == '"') {
                        j += 2;
                        continue;
                    }
                    break;
                }
                ++j;
            }
            out.push_back(line.substr(i + 1, std::min(j, n) - i - 1));
            const size_t next = line.find(sep, j);
            if (next == std::string_view::npos)
                return;
            i = next + 1;
            continue;
        }
        const size_t next = line.find(sep, i);
        if (next == std::string_view::npos) {
            out.push_back(line.substr(i));
            return;
        }
        out.push_back(line.substr(i, next - i));
        i = next + 1;
    }
}

std::string_view TextFields::trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

bool TextFields::parseUint(std::string_view s, uint64_t& out)
{
    s = trim(s);
    if (s.empty())
        return false;
    int base = 10;
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s.remove_prefix(2);
        base = 16;
    }
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out, base);
    if (ec == std::errc() && p == s.data() + s.size())
        return true;
    // Counters written as floats ("1.0", "1e3") by some tools.
    double d = 0;
    if (base == 10 && parseDouble(s, d) && d >= 0 && d < 1.8e19 && d == std::floor(d)) {
        out = uint64_t(d);
        return true;
    }
    return false;
}

bool TextFields::parseDouble(std::string_view s, double& out)
{
    s = trim(s);
    if (s.empty())
        return false;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size() && std::isfinite(out);
}

int64_t TextFields::daysFromCivil(int64_t y, unsigned m, unsigned d)
{
    // Howard Hinnant's days_from_civil: proleptic Gregorian, no time zone.
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = unsigned(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + int64_t(doe) - 719468;
}

namespace {

bool digits(std::string_view s, size_t pos, size_t count, unsigned& out)
{
    if (pos + count > s.size())
        return false;
    out = 0;
    for (size_t i = pos; i < pos + count; ++i) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        out = out * 10 + unsigned(s[i] - '0');
    }
    return true;
}

} // namespace

bool TextFields::parseTime(std::string_view s, int64_t& epochMs)
{
    s = trim(s);
    unsigned y, mo, d, h, mi, sec;
    if (s.size() >= 19 && (s[4] == '-' || s[4] == '/') && s[7] == s[4] && (s[10] == ' ' || s[10] == 'T')
        && s[13] == ':' && s[16] == ':' && digits(s, 0, 4, y) && digits(s, 5, 2, mo) && digits(s, 8, 2, d)
        && digits(s, 11, 2, h) && digits(s, 14, 2, mi) && digits(s, 17, 2, sec)) {
        if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
            return false;
        int64_t ms = 0;
        size_t i = 19;
        if (i < s.size() && s[i] == '.') {
            ++i;
            int64_t scale = 100;
            while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
                ms += (s[i] - '0') * scale;
                scale /= 10;
                ++i;
            }
        }
        if (i < s.size() && s[i] == 'Z')
            ++i;
        if (i != s.size())
            return false;
        epochMs = ((daysFromCivil(y, mo, d) * 24 + h) * 60 + mi) * 60000 + int64_t(sec) * 1000 + ms;
        return true;
    }
    double secs = 0;
    return parseDouble(s, secs) && secs >= 0 && toMs(secs, 1000.0, epochMs);
}

bool TextFields::toMs(double value, double msPerUnit, int64_t& ms)
{
    const double v = value * msPerUnit;
    // Converting a double outside int64_t's range is undefined: check first.
    if (!std::isfinite(v) || v > double(kMaxTimeMs) || v < -double(kMaxTimeMs))
        return false;
    ms = int64_t(std::llround(v));
    return true;
}

bool TextFields::parseProtocol(std::string_view s, uint8_t& out)
{
    s = trim(s);
    uint64_t n = 0;
    if (parseUint(s, n)) {
        if (n > 255)
            return false;
        out = uint8_t(n);
        return true;
    }
    std::string lower(s);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    static const struct { const char* name; uint8_t number; } kNames[] = {
        {"tcp", 6}, {"udp", 17}, {"icmp", 1}, {"icmp6", 58}, {"ipv6-icmp", 58}, {"icmpv6", 58}, {"igmp", 2},
        {"gre", 47}, {"esp", 50}, {"ah", 51}, {"sctp", 132}, {"ipv6", 41}, {"ipip", 4}, {"ipnip", 4},
        {"ospf", 89}, {"pim", 103}, {"rsvp", 46}, {"udt", 17}, {"rtp", 17}, {"rtcp", 17}, {"ipv6-frag", 44},
        {"ipv6-route", 43}, {"ipv6-opts", 60}, {"ipv6-no", 59}, {"vrrp", 112}, {"l2tp", 115}, {"encap", 98},
    };
    for (const auto& p : kNames)
        if (lower == p.name) {
            out = p.number;
            return true;
        }
    return false;
}

bool TextFields::parseTcpFlags(std::string_view s, uint8_t& out)
{
    s = trim(s);
    uint64_t n = 0;
    if (parseUint(s, n)) {
        out = uint8_t(n & 0xff);
        return true;
    }
    uint8_t f = 0;
    for (char c : s) {
        switch (c) {
        case 'C': f |= 0x80; break;
        case 'E': f |= 0x40; break;
        case 'U': f |= 0x20; break;
        case 'A': f |= 0x10; break;
        case 'P': f |= 0x08; break;
        case 'R': f |= 0x04; break;
        case 'S': f |= 0x02; break;
        case 'F': f |= 0x01; break;
        case '.': case ' ': break;
        default: return false;
        }
    }
    out = f;
    return true;
}
