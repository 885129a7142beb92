#include "util/DisplayFormat.h"

#include <atomic>

#include <nlohmann/json.hpp>

#include <QDateTime>
#include <QObject>
#include <QStringList>

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace DisplayFormat {

QLocale numberLocale()
{
    QLocale locale;
    if (locale.language() == QLocale::C)
        locale = QLocale(QLocale::English, QLocale::UnitedStates);
    locale.setNumberOptions(locale.numberOptions() & ~QLocale::OmitGroupSeparator);
    return locale;
}

QString count(uint64_t n)
{
    return numberLocale().toString(qulonglong(n));
}

namespace {

QString trimmedNumber(double v)
{
    // One decimal for small mantissas, none once it would only add noise.
    QString s = QString::number(v, 'f', std::abs(v) < 10 ? 1 : 0);
    if (s.endsWith(QStringLiteral(".0")))
        s.chop(2);
    return s;
}

QString scaled(double v, const char* const* units, int unitCount, const QString& separator)
{
    int unit = 0;
    double x = v;
    while (std::abs(x) >= 1000 && unit + 1 < unitCount) {
        x /= 1000;
        ++unit;
    }
    return trimmedNumber(x) + separator + QString::fromLatin1(units[unit]);
}

} // namespace

QString bytes(double n)
{
    static const char* const units[] = {"B", "KB", "MB", "GB", "TB", "PB"};
    return scaled(n, units, 6, QStringLiteral(" "));
}

QString shortCount(double n)
{
    static const char* const units[] = {"", "k", "M", "G", "T"};
    return scaled(n, units, 5, QString());
}

QString duration(int64_t ms)
{
    const int64_t s = std::max<int64_t>(0, ms / 1000);
    if (s < 60)
        return QObject::tr("%1 s").arg(s);
    if (s < 3600)
        return QObject::tr("%1 min %2 s").arg(s / 60).arg(s % 60);
    if (s < 86400)
        return QObject::tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
    return QObject::tr("%1 d %2 h").arg(s / 86400).arg((s % 86400) / 3600);
}

namespace {
std::atomic_bool g_localTime{false}; // read by report and view threads
} // namespace

void setLocalTime(bool local)
{
    g_localTime = local;
}

bool localTime()
{
    return g_localTime;
}

QString timeZoneName()
{
    if (!g_localTime)
        return QStringLiteral("UTC");
    const QString abbreviation = QDateTime::currentDateTime().timeZoneAbbreviation();
    return abbreviation.isEmpty() ? QObject::tr("local time") : abbreviation;
}

QDateTime dateTime(int64_t ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, g_localTime ? Qt::LocalTime : Qt::UTC);
}

QString utcTime(int64_t ms)
{
    return dateTime(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QString utcRange(int64_t startMs, int64_t endMs)
{
    const QDateTime a = dateTime(startMs);
    const QDateTime b = dateTime(endMs);
    const QString end = a.date() == b.date() ? b.toString(QStringLiteral("HH:mm:ss"))
                                             : b.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    return a.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) + QStringLiteral(" – ") + end + QLatin1Char(' ')
        + timeZoneName();
}

QString html(const std::string& s)
{
    return QString::fromStdString(s).toHtmlEscaped();
}

QString evidenceValue(const nlohmann::json& v, const std::string& key)
{
    const QLocale locale = numberLocale();
    if (v.is_string())
        return html(v.get<std::string>());
    if (v.is_boolean())
        return v.get<bool>() ? QObject::tr("yes") : QObject::tr("no");
    if (v.is_null())
        return QStringLiteral("—");
    if (v.is_number_integer() || v.is_number_unsigned()) {
        const qlonglong n = v.is_number_unsigned() ? qlonglong(v.get<uint64_t>()) : qlonglong(v.get<int64_t>());
        QString text = locale.toString(n);
        // Byte counts also get a human-sized figure, epoch times a date.
        if (key.find("bytes") != std::string::npos && std::llabs(n) >= 10000)
            text += QStringLiteral(" (") + bytes(double(n)) + QLatin1Char(')');
        else if ((key.size() > 3 && key.compare(key.size() - 3, 3, "_ms") == 0) && n > 946684800000LL)
            text += QStringLiteral(" (") + utcTime(n) + QLatin1Char(' ') + timeZoneName() + QLatin1Char(')');
        return text;
    }
    if (v.is_number_float()) {
        const double d = v.get<double>();
        QString text = locale.toString(d, 'f', std::abs(d) >= 100 ? 1 : 3);
        if (text.contains(locale.decimalPoint())) {
            while (text.endsWith(QLatin1Char('0')))
                text.chop(1);
            if (text.endsWith(locale.decimalPoint()))
                text.chop(1);
        }
        if (key.find("bytes") != std::string::npos && std::abs(d) >= 10000)
            text += QStringLiteral(" (") + bytes(d) + QLatin1Char(')');
        return text;
    }
    return html(v.dump());
}

void evidenceRows(const nlohmann::json& v, const std::string& prefix, QString& out, int depth)
{
    auto row = [&](const std::string& key, const QString& value) {
        out += QStringLiteral("<tr><td class='k'>") + html(key) + QStringLiteral("</td><td>") + value
            + QStringLiteral("</td></tr>");
    };
    if (v.is_object() && depth < 4) {
        for (auto it = v.begin(); it != v.end(); ++it)
            evidenceRows(it.value(), prefix.empty() ? it.key() : prefix + "." + it.key(), out, depth + 1);
        return;
    }
    if (v.is_array()) {
        const bool scalars = std::all_of(v.begin(), v.end(), [](const auto& e) { return e.is_primitive(); });
        if (scalars) {
            QStringList items;
            for (size_t i = 0; i < v.size() && i < 30; ++i)
                items << evidenceValue(v[i], prefix);
            QString text = items.join(QStringLiteral(", "));
            if (v.size() > 30)
                text += QObject::tr(" … (%1 in all)").arg(v.size());
            row(prefix, text);
            return;
        }
        QString text = html(v.dump(1));
        if (text.size() > 4000)
            text = text.left(4000) + QStringLiteral("\n…");
        row(prefix, QStringLiteral("<pre>") + text + QStringLiteral("</pre>"));
        return;
    }
    if (v.is_object()) {
        row(prefix, QStringLiteral("<pre>") + html(v.dump(1)) + QStringLiteral("</pre>"));
        return;
    }
    row(prefix, evidenceValue(v, prefix));
}

QString utcTimeMs(int64_t ms)
{
    return dateTime(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")); // follows the local-time switch
}

QString flowDuration(int64_t ms)
{
    if (ms < 0)
        ms = 0;
    if (ms < 60'000)
        return QString::number(double(ms) / 1000, 'f', 3) + QStringLiteral(" s");
    return duration(ms);
}

QString tcpFlags(uint8_t flags)
{
    // nfdump's order: URG ACK PSH RST SYN FIN, a dot for each flag not set.
    static const char letters[] = "UAPRSF";
    QString out(6, QLatin1Char('.'));
    for (int i = 0; i < 6; ++i)
        if (flags & (0x20 >> i))
            out[i] = QLatin1Char(letters[i]);
    return out;
}

QString protocol(uint8_t protocol)
{
    switch (protocol) {
    case 1: return QStringLiteral("ICMP");
    case 6: return QStringLiteral("TCP");
    case 17: return QStringLiteral("UDP");
    case 47: return QStringLiteral("GRE");
    case 50: return QStringLiteral("ESP");
    case 58: return QStringLiteral("ICMPv6");
    case 132: return QStringLiteral("SCTP");
    default: return QString::number(protocol);
    }
}

} // namespace DisplayFormat
