#include "plots/TimelinePlot.h"

#include "util/DisplayFormat.h"

#include "models/FindingsModel.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QTextDocument>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace {

constexpr int kLabelLanes = 3;
constexpr double kLanePx = 17;
constexpr double kMinSpanPx = 4; // a 20 s scan in a 4 h capture must stay visible

// Value-axis labels with units, so "2000000000" reads "2 GB".
class UnitTicker final : public QCPAxisTicker {
public:
    bool bytes = true;

protected:
    QString getTickLabel(double tick, const QLocale&, QChar, int) override
    {
        return bytes ? TimelinePlot::formatBytes(tick) : TimelinePlot::formatCount(tick);
    }
};

QString durationText(int64_t ms)
{
    if (ms < 60'000)
        return QObject::tr("%1 s").arg(ms / 1000.0);
    if (ms < 3'600'000)
        return QObject::tr("%1 min").arg(ms / 60'000.0);
    return QObject::tr("%1 h").arg(ms / 3'600'000.0);
}

QString shortTypeName(const std::string& type, const std::string& subtype)
{
    if (type == "beacon") return QObject::tr("Beacon");
    if (type == "port_scan" && subtype == "horizontal") return QObject::tr("H-scan");
    if (type == "port_scan" && subtype == "vertical") return QObject::tr("V-scan");
    if (type == "port_scan") return QObject::tr("Scan");
    if (type == "exfiltration") return QObject::tr("Exfil");
    if (type == "volumetric") return QObject::tr("Flood");
    if (type == "long_connection") return QObject::tr("Long conn");
    if (type == "indicator") return QObject::tr("Indicator");
    return QString::fromStdString(type);
}

} // namespace

QString TimelinePlot::formatBytes(double bytes)
{
    return DisplayFormat::bytes(bytes);
}

QString TimelinePlot::formatCount(double count)
{
    return DisplayFormat::shortCount(count);
}

TimelinePlot::TimelinePlot(QWidget* parent)
    : QWidget(parent)
    , m_plot(new QCustomPlot(this))
    , m_metricCombo(new QComboBox(this))
    , m_resetButton(new QToolButton(this))
    , m_infoLabel(new QLabel(this))
    , m_selectButton(new QToolButton(this))
    , m_clearSelectionButton(new QToolButton(this))
    , m_showInfoCheck(new QCheckBox(tr("Info findings"), this))
{
    auto* header = new QHBoxLayout;
    header->setContentsMargins(6, 4, 6, 0);
    auto* title = new QLabel(tr("<b>Traffic over time</b>"), this);
    header->addWidget(title);
    header->addSpacing(12);
    header->addWidget(m_infoLabel, 1);
    m_infoLabel->setTextFormat(Qt::PlainText);
    m_infoLabel->setMinimumWidth(0);
    m_infoLabel->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred); // elided by the layout, never widens it
    m_selectButton->setText(tr("Select range"));
    m_selectButton->setCheckable(true);
    m_selectButton->setAutoRaise(true);
    m_selectButton->setToolTip(tr("Drag on the plot to select a time range that narrows the other views "
                                  "(or Shift+drag at any time)"));
    header->addWidget(m_selectButton);
    m_clearSelectionButton->setText(tr("Clear selection"));
    m_clearSelectionButton->setAutoRaise(true);
    m_clearSelectionButton->setToolTip(tr("Show the whole capture in every view again (Esc)"));
    m_clearSelectionButton->setVisible(false);
    header->addWidget(m_clearSelectionButton);
    m_showInfoCheck->setToolTip(tr("Also mark info findings (allowlisted or benign periodic traffic) on the timeline"));
    header->addWidget(m_showInfoCheck);
    m_metricCombo->addItem(tr("Bytes"), int(Metric::Bytes));
    m_metricCombo->addItem(tr("Packets"), int(Metric::Packets));
    m_metricCombo->addItem(tr("Flows started"), int(Metric::Flows));
    m_metricCombo->setToolTip(tr("Quantity plotted per time bucket"));
    header->addWidget(m_metricCombo);
    m_resetButton->setText(tr("Reset zoom"));
    m_resetButton->setToolTip(tr("Show the whole capture (or double-click the plot)"));
    m_resetButton->setAutoRaise(true);
    header->addWidget(m_resetButton);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(header);
    layout->addWidget(m_plot, 1);
    m_plot->setMinimumHeight(160);

    // Spans sit behind the traffic curve, labels above it.
    m_plot->addLayer(QStringLiteral("spans"), m_plot->layer(QStringLiteral("grid")), QCustomPlot::limAbove);
    m_plot->addLayer(QStringLiteral("labels"), m_plot->layer(QStringLiteral("main")), QCustomPlot::limAbove);
    m_plot->addLayer(QStringLiteral("selection"), m_plot->layer(QStringLiteral("spans")), QCustomPlot::limAbove);

    auto timeTicker = QSharedPointer<QCPAxisTickerDateTime>::create();
    timeTicker->setDateTimeFormat(QStringLiteral("HH:mm"));
    timeTicker->setTickCount(8);
    m_plot->xAxis->setTicker(timeTicker);
    auto valueTicker = QSharedPointer<UnitTicker>::create();
    valueTicker->setTickCount(5);
    m_plot->yAxis->setTicker(valueTicker);
    m_plot->yAxis->setRangeLower(0);
    m_plot->axisRect()->setMargins(QMargins(0, 0, 0, 0));
    m_plot->setNoAntialiasingOnDrag(true);

    QCPGraph* graph = m_plot->addGraph();
    graph->setLineStyle(QCPGraph::lsStepLeft);

    m_band = new QCPItemRect(m_plot);
    m_band->setLayer(QStringLiteral("selection"));
    m_band->setSelectable(false);
    m_band->topLeft->setTypeX(QCPItemPosition::ptPlotCoords);
    m_band->topLeft->setTypeY(QCPItemPosition::ptAxisRectRatio);
    m_band->bottomRight->setTypeX(QCPItemPosition::ptPlotCoords);
    m_band->bottomRight->setTypeY(QCPItemPosition::ptAxisRectRatio);
    m_band->setVisible(false);
    m_plot->setFocusPolicy(Qt::ClickFocus);

    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->axisRect()->setRangeDrag(Qt::Horizontal);
    m_plot->axisRect()->setRangeZoom(Qt::Horizontal);

    m_emptyText = new QCPItemText(m_plot);
    m_emptyText->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_emptyText->position->setCoords(0.5, 0.5);
    m_emptyText->setText(tr("No traffic loaded. Open a flow capture with File ▸ Open Capture… (Ctrl+O)."));
    m_emptyText->setClipToAxisRect(false);
    applyPalette();
    updateTimeZone();

    // Esc clears the selection while the plot (or anything in this widget) has focus.
    auto* clearAction = new QAction(tr("Clear Time Selection"), this);
    clearAction->setShortcut(QKeySequence(Qt::Key_Escape));
    clearAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(clearAction, &QAction::triggered, this, &TimelinePlot::clearSelection);
    addAction(clearAction);
    connect(m_selectButton, &QToolButton::toggled, this, [this](bool on) {
        m_plot->setCursor(on ? Qt::IBeamCursor : Qt::ArrowCursor);
    });
    connect(m_clearSelectionButton, &QToolButton::clicked, this, &TimelinePlot::clearSelection);
    connect(m_showInfoCheck, &QCheckBox::toggled, this, &TimelinePlot::setShowAllSeverities);
    // QCustomPlot emits mousePress before its axis rect starts a drag, so a
    // selection gesture can switch the drag off for its duration.
    connect(m_plot, &QCustomPlot::mousePress, this, [this](QMouseEvent* event) { startSelecting(event); });
    connect(m_plot, &QCustomPlot::mouseRelease, this, [this](QMouseEvent* event) {
        if (!m_selecting)
            return;
        m_selecting = false;
        m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
        m_dragSec = std::clamp(m_plot->xAxis->pixelToCoord(event->pos().x()), fullStartSec(), fullEndSec());
        const double lo = std::min(m_anchorSec, m_dragSec);
        const double hi = std::max(m_anchorSec, m_dragSec);
        // A click without a drag (under 3 px) selects nothing.
        if (std::abs(m_plot->xAxis->coordToPixel(hi) - m_plot->xAxis->coordToPixel(lo)) < 3) {
            updateBand();
            m_plot->replot();
            return;
        }
        // Whole seconds: the views show seconds, and [start, end) stays exact.
        setSelection(int64_t(std::floor(lo)) * 1000, int64_t(std::ceil(hi)) * 1000);
    });

    connect(m_plot->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this, [this](const QCPRange&) {
        if (m_adjustingRange)
            return;
        clampTimeRange();
        rescaleValueAxis();
    });
    connect(m_plot, &QCustomPlot::afterLayout, this, [this] { layoutSpans(); });
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, [this](QMouseEvent*) { resetZoom(); });
    connect(m_plot, &QCustomPlot::mouseMove, this, [this](QMouseEvent* event) {
        if (m_selecting) {
            m_dragSec = std::clamp(m_plot->xAxis->pixelToCoord(event->pos().x()), fullStartSec(), fullEndSec());
            updateBand();
            m_plot->replot(QCustomPlot::rpQueuedReplot);
            return;
        }
        showValueTip(event);
    });
    connect(m_plot, &QCustomPlot::itemClick, this, [this](QCPAbstractItem* item, QMouseEvent*) {
        for (size_t i = 0; i < m_spans.size(); ++i)
            if (m_spans[i].label == item)
                emit findingClicked(int(i));
    });
    connect(m_metricCombo, qOverload<int>(&QComboBox::currentIndexChanged), this,
            [this](int) { setMetric(Metric(m_metricCombo->currentData().toInt())); });
    connect(m_resetButton, &QToolButton::clicked, this, &TimelinePlot::resetZoom);

    clear();
}

