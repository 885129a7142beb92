#include "plots/BeaconHistogramPlot.h"

#include "plots/PlotStyle.h"
#include "util/DisplayFormat.h"

#include <QToolTip>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace {

class BytesTicker final : public QCPAxisTicker {
protected:
    QString getTickLabel(double tick, const QLocale&, QChar, int) override { return DisplayFormat::bytes(tick); }
};

QString number(double v, int decimals = 1)
{
    return DisplayFormat::numberLocale().toString(v, 'f', decimals);
}

} // namespace

BeaconHistogramPlot::BeaconHistogramPlot(QWidget* parent)
    : QWidget(parent)
    , m_plot(new QCustomPlot(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    setMinimumHeight(300);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->setMouseTracking(true);
    connect(m_plot, &QCustomPlot::mouseMove, this, &BeaconHistogramPlot::showTip);
    rebuild();
}

void BeaconHistogramPlot::setIntervals(const BeaconIntervals& intervals)
{
    m_data = intervals;
    rebuild();
}

void BeaconHistogramPlot::rebuild()
{
    QCustomPlot* p = m_plot;
    p->clearItems();
    p->clearPlottables();
    p->plotLayout()->clear();
    if (p->legend)
        p->legend->setVisible(false);
    const BeaconIntervals& d = m_data;
    const PlotStyle::IntervalUnit unit = PlotStyle::intervalUnit(d.periodS > 0 ? d.periodS : 60);

    const QString heading = d.pair.isEmpty() ? tr("Intervals between beats")
                                             : tr("Intervals between beats: %1, %n beat(s)", nullptr, int(d.beats.size())).arg(d.pair);
    auto* title = new QCPTextElement(p, heading, PlotStyle::font(12, true));
    p->plotLayout()->addElement(0, 0, title);
    m_histRect = new QCPAxisRect(p);
    m_beatRect = new QCPAxisRect(p);
    m_bytesRect = new QCPAxisRect(p);
    p->plotLayout()->addElement(1, 0, m_histRect);
    p->plotLayout()->addElement(2, 0, m_beatRect);
    p->plotLayout()->addElement(3, 0, m_bytesRect);
    p->plotLayout()->setRowStretchFactors({0.01, 0.52, 0.16, 0.32});
    p->plotLayout()->setRowSpacing(2);
    // One left margin for all three, so their time and value axes line up.
    auto* margins = new QCPMarginGroup(p);
    for (QCPAxisRect* r : {m_histRect, m_beatRect, m_bytesRect}) {
        r->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
        r->setRangeDrag(Qt::Horizontal);
        r->setRangeZoom(Qt::Horizontal);
        for (QCPAxis* a : r->axes())
            a->setLayer(QStringLiteral("axes"));
    }
    PlotStyle::style(p);

    // --- histogram ---
    QCPAxis* hx = m_histRect->axis(QCPAxis::atBottom);
    QCPAxis* hy = m_histRect->axis(QCPAxis::atLeft);
    hx->setLabel(tr("interval between beats (%1)").arg(unit.name));
    hy->setLabel(tr("intervals"));
    int peak = 0;
    if (!d.empty()) {
        // The jitter band: the interquartile spread around the period.
        const double half = d.periodS * d.jitterPct / 200;
        auto* band = new QCPItemRect(p);
        band->setClipAxisRect(m_histRect);
        band->topLeft->setAxes(hx, hy);
        band->bottomRight->setAxes(hx, hy);
        band->topLeft->setAxisRect(m_histRect);
        band->bottomRight->setAxisRect(m_histRect);
        band->topLeft->setTypeY(QCPItemPosition::ptAxisRectRatio);
        band->bottomRight->setTypeY(QCPItemPosition::ptAxisRectRatio);
        band->topLeft->setCoords((d.periodS - half) / unit.seconds, 0);
        band->bottomRight->setCoords((d.periodS + half) / unit.seconds, 1);
        QColor fill = PlotStyle::accentColor();
        fill.setAlpha(40);
        band->setBrush(fill);
        band->setPen(Qt::NoPen);

        auto* bars = new QCPBars(hx, hy);
        bars->setWidth(d.binWidthS / unit.seconds);
        bars->setPen(QPen(QColor(0x5a, 0x5a, 0x5a), 0.5));
        bars->setBrush(QColor(0x7d, 0x8d, 0xa8));
        QVector<double> keys, values;
        for (size_t i = 0; i < d.bins.size(); ++i) {
            keys << d.binCentre(i) / unit.seconds;
            values << d.bins[i];
            peak = std::max(peak, d.bins[i]);
        }
        bars->setData(keys, values, true);
        const int dominant = d.dominantBin();
        if (dominant >= 0) {
            auto* top = new QCPBars(hx, hy);
            top->setWidth(bars->width());
            top->setPen(QPen(QColor(0x2a, 0x3a, 0x5a), 0.5));
            top->setBrush(QColor(0x3d, 0x5a, 0x8c));
            top->addData(d.binCentre(size_t(dominant)) / unit.seconds, d.bins[size_t(dominant)]);
        }

        auto* line = new QCPItemStraightLine(p);
        line->setClipAxisRect(m_histRect);
        line->point1->setAxes(hx, hy);
        line->point2->setAxes(hx, hy);
        line->point1->setCoords(d.periodS / unit.seconds, 0);
        line->point2->setCoords(d.periodS / unit.seconds, 1);
        line->setPen(QPen(PlotStyle::accentColor(), 1.5, Qt::DashLine));

        auto* label = new QCPItemText(p);
        label->setClipAxisRect(m_histRect);
        label->position->setAxes(hx, hy);
        label->position->setAxisRect(m_histRect);
        label->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
        label->position->setCoords(d.periodS / unit.seconds + (d.binWidthS * 2) / unit.seconds, 0.04);
        label->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
        label->setFont(PlotStyle::font(11, true));
        label->setColor(PlotStyle::accentColor());
        // Jitter as the detector states it (interquartile range over the period); the band spans that range.
        label->setText(tr("period %1 %2, jitter ±%3 %")
                           .arg(number(d.periodS / unit.seconds, d.periodS / unit.seconds < 10 ? 2 : 1), unit.name,
                                number(d.jitterPct, 0)));
        if (d.longer > 0) {
            auto* more = new QCPItemText(p);
            more->setClipAxisRect(m_histRect);
            more->position->setType(QCPItemPosition::ptAxisRectRatio);
            more->position->setAxisRect(m_histRect);
            more->position->setCoords(0.99, 0.04);
            more->setPositionAlignment(Qt::AlignRight | Qt::AlignTop);
            more->setFont(PlotStyle::font(10));
            more->setText(tr("%n longer interval(s) not shown", nullptr, d.longer));
        }
        hx->setRange(std::max(0.0, d.firstBinStartS) / unit.seconds,
                     (d.firstBinStartS + double(d.bins.size()) * d.binWidthS) / unit.seconds);
    } else {
        hx->setRange(0, 1);
    }
    hy->setRange(0, std::max(1.0, peak * 1.18));
    hy->ticker()->setTickCount(4);

    // --- beats on a time axis ---
    QCPAxis* tx = m_beatRect->axis(QCPAxis::atBottom);
    QCPAxis* ty = m_beatRect->axis(QCPAxis::atLeft);
    ty->setLabel(tr("beats"));
    ty->setTicks(false);
    ty->setTickLabels(false);
    ty->grid()->setVisible(false);
    ty->setRange(0, 1);
    tx->setTickLabels(false);
    auto* answered = new QCPGraph(tx, ty);
    auto* unanswered = new QCPGraph(tx, ty);
    for (QCPGraph* g : {answered, unanswered}) {
        g->setLineStyle(QCPGraph::lsImpulse);
        g->setAdaptiveSampling(false);
    }
    answered->setPen(QPen(QColor(0x2a, 0x3a, 0x5a), 1.2));
    unanswered->setPen(QPen(PlotStyle::silentColor(), 1.2));
    // --- bytes of each beat ---
    QCPAxis* bx = m_bytesRect->axis(QCPAxis::atBottom);
    QCPAxis* by = m_bytesRect->axis(QCPAxis::atLeft);
    by->setLabel(tr("bytes per beat"));
    by->setTicker(QSharedPointer<BytesTicker>::create());
    by->ticker()->setTickCount(3);
    bx->setLabel(tr("time (%1)").arg(DisplayFormat::timeZoneName()));
    auto* out = new QCPGraph(bx, by);
    auto* in = new QCPGraph(bx, by);
    out->setName(tr("sent by the client"));
    in->setName(tr("received from the server"));
    out->setLineStyle(QCPGraph::lsNone);
    in->setLineStyle(QCPGraph::lsNone);
    out->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(0xd6, 0x4b, 0x2f), 4));
    in->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(0x3a, 0x78, 0xc2), 4));
    double maxBytes = 1;
    for (const BeaconIntervals::Beat& b : d.beats) {
        const double t = double(b.startMs) / 1000;
        (b.answered ? answered : unanswered)->addData(t, 1);
        out->addData(t, double(b.bytesOut));
        in->addData(t, double(b.bytesIn));
        maxBytes = std::max({maxBytes, double(b.bytesOut), double(b.bytesIn)});
    }
    by->setRange(0, maxBytes * 1.15);
    double t0 = 0, t1 = 1;
    if (!d.beats.empty()) {
        t0 = double(d.beats.front().startMs) / 1000;
        t1 = double(d.beats.back().startMs) / 1000;
        const double pad = std::max(1.0, (t1 - t0) * 0.02);
        t0 -= pad;
        t1 += pad;
    }
    PlotStyle::setTimeAxis(tx, t1 - t0);
    PlotStyle::setTimeAxis(bx, t1 - t0);
    tx->setRange(t0, t1);
    bx->setRange(t0, t1);
    connect(tx, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), bx, [bx, tx](const QCPRange& r) {
        if (bx->range() != r)
            bx->setRange(r);
        PlotStyle::setTimeAxis(tx, r.size());
        PlotStyle::setTimeAxis(bx, r.size());
    });
    connect(bx, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), tx, [tx](const QCPRange& r) {
        if (tx->range() != r)
            tx->setRange(r);
    });
    // The histogram's own axis zooms too, but never below zero.
    connect(hx, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), hx, [hx](const QCPRange& r) {
        if (r.lower < 0)
            hx->setRange(0, r.size());
    });

    auto* legend = new QCPLegend;
    m_bytesRect->insetLayout()->addElement(legend, Qt::AlignTop | Qt::AlignRight);
    legend->setLayer(QStringLiteral("legend"));
    legend->setFont(PlotStyle::font(10));
    legend->setBorderPen(QPen(QColor(0xc8, 0xc8, 0xc8)));
    legend->setBrush(QColor(255, 255, 255, 220));
    legend->setRowSpacing(0);
    legend->addItem(new QCPPlottableLegendItem(legend, out));
    legend->addItem(new QCPPlottableLegendItem(legend, in));
    if (unanswered->dataCount() > 0) {
        unanswered->setName(tr("unanswered beat"));
        auto* beatLegend = new QCPLegend;
        m_beatRect->insetLayout()->addElement(beatLegend, Qt::AlignTop | Qt::AlignRight);
        beatLegend->setFont(PlotStyle::font(10));
        beatLegend->setBrush(QColor(255, 255, 255, 220));
        beatLegend->addItem(new QCPPlottableLegendItem(beatLegend, unanswered));
    }
    if (d.empty()) {
        auto* note = new QCPItemText(p);
        note->position->setType(QCPItemPosition::ptAxisRectRatio);
        note->position->setAxisRect(m_histRect);
        note->position->setCoords(0.5, 0.5);
        note->setFont(PlotStyle::font(12));
        note->setText(tr("Fewer than two beats of this pair in the case."));
    }
    p->replot(QCustomPlot::rpQueuedReplot);
}

void BeaconHistogramPlot::showTip(QMouseEvent* event)
{
    if (!m_histRect || m_data.empty() || !m_histRect->rect().contains(event->pos())) {
        QToolTip::hideText();
        return;
    }
    const PlotStyle::IntervalUnit unit = PlotStyle::intervalUnit(m_data.periodS);
    const double x = m_histRect->axis(QCPAxis::atBottom)->pixelToCoord(event->pos().x()) * unit.seconds;
    const int b = m_data.binOf(x);
    if (b < 0) {
        QToolTip::hideText();
        return;
    }
    const double lo = m_data.firstBinStartS + b * m_data.binWidthS;
    QToolTip::showText(event->globalPosition().toPoint(),
                       tr("%1–%2 %3: %n interval(s)", nullptr, m_data.bins[size_t(b)])
                           .arg(number(std::max(0.0, lo) / unit.seconds), number((lo + m_data.binWidthS) / unit.seconds),
                                unit.name),
                       m_plot);
}

void BeaconHistogramPlot::render(QPainter* painter, const QRectF& target, const BeaconIntervals& intervals)
{
    BeaconHistogramPlot chart;
    chart.setIntervals(intervals);
    PlotStyle::render(chart.plot(), painter, target);
}
