#include "plots/FindingTraffic.h"

#include "util/DisplayFormat.h"

#include <QCoreApplication>

#include <algorithm>
#include <array>
#include <numeric>

namespace {

QString tr(const char* text) { return QCoreApplication::translate("FindingTraffic", text); }

QString bucketName(int64_t ms)
{
    if (ms % 86'400'000 == 0)
        return ms == 86'400'000 ? tr("day") : QStringLiteral("%1 h").arg(ms / 3'600'000);
    if (ms % 3'600'000 == 0)
        return ms == 3'600'000 ? tr("hour") : QStringLiteral("%1 h").arg(ms / 3'600'000);
    if (ms % 60'000 == 0)
        return ms == 60'000 ? tr("minute") : QStringLiteral("%1 min").arg(ms / 60'000);
    return ms == 1000 ? tr("second") : QStringLiteral("%1 s").arg(double(ms) / 1000);
}

} // namespace

double FindingTraffic::Series::total() const
{
    return std::accumulate(values.begin(), values.end(), 0.0);
}

bool FindingTraffic::empty() const
{
    for (const Series& s : series)
        if (s.total() > 0)
            return false;
    return true;
}

int64_t FindingTraffic::bucketFor(int64_t spanMs, int buckets)
{
    static constexpr std::array<int64_t, 16> steps{1000, 5000, 10'000, 30'000, 60'000, 300'000, 600'000, 900'000,
                                                   1'800'000, 3'600'000, 7'200'000, 10'800'000, 21'600'000,
                                                   43'200'000, 86'400'000, 7 * 86'400'000LL};
    for (int64_t s : steps)
        if (spanMs / s <= buckets)
            return s;
    return steps.back();
}

FindingTraffic FindingTraffic::compute(const Finding& f, const FindingFlows& flows)
{
    FindingTraffic out;
    out.windowStartMs = f.startMs;
    out.windowEndMs = std::max(f.endMs, f.startMs + 1);
    const bool volumetric = f.type == "volumetric";
    out.packets = volumetric;

    // The finding's window with some context either side; the whole read range for floods
    // (the loader already added the context there).
    int64_t from = flows.startMs, to = flows.endMs;
    if (from == 0 && to == 0) {
        const int64_t span = out.windowEndMs - out.windowStartMs;
        const int64_t margin = std::max<int64_t>(span / 10, 60'000);
        from = out.windowStartMs - margin;
        to = out.windowEndMs + margin;
        for (const FlowRecord& r : flows.flows) { // but never cut off a flow of the finding
            from = std::min(from, r.startMs);
            to = std::max(to, std::max(r.endMs, r.startMs) + 1);
        }
    }
    out.bucketMs = volumetric && f.evidence.is_object() && f.evidence.contains("bucket_s")
        ? std::max<int64_t>(1000, int64_t(f.evidence.value("bucket_s", 60.0) * 1000))
        : bucketFor(to - from);
    out.startMs = from - ((from % out.bucketMs) + out.bucketMs) % out.bucketMs;
    out.buckets = size_t(std::max<int64_t>(1, (to - out.startMs + out.bucketMs - 1) / out.bucketMs));

    const IpAddress inside = f.src.value_or(IpAddress());
    const bool haveInside = f.src.has_value();
    Series sent{haveInside ? tr("sent by %1").arg(QString::fromStdString(inside.toString())) : tr("sent"),
                QColor(0xd6, 0x4b, 0x2f), std::vector<double>(out.buckets)};
    Series received{haveInside ? tr("received by %1").arg(QString::fromStdString(inside.toString())) : tr("received"),
                    QColor(0x3a, 0x78, 0xc2), std::vector<double>(out.buckets)};
    auto spread = [&](std::vector<double>& v, int64_t start, int64_t end, double amount) {
        if (amount <= 0)
            return;
        const int64_t last = int64_t(out.buckets) - 1;
        const int64_t b0 = std::clamp<int64_t>((start - out.startMs) / out.bucketMs, 0, last);
        const int64_t b1 = std::clamp<int64_t>((std::max(end, start) - out.startMs) / out.bucketMs, 0, last);
        const double n = double(b1 - b0 + 1);
        for (int64_t b = b0; b <= b1; ++b)
            v[size_t(b)] += amount / n;
    };

    if (volumetric) {
        const IpAddress dst = f.dst.empty() ? IpAddress() : f.dst.front();
        out.title = tr("Packets to %1").arg(QString::fromStdString(dst.toString()));
        Series in{tr("packets to %1").arg(QString::fromStdString(dst.toString())), QColor(0xc0, 0x39, 0x2b),
                  std::vector<double>(out.buckets)};
        for (const FlowRecord& r : flows.flows) {
            if (r.dst == dst)
                spread(in.values, r.startMs, r.endMs, double(r.packets));
            else if (r.src == dst) // a biflow's reverse direction went to dst
                spread(in.values, r.startMs, r.endMs, double(r.revPackets));
        }
        out.series.push_back(std::move(in));
        if (f.evidence.is_object() && f.evidence.contains("baseline_packets_per_bucket")) {
            out.baseline = f.evidence.value("baseline_packets_per_bucket", 0.0);
            out.baselineLabel = tr("baseline (median per %1)").arg(bucketName(out.bucketMs));
        }
        out.valueLabel = tr("packets per %1").arg(bucketName(out.bucketMs));
        return out;
    }

    // Bytes by direction, seen from the finding's source (the internal host); for an
    // indicator, to and from the listed addresses.
    std::vector<IpAddress> listed;
    if (f.type == "indicator" && f.evidence.is_object() && f.evidence.contains("addresses_seen"))
        for (const auto& a : f.evidence["addresses_seen"])
            if (a.is_string())
                if (auto ip = IpAddress::parse(a.get<std::string>()))
                    listed.push_back(*ip);
    if (!listed.empty()) {
        sent.name = tr("to the indicator");
        received.name = tr("from the indicator");
    }
    for (const FlowRecord& r : flows.flows) {
        const bool fromInside = !listed.empty() ? std::find(listed.begin(), listed.end(), r.src) == listed.end()
            : haveInside                        ? r.src == inside
                                                : true;
        spread(fromInside ? sent.values : received.values, r.startMs, r.endMs, double(r.bytes));
        spread(fromInside ? received.values : sent.values, r.startMs, r.endMs, double(r.revBytes));
    }
    if (f.type == "exfiltration")
        out.title = tr("Bytes between %1 and %2")
                        .arg(QString::fromStdString(inside.toString()),
                             f.dst.empty() ? QString() : QString::fromStdString(f.dst.front().toString()));
    else if (f.type == "long_connection") {
        out.title = tr("Traffic of the long sessions");
        const double threshold = f.evidence.is_object() ? f.evidence.value("threshold_seconds", 1500.0) : 1500.0;
        for (const Conversation& c : flows.conversations)
            if (double(c.durationMs) >= threshold * 1000)
                out.sessions.emplace_back(c.startMs, c.endMs());
    } else if (f.type == "indicator") {
        out.title = tr("Traffic with %1").arg(QString::fromStdString(f.filter));
    } else {
        out.title = tr("Traffic");
    }
    out.series.push_back(std::move(sent));
    out.series.push_back(std::move(received));
    out.valueLabel = tr("bytes per %1").arg(bucketName(out.bucketMs));
    return out;
}