TimelinePlot::~TimelinePlot() = default;

void TimelinePlot::clear()
{
    clearSelection();
    m_buckets.clear();
    m_bucketMs = 0;
    m_findings.clear();
    m_highlight = -1;
    rebuildSpans();
    rebuildGraph();
}

void TimelinePlot::setTimeline(const TrafficTimeline& timeline)
{
    m_buckets = timeline.buckets();
    m_bucketMs = timeline.bucketMs();
    // A store with no flows still yields one empty bucket; treat it as empty.
    const bool allZero = std::all_of(m_buckets.begin(), m_buckets.end(),
                                     [](const auto& b) { return b.bytes == 0 && b.packets == 0 && b.flows == 0; });
    if (allZero)
        m_buckets.clear();
    rebuildGraph();
    rebuildSpans();
    resetZoom();
}

void TimelinePlot::setFindings(const std::vector<Finding>& findings)
{
    m_findings = findings;
    m_highlight = -1;
    rebuildSpans();
    m_plot->replot();
}

void TimelinePlot::setMetric(Metric metric)
{
    if (m_metric == metric && m_metricCombo->currentData().toInt() == int(metric))
        return;
    m_metric = metric;
    const int comboIndex = m_metricCombo->findData(int(metric));
    if (comboIndex != m_metricCombo->currentIndex())
        m_metricCombo->setCurrentIndex(comboIndex);
    rebuildGraph();
    rescaleValueAxis();
    m_plot->replot();
}

