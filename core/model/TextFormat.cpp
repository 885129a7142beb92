#include "model/TextFormat.h"

#include <cmath>
#include <cstdio>
#include <ctime>

namespace TextFormat {

std::string isoTime(int64_t epochMs)
{
    const int64_t secs = epochMs >= 0 ? epochMs / 1000 : (epochMs - 999) / 1000;
    const int ms = int(epochMs - secs * 1000);
    const std::time_t t = std::time_t(secs);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[96]; // room for any int fields: keeps -Wformat-truncation quiet
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
    return buf;
}

std::string humanBytes(double bytes)
{
    static const char* units[] = {"B", "KB", "MB", "GB", "TB", "PB"};
    int u = 0;
    while (std::fabs(bytes) >= 1000 && u < 5) {
        bytes /= 1000;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
    return buf;
}

std::string humanDuration(double seconds)
{
    char buf[48];
    if (seconds < 120)
        std::snprintf(buf, sizeof buf, "%.1f s", seconds);
    else if (seconds < 7200)
        std::snprintf(buf, sizeof buf, "%.1f min", seconds / 60);
    else
        std::snprintf(buf, sizeof buf, "%.1f h", seconds / 3600);
    return buf;
}

std::string protocolName(uint8_t protocol)
{
    switch (protocol) {
    case 1: return "icmp";
    case 6: return "tcp";
    case 17: return "udp";
    case 58: return "icmp6";
    case 47: return "gre";
    case 50: return "esp";
    case 132: return "sctp";
    default: return std::to_string(protocol);
    }
}

std::string fixed(double value, int decimals)
{
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
    return buf;
}

} // namespace TextFormat
