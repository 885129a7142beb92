#include "plots/TrafficChartPlot.h"

#include "plots/PlotStyle.h"
#include "util/DisplayFormat.h"

#include <QToolTip>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include <algorithm>

namespace {

class ValueTicker final : public QCPAxisTicker {
public:
    bool bytes = true;

protected:
    QString getTickLabel(double tick, const QLocale&, QChar, int) override
    {
        return bytes ? DisplayFormat::bytes(tick) : DisplayFormat::shortCount(tick);
    }
};

} // namespace

TrafficChartPlot::TrafficChartPlot(QWidget* parent)
    : QWidget(parent)
    , m_plot(new QCustomPlot(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    setMinimumHeight(220);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->axisRect()->setRangeDrag(Qt::Horizontal);
    m_plot->axisRect()->setRangeZoom(Qt::Horizontal);
    m_plot->setMouseTracking(true);
    connect(m_plot, &QCustomPlot::mouseMove, this, &TrafficChartPlot::showTip);
    // Title above, legend in a row of its own below the axes: never over the bars.
    m_plot->plotLayout()->insertRow(0);
    m_plot->plotLayout()->addElement(0, 0, new QCPTextElement(m_plot, QString(), PlotStyle::font(12, true)));
    m_plot->axisRect()->insetLayout()->take(m_plot->legend);
    m_plot->plotLayout()->addElement(2, 0, m_plot->legend);
    m_plot->legend->setFillOrder(QCPLegend::foColumnsFirst);
    m_plot->legend->setBorderPen(Qt::NoPen);
    m_plot->plotLayout()->setRowStretchFactor(2, 0.001);
    m_plot->plotLayout()->setRowStretchFactor(0, 0.001);
    rebuild();
}

void TrafficChartPlot::setTraffic(const FindingTraffic& traffic)
{
    m_data = traffic;
    rebuild();
}

void TrafficChartPlot::rebuild()
{
    QCustomPlot* p = m_plot;
    p->clearItems();
    p->clearPlottables();
    if (auto* title = qobject_cast<QCPTextElement*>(p->plotLayout()->element(0, 0)))
        title->setText(m_data.title);
    PlotStyle::style(p);
    const FindingTraffic& d = m_data;
    QCPAxis* x = p->xAxis;
    QCPAxis* y = p->yAxis;
    auto ticker = QSharedPointer<ValueTicker>::create();
    ticker->bytes = !d.packets;
    ticker->setTickCount(4);
    y->setTicker(ticker);
    y->setLabel(d.valueLabel);
    x->setLabel(QObject::tr("time (%1)").arg(DisplayFormat::timeZoneName()));

    const double bucketS = double(d.bucketMs) / 1000;
    const double t0 = double(d.startMs) / 1000;
    const double t1 = t0 + double(d.buckets) * bucketS;
    PlotStyle::setTimeAxis(x, t1 - t0);

    // The finding's window.
    auto* window = new QCPItemRect(p);
    window->topLeft->setTypeY(QCPItemPosition::ptAxisRectRatio);
    window->bottomRight->setTypeY(QCPItemPosition::ptAxisRectRatio);
    window->topLeft->setCoords(double(d.windowStartMs) / 1000, 0);
    window->bottomRight->setCoords(std::max(double(d.windowEndMs) / 1000, double(d.windowStartMs) / 1000 + bucketS), 1);
    QColor shade = PlotStyle::accentColor();
    shade.setAlpha(28);
    window->setBrush(shade);
    window->setPen(Qt::NoPen);
    window->setLayer(QStringLiteral("background"));

    double peak = 0;
    // Stacked bars, most prominent series at the bottom.
    QCPBars* below = nullptr;
    for (const FindingTraffic::Series& s : d.series) {
        auto* bars = new QCPBars(x, y);
        bars->setName(s.name + QStringLiteral(": ") + (d.packets ? DisplayFormat::shortCount(s.total()) + tr(" packets")
                                                                 : DisplayFormat::bytes(s.total())));
        bars->setWidth(bucketS);
        bars->setWidthType(QCPBars::wtPlotCoords);
        QColor fill = s.color;
        fill.setAlpha(200);
        bars->setBrush(fill);
        bars->setPen(QPen(s.color.darker(120), 0.5));
        QVector<double> keys, values;
        for (size_t i = 0; i < s.values.size(); ++i) {
            keys << t0 + (double(i) + 0.5) * bucketS;
            values << s.values[i];
        }
        bars->setData(keys, values, true);
        if (below)
            bars->moveAbove(below);
        below = bars;
    }
    for (size_t i = 0; i < d.buckets; ++i) {
        double sum = 0;
        for (const FindingTraffic::Series& s : d.series)
            sum += i < s.values.size() ? s.values[i] : 0;
        peak = std::max(peak, sum);
    }
    if (d.baseline) {
        auto* base = new QCPItemStraightLine(p);
        base->point1->setCoords(t0, *d.baseline);
        base->point2->setCoords(t1, *d.baseline);
        base->setPen(QPen(QColor(0x20, 0x20, 0x20), 1.2, Qt::DashLine));
        auto* label = new QCPItemText(p);
        label->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
        label->position->setCoords(0.01, *d.baseline);
        label->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
        label->setFont(PlotStyle::font(10));
        label->setText(d.baselineLabel + QStringLiteral(": ") + DisplayFormat::shortCount(*d.baseline));
        peak = std::max(peak, *d.baseline);
    }
    // Long sessions: bars along the top.
    for (size_t i = 0; i < d.sessions.size() && i < 50; ++i) {
        auto* bar = new QCPItemRect(p);
        bar->topLeft->setTypeY(QCPItemPosition::ptAxisRectRatio);
        bar->bottomRight->setTypeY(QCPItemPosition::ptAxisRectRatio);
        const double lane = 0.02 + 0.035 * double(i % 4);
        bar->topLeft->setCoords(double(d.sessions[i].first) / 1000, lane);
        bar->bottomRight->setCoords(double(d.sessions[i].second) / 1000, lane + 0.025);
        bar->setBrush(PlotStyle::accentColor());
        bar->setPen(Qt::NoPen);
    }
    if (!d.sessions.empty()) {
        auto* label = new QCPItemText(p);
        label->position->setType(QCPItemPosition::ptAxisRectRatio);
        label->position->setCoords(0.99, 0.02);
        label->setPositionAlignment(Qt::AlignRight | Qt::AlignTop);
        label->setFont(PlotStyle::font(10));
        label->setColor(PlotStyle::accentColor());
        label->setText(tr("%n long session(s)", nullptr, int(d.sessions.size())));
    }
    if (d.empty()) {
        auto* note = new QCPItemText(p);
        note->position->setType(QCPItemPosition::ptAxisRectRatio);
        note->position->setCoords(0.5, 0.5);
        note->setFont(PlotStyle::font(12));
        note->setText(tr("No traffic of this finding in the case."));
    }
    x->setRange(t0, t1);
    y->setRange(0, std::max(1.0, peak * 1.25));
    p->legend->setVisible(!d.series.empty());
    p->legend->setBorderPen(Qt::NoPen);
    connect(x, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), x, [x](const QCPRange& r) {
        PlotStyle::setTimeAxis(x, r.size());
    });
    p->replot(QCustomPlot::rpQueuedReplot);
}