double TimelinePlot::fullStartSec() const
{
    return m_buckets.empty() ? 0 : double(m_buckets.front().startMs) / 1000.0;
}

double TimelinePlot::fullEndSec() const
{
    return m_buckets.empty() ? 1 : double(m_buckets.back().startMs + m_bucketMs) / 1000.0;
}

void TimelinePlot::rebuildGraph()
{
    QVector<double> keys;
    QVector<double> values;
    keys.reserve(qsizetype(m_buckets.size()) + 1);
    values.reserve(qsizetype(m_buckets.size()) + 1);
    for (const auto& b : m_buckets) {
        keys << double(b.startMs) / 1000.0;
        values << (m_metric == Metric::Bytes ? b.bytes : m_metric == Metric::Packets ? b.packets : b.flows);
    }
    if (!m_buckets.empty()) {
        // Close the last step so the final bucket has its full width.
        keys << fullEndSec();
        values << values.back();
    }
    m_plot->graph(0)->setData(keys, values, true);

    static_cast<UnitTicker*>(m_plot->yAxis->ticker().data())->bytes = m_metric == Metric::Bytes;
    const QString per = m_bucketMs > 0 ? tr(" per %1").arg(durationText(m_bucketMs)) : QString();
    switch (m_metric) {
    case Metric::Bytes: m_plot->yAxis->setLabel(tr("Bytes") + per); break;
    case Metric::Packets: m_plot->yAxis->setLabel(tr("Packets") + per); break;
    case Metric::Flows: m_plot->yAxis->setLabel(tr("Flows started") + per); break;
    }
    m_emptyText->setVisible(m_buckets.empty());
    updateInfoText();
    m_plot->xAxis->setTickLabels(!m_buckets.empty());
    m_plot->yAxis->setTickLabels(!m_buckets.empty());

}

