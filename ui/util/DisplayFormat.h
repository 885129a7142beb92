#pragma once

#include <nlohmann/json_fwd.hpp>

#include <QDateTime>
#include <QLocale>
#include <QString>

#include <cstdint>
#include <string>

// How every view, the detail pane and the PDF report write numbers, times and
// evidence, so that the same figure reads the same everywhere.
namespace DisplayFormat {

// Grouped thousands even when the process runs under the C locale.
QLocale numberLocale();
QString count(uint64_t n);                            // 1,234,567
QString bytes(double n);                              // 1.2 MB
QString shortCount(double n);                         // 12.5k
QString duration(int64_t ms);                         // 3 min 20 s
// Times are shown in UTC unless the user switched to local time (View ▸ Local
// Time); utcTime and utcRange follow that switch, the zone is named in ranges.
void setLocalTime(bool local);
bool localTime();
QString timeZoneName();                               // "UTC", or the local zone's abbreviation
QDateTime dateTime(int64_t ms);                       // in the zone shown
QString utcTime(int64_t ms);                          // 2024-05-01 12:00:00
QString utcRange(int64_t startMs, int64_t endMs);     // 2024-05-01 12:00:00 – 13:00:00 UTC
QString html(const std::string& s);                   // escaped for rich text
// One evidence value as display text (HTML-escaped); key gives units (bytes, _ms).
QString evidenceValue(const nlohmann::json& v, const std::string& key);
// The evidence object flattened into <tr> rows of "dotted.key → value".
void evidenceRows(const nlohmann::json& v, const std::string& prefix, QString& html, int depth = 0);

// Flow tables (nfdump/Wireshark style):
QString utcTimeMs(int64_t ms);                        // 2024-05-01 12:00:00.123
QString flowDuration(int64_t ms);                     // 12.345 s; 3 min 20 s from a minute up
QString tcpFlags(uint8_t flags);                      // .AP.SF (URG ACK PSH RST SYN FIN)
QString protocol(uint8_t protocol);                   // TCP, UDP, ICMP, or the number

} // namespace DisplayFormat
