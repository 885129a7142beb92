#include "analysis/IndicatorList.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

std::string trimmed(const std::string& s)
{
    const size_t b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos)
        return {};
    return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

// Bytes a terminal would interpret (a binary file read as a list) as \xNN.
std::string printable(const std::string& s)
{
    std::string out;
    for (const unsigned char c : s) {
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            out += char(c);
        } else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        }
    }
    return out;
}

// The network of p with the host bits cleared; equal to p.base when none are set.
IpAddress networkOf(const IpPrefix& p)
{
    std::array<uint8_t, 16> b = p.base.bytes();
    for (int i = 0; i < 16; ++i) {
        const int keep = std::clamp(p.bits - i * 8, 0, 8);
        b[size_t(i)] &= uint8_t(0xff00 >> keep);
    }
    return IpAddress::fromBytes16(b.data());
}

} // namespace

void IndicatorList::parse(const std::string& text, const std::string& origin, std::vector<Indicator>& out,
                          std::vector<std::string>& problems)
{
    std::istringstream in(text);
    std::string line;
    size_t lineNo = 0;
    size_t bad = 0, hostBits = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        std::string label;
        if (const size_t hash = line.find('#'); hash != std::string::npos) {
            label = trimmed(line.substr(hash + 1));
            line.erase(hash);
        }
        line = trimmed(line);
        if (line.empty())
            continue;
        const size_t end = line.find_first_of(" \t,;");
        const std::string token = line.substr(0, end);
        if (end != std::string::npos) {
            const std::string rest = trimmed(line.substr(end + 1));
            if (!rest.empty())
                label = rest + (label.empty() ? "" : " " + label);
        }
        Indicator ind;
        if (!IpPrefix::parse(token, ind.prefix)) {
            if (++bad <= kMaxProblems)
                problems.push_back(origin + ":" + std::to_string(lineNo) + ": not an IP address or network: '"
                                   + printable(token.substr(0, 80)) + "'");
            continue;
        }
        // 10.0.0.1/8 matches all of 10.0.0.0/8: most likely one host was meant.
        if (const IpAddress net = networkOf(ind.prefix); net != ind.prefix.base && ++hostBits <= kMaxProblems) {
            IpPrefix masked = ind.prefix;
            masked.base = net;
            problems.push_back(origin + ":" + std::to_string(lineNo) + ": " + printable(token)
                               + " has host bits set: it matches all of " + masked.toString() + " (write "
                               + masked.toString() + ", or " + ind.prefix.base.toString() + " for the one host)");
        }
        ind.label = label.substr(0, 200);
        ind.origin = origin + ":" + std::to_string(lineNo);
        out.push_back(std::move(ind));
    }
    if (bad > kMaxProblems)
        problems.push_back(origin + ": " + std::to_string(bad - kMaxProblems) + " more lines that are not addresses");
}

bool IndicatorList::loadFile(const std::string& path, std::vector<Indicator>& out, std::vector<std::string>& problems,
                             std::string& error)
{
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        error = path + ": is a folder, not an indicator list";
        return false;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = path + ": cannot read the indicator list";
        return false;
    }
    std::ostringstream text;
    text << in.rdbuf();
    const size_t before = out.size();
    const size_t problemsBefore = problems.size();
    parse(text.str(), path, out, problems);
    if (out.size() == before) {
        // A list that names nothing finds nothing: a wrong file, not a clean bill of health.
        error = path + ": no addresses or networks in the indicator list"
            + (problems.size() > problemsBefore ? " (" + problems[problemsBefore] + ")" : std::string());
        problems.resize(problemsBefore);
        return false;
    }
    return true;
}
