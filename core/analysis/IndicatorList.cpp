#include "analysis/IndicatorList.h"

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

} // namespace

void IndicatorList::parse(const std::string& text, const std::string& origin, std::vector<Indicator>& out,
                          std::vector<std::string>& problems)
{
    std::istringstream in(text);
    std::string line;
    size_t lineNo = 0;
    size_t bad = 0;
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
                                   + token.substr(0, 80) + "'");
            continue;
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
    parse(text.str(), path, out, problems);
    return true;
}