void TimelinePlot::updateInfoText()
{
    if (hasSelection()) {
        m_infoLabel->setText(tr("Selected %1 (%2)")
                                 .arg(DisplayFormat::utcRange(m_selStartMs, m_selEndMs),
                                      DisplayFormat::duration(m_selEndMs - m_selStartMs)));
    } else if (m_buckets.empty()) {
        m_infoLabel->clear();
    } else {
        m_infoLabel->setText(tr("%1 · drag to pan, wheel to zoom, Shift+drag to select")
                                 .arg(DisplayFormat::utcRange(m_buckets.front().startMs,
                                                              m_buckets.back().startMs + m_bucketMs)));
    }
    m_infoLabel->setToolTip(m_infoLabel->text());
}

void TimelinePlot::rebuildSpans()
{
    for (auto& span : m_spans) {
        m_plot->removeItem(span.rect);
        m_plot->removeItem(span.label);
    }
    m_spans.clear();

    // Draw low scores first so the most important spans end up on top.
    std::vector<size_t> order(m_findings.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [this](size_t a, size_t b) { return m_findings[a].score < m_findings[b].score; });

    m_spans.resize(m_findings.size());
    for (size_t i : order) {
        const Finding& f = m_findings[i];
        Span& span = m_spans[i];
        span.startSec = double(f.startMs) / 1000.0;
        span.endSec = double(std::max(f.endMs, f.startMs)) / 1000.0;
        span.severity = f.severity;

        span.rect = new QCPItemRect(m_plot);
        span.rect->setLayer(QStringLiteral("spans"));
        span.rect->setSelectable(false);
        span.rect->topLeft->setTypeX(QCPItemPosition::ptPlotCoords);
        span.rect->topLeft->setTypeY(QCPItemPosition::ptAxisRectRatio);
        span.rect->bottomRight->setTypeX(QCPItemPosition::ptPlotCoords);
        span.rect->bottomRight->setTypeY(QCPItemPosition::ptAxisRectRatio);
        span.rect->topLeft->setCoords(span.startSec, 0);
        span.rect->bottomRight->setCoords(span.endSec, 1);

        span.label = new QCPItemText(m_plot);
        span.label->setLayer(QStringLiteral("labels"));
        span.label->position->setTypeX(QCPItemPosition::ptPlotCoords);
        span.label->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
        span.label->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
        QString text = shortTypeName(f.type, f.subtype);
        if (f.src)
            text += QStringLiteral(" ") + QString::fromStdString(f.src->toString());
        else if (!f.dst.empty())
            text += QStringLiteral(" → ") + QString::fromStdString(f.dst.front().toString());
        span.label->setText(text);
        QFont font = m_plot->font();
        font.setPointSizeF(font.pointSizeF() * 0.85);
        span.label->setFont(font);
        span.label->setPadding(QMargins(3, 1, 3, 1));
        span.label->setSelectable(true);
        styleSpan(int(i));
    }
}

bool TimelinePlot::spanShown(int index) const
{
    // Info findings are many and mostly benign periodic traffic (allowlisted
    // NTP, DNS); drawing them all would tint the whole plot. They appear when
    // selected or when asked for.
    return index == m_highlight || m_showAll || m_spans[size_t(index)].severity >= Severity::Low;
}

void TimelinePlot::styleSpan(int index)
{
    Span& span = m_spans[size_t(index)];
    const bool highlighted = index == m_highlight;
    const bool shown = spanShown(index);
    span.rect->setVisible(shown);
    span.label->setVisible(shown);
    QColor base = FindingsModel::severityBackground(span.severity);
    if (span.severity == Severity::Info)
        base = QColor(0x80, 0x80, 0x80);
    // A span covering most of the capture (a long beacon) would wash out the
    // curve, so the wider the span the fainter its fill.
    const double full = std::max(1.0, fullEndSec() - fullStartSec());
    const bool wide = (span.endSec - span.startSec) > 0.3 * full;
    QColor fill = base;
    fill.setAlpha(highlighted ? (wide ? 60 : 110) : (wide ? 14 : 50));
    QColor edge = base;
    edge.setAlpha(highlighted ? 255 : (wide ? 90 : 150));
    // Wide spans (long beacons) stacked up would tint the whole plot: edges only until selected.
    span.rect->setBrush(wide && !highlighted ? QBrush(Qt::NoBrush) : QBrush(fill));
    span.rect->setPen(highlighted ? QPen(edge, 2) : QPen(edge, 1, wide ? Qt::DashLine : Qt::SolidLine));

    QColor labelFill = base;
    labelFill.setAlpha(highlighted ? 255 : 225);
    span.label->setBrush(labelFill);
    span.label->setPen(highlighted ? QPen(palette().color(QPalette::WindowText), 1.5) : QPen(Qt::NoPen));
    span.label->setColor(FindingsModel::severityForeground(span.severity));
    span.label->setSelectedBrush(labelFill);
    span.label->setSelectedColor(FindingsModel::severityForeground(span.severity));
}

