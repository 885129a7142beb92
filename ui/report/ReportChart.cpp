#include "report/ReportChart.h"

#include "models/FindingsModel.h"
#include "query/FlowFilter.h"
#include "store/FlowStore.h"
#include "util/DisplayFormat.h"

#include <QDateTime>
#include <QFontMetricsF>
#include <QPaintDevice>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

ReportChart::Series ReportChart::collect(const FlowStore& store, const Finding& f)
{
    Series s;
    FlowFilter::Error error;
    std::optional<FlowFilter> filter;
    if (!f.filter.empty()) {
        filter = FlowFilter::parse(f.filter, error);
        if (!filter)
            return s; // a filter the parser refuses: no chart rather than every flow
    }
    // A margin on both sides shows the traffic before and after the finding.
    int64_t span = std::max<int64_t>(f.endMs - f.startMs, 60000);
    const int64_t margin = span / 10;
    const int64_t from = f.startMs - margin;
    span += 2 * margin;
    s.bucketMs = std::max<int64_t>(1000, (span + kBuckets - 1) / kBuckets);
    s.startMs = from;
    s.bytes.assign(kBuckets, 0);
    s.flows.assign(kBuckets, 0);
    FlowStore::FlowSelection sel;
    sel.filter = filter ? &*filter : nullptr;
    sel.startMs = from;
    sel.endMs = from + s.bucketMs * kBuckets;
    store.forEachFlowMatching(sel, [&](const FlowRecord& raw, int64_t) {
        const FlowRecord r = raw.scaledBySampling();
        const int64_t b = std::clamp<int64_t>((r.startMs - from) / s.bucketMs, 0, kBuckets - 1);
        s.bytes[size_t(b)] += double(r.bytes + r.revBytes);
        s.flows[size_t(b)] += 1;
        if (s.flowStarts.size() < kMaxTicks)
            s.flowStarts.push_back(r.startMs);
        ++s.flowsRead;
        return true;
    }, kMaxFlows);
    s.truncated = s.flowsRead >= kMaxFlows;
    return s;
}

namespace {

// A "nice" step (1, 2, 5 × 10^n) for about n ticks over max.
double niceStep(double max, int n)
{
    if (max <= 0)
        return 1;
    const double raw = max / n;
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (raw <= m * mag)
            return m * mag;
    return 10 * mag;
}

int64_t niceTimeStep(int64_t spanMs, int n)
{
    static const int64_t steps[] = {1000, 2000, 5000, 10000, 15000, 30000, 60000, 120000, 300000, 600000,
                                    900000, 1800000, 3600000, 7200000, 10800000, 21600000, 43200000, 86400000};
    for (int64_t s : steps)
        if (spanMs / s <= n)
            return s;
    return 86400000 * ((spanMs / n) / 86400000 + 1);
}

} // namespace

