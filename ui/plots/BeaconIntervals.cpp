#include "plots/BeaconIntervals.h"

#include <algorithm>
#include <cmath>

namespace {

double quantile(std::vector<double> v, double q)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const double pos = q * double(v.size() - 1);
    const size_t i = size_t(pos);
    const double frac = pos - double(i);
    return i + 1 < v.size() ? v[i] * (1 - frac) + v[i + 1] * frac : v[i];
}

} // namespace

BeaconIntervals BeaconIntervals::compute(const Finding& f, const FindingFlows& flows,
                                         int64_t beatMergeMs)
{
    BeaconIntervals out;
    if (f.src && !f.dst.empty())
        out.pair = QString::fromStdString(f.src->toString()) + QStringLiteral(" → ")
            + QString::fromStdString(f.dst.front().toString());
    for (const Conversation& c : flows.conversations) {
        if (f.src && flows.address(c.client) != *f.src)
            continue;
        if (!f.dst.empty() && flows.address(c.server) != f.dst.front())
            continue;
        if (c.protocol != 6 && c.protocol != 17)
            continue;
        // The detector's beats: connections starting close to a beat's first one belong to it
        // (a client that opens two sockets per check-in beats once).
        if (!out.beats.empty() && c.startMs - out.beats.back().startMs <= beatMergeMs) {
            Beat& b = out.beats.back();
            b.bytesOut += c.bytesOut;
            b.bytesIn += c.bytesIn;
            ++b.connections;
            b.answered = b.answered || c.answered();
            continue;
        }
        out.beats.push_back({c.startMs, c.bytesOut, c.bytesIn, 1, c.answered()});
    }
    for (size_t i = 1; i < out.beats.size(); ++i)
        out.intervalsS.push_back(double(out.beats[i].startMs - out.beats[i - 1].startMs) / 1000.0);
    if (out.intervalsS.empty())
        return out;

    const double median = quantile(out.intervalsS, 0.5);
    out.periodS = f.evidence.is_object() ? f.evidence.value("period_s", median) : median;
    if (out.periodS <= 0)
        out.periodS = std::max(median, 1.0);
    const double iqrPct = 100 * (quantile(out.intervalsS, 0.75) - quantile(out.intervalsS, 0.25)) / out.periodS;
    out.jitterPct = f.evidence.is_object() ? f.evidence.value("jitter_pct", iqrPct) : iqrPct;

    // A tenth of the period per bin: ±10 % jitter spreads over three bins, a
    // missed beat lands ten bins further on. One bin is centred on the period.
    out.binWidthS = out.periodS / 10;
    const double maxInterval = *std::max_element(out.intervalsS.begin(), out.intervalsS.end());
    // Up to 2.5 periods (a missed beat shows at 2), or further when intervals go there, at most 4.
    const double range = std::clamp(maxInterval, 2.5 * out.periodS, 4.0 * out.periodS);
    out.firstBinStartS = out.periodS - 10.5 * out.binWidthS; // = -0.05 P: bin 0 holds 0
    const size_t n = size_t(std::ceil((range - out.firstBinStartS) / out.binWidthS));
    out.bins.assign(n, 0);
    for (double v : out.intervalsS) {
        const int b = out.binOf(v);
        if (b < 0)
            ++out.longer;
        else
            ++out.bins[size_t(b)];
    }
    return out;
}

int BeaconIntervals::binOf(double intervalS) const
{
    if (binWidthS <= 0)
        return -1;
    const double pos = std::floor((intervalS - firstBinStartS) / binWidthS);
    if (pos < 0 || pos >= double(bins.size()))
        return -1;
    return int(pos);
}

int BeaconIntervals::dominantBin() const
{
    if (bins.empty() || intervalsS.empty())
        return -1;
    return int(std::max_element(bins.begin(), bins.end()) - bins.begin());
}