void TimelinePlot::layoutSpans()
{
    if (m_spans.empty())
        return;
    const QCPRange range = m_plot->xAxis->range();
    const double widthPx = std::max(1, m_plot->axisRect()->width());
    const double heightPx = std::max(1, m_plot->axisRect()->height());
    const double secPerPx = range.size() / widthPx;
    const double minWidth = kMinSpanPx * secPerPx;

    // Labels go into lanes, most important first; those that don't fit are
    // hidden rather than piled on top of each other.
    std::vector<size_t> order(m_spans.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [this](size_t a, size_t b) {
        if (int(a) == m_highlight || int(b) == m_highlight)
            return int(a) == m_highlight && int(b) != m_highlight;
        return m_findings[a].score > m_findings[b].score;
    });
    std::vector<std::vector<std::pair<double, double>>> lanes(kLabelLanes);
    for (size_t i : order) {
        Span& span = m_spans[i];
        if (!spanShown(int(i)))
            continue;
        const double end = std::max(span.endSec, span.startSec + minWidth);
        span.rect->bottomRight->setCoords(end, 1);

        const bool visible = end >= range.lower && span.startSec <= range.upper;
        const double x = std::max(span.startSec, range.lower);
        const QFontMetricsF fm(span.label->font());
        const double textPx = fm.horizontalAdvance(span.label->text()) + 8;
        const double x0 = (x - range.lower) / secPerPx;
        const double x1 = x0 + textPx;
        int lane = -1;
        if (visible) {
            for (int l = 0; l < kLabelLanes && lane < 0; ++l) {
                const bool free = std::none_of(lanes[size_t(l)].begin(), lanes[size_t(l)].end(),
                                               [&](const auto& r) { return x0 < r.second + 4 && r.first < x1 + 4; });
                if (free)
                    lane = l;
            }
        }
        span.label->setVisible(lane >= 0);
        if (lane < 0)
            continue;
        lanes[size_t(lane)].push_back({x0, x1});
        // Keep labels inside the plot even when the span starts at its right edge.
        const double shift = std::max(0.0, x1 - widthPx) * secPerPx;
        span.label->position->setCoords(x - shift, (3 + lane * kLanePx) / heightPx);
    }
}

void TimelinePlot::highlightFinding(int index)
{
    const int previous = m_highlight;
    m_highlight = (index >= 0 && size_t(index) < m_spans.size()) ? index : -1;
    if (previous >= 0 && size_t(previous) < m_spans.size())
        styleSpan(previous);
    if (m_highlight >= 0) {
        styleSpan(m_highlight);
        // Bring the finding into view if it is (partly) off-screen.
        const Span& span = m_spans[size_t(m_highlight)];
        const QCPRange range = m_plot->xAxis->range();
        if (span.startSec < range.lower || span.endSec > range.upper) {
            const double width = std::max(span.endSec - span.startSec, range.size());
            const double centre = (span.startSec + span.endSec) / 2;
            m_plot->xAxis->setRange(centre - width / 2, centre + width / 2);
        }
    }
    m_plot->replot();
}

void TimelinePlot::resetZoom()
{
    m_adjustingRange = true;
    m_plot->xAxis->setRange(fullStartSec(), fullEndSec());
    m_adjustingRange = false;
    updateTimeFormat();
    rescaleValueAxis();
    m_plot->replot();
}

void TimelinePlot::clampTimeRange()
{
    if (m_buckets.empty())
        return;
    const double lo = fullStartSec();
    const double hi = fullEndSec();
    const double minSize = std::min(hi - lo, std::max(10.0, 3.0 * double(m_bucketMs) / 1000.0));
    QCPRange r = m_plot->xAxis->range();
    if (r.size() < minSize)
        r = QCPRange(r.center() - minSize / 2, r.center() + minSize / 2);
    if (r.size() > hi - lo)
        r = QCPRange(lo, hi);
    if (r.lower < lo)
        r = QCPRange(lo, lo + r.size());
    if (r.upper > hi)
        r = QCPRange(hi - r.size(), hi);
    m_adjustingRange = true;
    m_plot->xAxis->setRange(r);
    m_adjustingRange = false;
    updateTimeFormat();
}