void ReportChart::render(QPainter& p, const QRectF& rect, const Finding& f, const Series& s)
{
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    // Sizes in points, whatever the device's resolution (300 dpi PDF, 96 dpi screen).
    const double pt = p.device() ? p.device()->logicalDpiY() / 72.0 : 1.0;
    QFont font(QStringLiteral("DejaVu Sans"));
    font.setPointSizeF(6.5);
    font.setStyleStrategy(QFont::PreferNoShaping); // no ligatures: the labels read back as typed
    p.setFont(font);
    const QFontMetricsF fm(font, p.device());
    const QColor ink(0x33, 0x33, 0x33);
    const QColor grid(0xdd, 0xdd, 0xdd);
    const QColor accent = FindingsModel::severityBackground(f.severity);
    const QColor bar = f.severity == Severity::Low || f.severity == Severity::Info ? QColor(0x5b, 0x7f, 0xa6) : accent;

    // Frame and title.
    p.setPen(QPen(QColor(0xbb, 0xbb, 0xbb), 0.5 * pt));
    p.setBrush(Qt::NoBrush);
    p.drawRect(rect);
    QFont bold = font;
    bold.setBold(true);
    bold.setPointSizeF(7.5);
    p.setFont(bold);
    const QRectF titleRect = rect.adjusted(6 * pt, 4 * pt, -6 * pt, 0);
    const QString bucket = DisplayFormat::duration(s.bucketMs);
    p.setPen(ink);
    p.drawText(titleRect, Qt::AlignLeft | Qt::AlignTop,
               QObject::tr("Traffic of the finding's flows: bytes per %1 (UTC)").arg(bucket));
    p.setFont(font);
    if (s.bucketMs <= 0 || s.flowsRead == 0) {
        p.drawText(rect, Qt::AlignCenter, QObject::tr("No flows of this finding in the case"));
        p.restore();
        return;
    }
    const QString flowsNote = s.truncated ? QObject::tr("first %1 flows").arg(DisplayFormat::count(s.flowsRead))
                                          : QObject::tr("%1 flows").arg(DisplayFormat::count(s.flowsRead));
    p.drawText(titleRect, Qt::AlignRight | Qt::AlignTop, flowsNote);

    const double maxBytes = *std::max_element(s.bytes.begin(), s.bytes.end());
    const double yStep = niceStep(maxBytes, 4);
    const double yMax = std::max(yStep, std::ceil(maxBytes / yStep) * yStep);
    double labelWidth = 0;
    for (double v = 0; v <= yMax + yStep / 2; v += yStep)
        labelWidth = std::max(labelWidth, fm.horizontalAdvance(DisplayFormat::bytes(v)));
    const double tickStrip = 10 * pt;
    const QRectF plot(rect.left() + labelWidth + 10 * pt, rect.top() + fm.height() + 10 * pt,
                      rect.width() - labelWidth - 18 * pt, rect.height() - 3 * fm.height() - tickStrip - 14 * pt);
    const int64_t endMs = s.startMs + s.bucketMs * int64_t(s.bytes.size());
    auto xFor = [&](int64_t ms) { return plot.left() + plot.width() * double(ms - s.startMs) / double(endMs - s.startMs); };

    // The finding's own window, shaded.
    p.setPen(Qt::NoPen);
    QColor window = accent;
    window.setAlpha(40);
    p.setBrush(window);
    p.drawRect(QRectF(QPointF(xFor(f.startMs), plot.top()), QPointF(std::max(xFor(f.endMs), xFor(f.startMs) + pt), plot.bottom())));

    // Horizontal grid and byte labels.
    for (double v = 0; v <= yMax + yStep / 2; v += yStep) {
        const double y = plot.bottom() - plot.height() * v / yMax;
        p.setPen(QPen(grid, 0.4 * pt));
        p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
        p.setPen(ink);
        p.drawText(QRectF(rect.left(), y - fm.height() / 2, labelWidth + 6 * pt, fm.height()),
                   Qt::AlignRight | Qt::AlignVCenter, DisplayFormat::bytes(v));
    }
    // Bars.
    p.setPen(Qt::NoPen);
    p.setBrush(bar);
    const double w = plot.width() / double(s.bytes.size());
    for (size_t i = 0; i < s.bytes.size(); ++i) {
        if (s.bytes[i] <= 0)
            continue;
        const double h = std::max(0.6 * pt, plot.height() * s.bytes[i] / yMax);
        p.drawRect(QRectF(plot.left() + w * double(i) + w * 0.1, plot.bottom() - h, w * 0.8, h));
    }
    // Axis.
    p.setPen(QPen(ink, 0.6 * pt));
    p.drawLine(plot.bottomLeft(), plot.bottomRight());

    // Flow starts as ticks beneath the axis.
    const QRectF strip(plot.left(), plot.bottom() + 3 * pt, plot.width(), tickStrip - 4 * pt);
    p.setPen(QPen(QColor(0x44, 0x44, 0x44), 0.35 * pt));
    QPainterPath ticks;
    for (int64_t t : s.flowStarts) {
        const double x = xFor(t);
        ticks.moveTo(x, strip.top());
        ticks.lineTo(x, strip.bottom());
    }
    p.drawPath(ticks);

    // Time labels (UTC).
    const int64_t step = niceTimeStep(endMs - s.startMs, 6);
    const bool seconds = step < 60000;
    p.setPen(ink);
    const double labelY = strip.bottom() + 2 * pt;
    for (int64_t t = (s.startMs / step + 1) * step; t < endMs; t += step) {
        const double x = xFor(t);
        p.setPen(QPen(ink, 0.5 * pt));
        p.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 2 * pt));
        const QString label = QDateTime::fromMSecsSinceEpoch(t, Qt::UTC)
                                  .toString(seconds ? QStringLiteral("HH:mm:ss") : QStringLiteral("HH:mm"));
        const double lw = fm.horizontalAdvance(label);
        p.drawText(QRectF(x - lw / 2 - 2 * pt, labelY, lw + 4 * pt, fm.height()), Qt::AlignCenter, label);
    }
    // The date once, and what the ticks are.
    p.setPen(QColor(0x66, 0x66, 0x66));
    const QRectF foot(plot.left(), labelY + fm.height(), plot.width(), fm.height() + 2 * pt);
    p.drawText(foot, Qt::AlignLeft | Qt::AlignVCenter,
               QDateTime::fromMSecsSinceEpoch(s.startMs, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd")) + QStringLiteral(" UTC"));
    p.drawText(foot, Qt::AlignRight | Qt::AlignVCenter,
               QObject::tr("ticks: start of each flow · shaded: the finding's time window"));
    p.restore();
}