void TrafficChartPlot::showTip(QMouseEvent* event)
{
    if (m_data.buckets == 0 || !m_plot->axisRect()->rect().contains(event->pos())) {
        QToolTip::hideText();
        return;
    }
    const double t = m_plot->xAxis->pixelToCoord(event->pos().x()) * 1000;
    const int64_t b = int64_t((t - double(m_data.startMs)) / double(m_data.bucketMs));
    if (b < 0 || size_t(b) >= m_data.buckets) {
        QToolTip::hideText();
        return;
    }
    const int64_t from = m_data.startMs + b * m_data.bucketMs;
    QString text = QStringLiteral("<b>") + DisplayFormat::utcRange(from, from + m_data.bucketMs).toHtmlEscaped()
        + QStringLiteral("</b>");
    for (const FindingTraffic::Series& s : m_data.series)
        text += QStringLiteral("<br>") + s.name.toHtmlEscaped() + QStringLiteral(": ")
            + (m_data.packets ? DisplayFormat::shortCount(s.values[size_t(b)]) : DisplayFormat::bytes(s.values[size_t(b)]));
    QToolTip::showText(event->globalPosition().toPoint(), text, m_plot);
}

void TrafficChartPlot::render(QPainter* painter, const QRectF& target, const FindingTraffic& traffic)
{
    TrafficChartPlot chart;
    chart.setTraffic(traffic);
    PlotStyle::render(chart.plot(), painter, target);
}