void TimelinePlot::updateTimeFormat()
{
    // Seconds only when the visible span needs them (ticks must not repeat).
    auto* ticker = static_cast<QCPAxisTickerDateTime*>(m_plot->xAxis->ticker().data());
    const double span = m_plot->xAxis->range().size();
    ticker->setDateTimeFormat(span <= 1800 ? QStringLiteral("HH:mm:ss")
                              : span <= 2 * 86400 ? QStringLiteral("HH:mm")
                                                  : QStringLiteral("MM-dd HH:mm"));
}

void TimelinePlot::rescaleValueAxis()
{
    const QCPRange r = m_plot->xAxis->range();
    double maxValue = 0;
    for (const auto& b : m_buckets) {
        const double t0 = double(b.startMs) / 1000.0;
        if (t0 + double(m_bucketMs) / 1000.0 < r.lower || t0 > r.upper)
            continue;
        maxValue = std::max(maxValue,
                            m_metric == Metric::Bytes ? b.bytes : m_metric == Metric::Packets ? b.packets : b.flows);
    }
    if (maxValue <= 0)
        maxValue = 1;
    // Leave headroom above the curve for the finding labels.
    const double heightPx = std::max(60, m_plot->axisRect()->height());
    const double labelShare = std::min(0.45, (kLabelLanes * kLanePx + 6) / heightPx);
    m_plot->yAxis->setRange(0, maxValue / (1.0 - labelShare));
}

void TimelinePlot::showValueTip(QMouseEvent* event)
{
    if (m_buckets.empty() || m_bucketMs <= 0 || event->buttons() != Qt::NoButton
        || !m_plot->axisRect()->rect().contains(event->pos())) {
        QToolTip::hideText();
        return;
    }
    const double key = m_plot->xAxis->pixelToCoord(event->pos().x());
    const int64_t ms = int64_t(key * 1000.0);
    const int64_t index = (ms - m_buckets.front().startMs) / m_bucketMs;
    if (index < 0 || size_t(index) >= m_buckets.size())
        return;
    const auto& b = m_buckets[size_t(index)];
    const QString when = DisplayFormat::utcTime(b.startMs) + QLatin1Char(' ') + DisplayFormat::timeZoneName();
    QString text = tr("%1 (+%2)\n%3 · %4 packets · %5 flows started")
                       .arg(when, durationText(m_bucketMs), formatBytes(b.bytes), formatCount(b.packets),
                            DisplayFormat::count(uint64_t(std::max<double>(0, b.flows))));
    int listed = 0;
    for (size_t i = 0; i < m_spans.size(); ++i) {
        const Span& span = m_spans[i];
        const double end = std::max(span.endSec, span.startSec + double(m_bucketMs) / 1000.0);
        if (!spanShown(int(i)) || listed >= 6 || key < span.startSec || key > end)
            continue;
        text += QLatin1Char('\n') + span.label->text() + QStringLiteral(" (")
            + FindingsModel::severityText(span.severity) + QLatin1Char(')');
        ++listed;
    }
    // Finding labels come from the data: shown as plain text, never as HTML.
    QToolTip::showText(event->globalPosition().toPoint(), Qt::convertFromPlainText(text), m_plot);
}

bool TimelinePlot::startSelecting(QMouseEvent* event)
{
    const bool gesture = event->button() == Qt::LeftButton
        && (m_selectButton->isChecked() || event->modifiers().testFlag(Qt::ShiftModifier));
    if (!gesture || m_buckets.empty() || !m_plot->axisRect()->rect().contains(event->pos()))
        return false;
    m_plot->setInteractions(QCP::iRangeZoom); // no pan while selecting
    m_selecting = true;
    m_anchorSec = std::clamp(m_plot->xAxis->pixelToCoord(event->pos().x()), fullStartSec(), fullEndSec());
    m_dragSec = m_anchorSec;
    updateBand();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
    return true;
}

void TimelinePlot::setSelection(int64_t startMs, int64_t endMs)
{
    if (endMs < startMs)
        std::swap(startMs, endMs);
    if (startMs == m_selStartMs && endMs == m_selEndMs) {
        updateBand();
        m_plot->replot();
        return;
    }
    m_selStartMs = startMs;
    m_selEndMs = endMs;
    m_clearSelectionButton->setVisible(hasSelection());
    updateBand();
    updateInfoText();
    m_plot->replot();
    emit selectionChanged(m_selStartMs, m_selEndMs);
}

void TimelinePlot::clearSelection()
{
    m_selecting = false;
    setSelection(0, 0);
}

void TimelinePlot::setSelectionMode(bool on)
{
    m_selectButton->setChecked(on);
}

bool TimelinePlot::selectionMode() const
{
    return m_selectButton->isChecked();
}

void TimelinePlot::updateBand()
{
    double lo = 0;
    double hi = 0;
    if (m_selecting) {
        lo = std::min(m_anchorSec, m_dragSec);
        hi = std::max(m_anchorSec, m_dragSec);
    } else if (hasSelection()) {
        lo = double(m_selStartMs) / 1000.0;
        hi = double(m_selEndMs) / 1000.0;
    }
    m_band->setVisible(m_selecting || hasSelection());
    m_band->topLeft->setCoords(lo, 0);
    m_band->bottomRight->setCoords(hi, 1);
}

void TimelinePlot::setShowAllSeverities(bool all)
{
    if (m_showInfoCheck->isChecked() != all) {
        m_showInfoCheck->setChecked(all); // comes back here through toggled
        return;
    }
    if (m_showAll == all)
        return;
    m_showAll = all;
    for (size_t i = 0; i < m_spans.size(); ++i)
        styleSpan(int(i));
    m_plot->replot();
}

void TimelinePlot::updateTimeZone()
{
    auto* ticker = static_cast<QCPAxisTickerDateTime*>(m_plot->xAxis->ticker().data());
    ticker->setDateTimeSpec(DisplayFormat::localTime() ? Qt::LocalTime : Qt::UTC);
    m_plot->xAxis->setLabel(tr("Time (%1)").arg(DisplayFormat::timeZoneName()));
    updateInfoText();
    m_plot->replot();
}

void TimelinePlot::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange) {
        applyPalette();
        for (size_t i = 0; i < m_spans.size(); ++i)
            styleSpan(int(i));
        m_plot->replot();
    }
}

void TimelinePlot::applyPalette()
{
    // QCustomPlot paints black on white whatever the palette: take the
    // colours from the widget, so the plot reads in a dark theme too.
    const QPalette pal = palette();
    const QColor base = pal.color(QPalette::Base);
    const QColor text = pal.color(QPalette::WindowText);
    const bool dark = base.lightness() < 128;
    m_plot->setBackground(base);
    m_plot->axisRect()->setBackground(base);
    for (QCPAxis* axis : {m_plot->xAxis, m_plot->yAxis, m_plot->xAxis2, m_plot->yAxis2}) {
        axis->setBasePen(QPen(text, 1));
        axis->setTickPen(QPen(text, 1));
        axis->setSubTickPen(QPen(text, 1));
        axis->setTickLabelColor(text);
        axis->setLabelColor(text);
        QColor grid = text;
        grid.setAlpha(dark ? 45 : 35);
        axis->grid()->setPen(QPen(grid, 1, Qt::DotLine));
        axis->grid()->setZeroLinePen(Qt::NoPen);
    }
    QCPGraph* graph = m_plot->graph(0);
    const QColor line = dark ? QColor(0x6f, 0xb1, 0xff) : QColor(0x1f, 0x5f, 0xa8);
    QColor fill = dark ? QColor(0x4a, 0x90, 0xe2) : QColor(0x3d, 0x85, 0xd6);
    fill.setAlpha(dark ? 110 : 90);
    graph->setPen(QPen(line, 1.2));
    graph->setBrush(fill);
    m_emptyText->setColor(pal.color(QPalette::PlaceholderText));
    QColor bandFill = pal.color(QPalette::Highlight);
    bandFill.setAlpha(dark ? 70 : 55);
    QColor bandEdge = pal.color(QPalette::Highlight);
    m_band->setBrush(bandFill);
    m_band->setPen(QPen(bandEdge, 1.5));
    QPalette info = m_infoLabel->palette();
    info.setColor(QPalette::WindowText, pal.color(QPalette::PlaceholderText));
    m_infoLabel->setPalette(info);
}
