#include "report/ReportChartObject.h"

#include "plots/FindingChartView.h"

#include <QCoreApplication>
#include <QPainter>
#include <QPicture>
#include <QTextDocument>
#include <QThread>

ReportChartObject::ReportChartObject(const PdfReport::Content& content, QObject* parent)
    : QObject(parent)
    , m_content(content)
{
}

namespace {

// Fan-out graphs need room around the scanner; the other charts read best wide.
double aspectFor(const Finding& f)
{
    return FindingChartView::chartFor(f) == FindingChartView::Chart::FanOut ? 0.5 : 0.36;
}

} // namespace

QSizeF ReportChartObject::pictureSize(const Finding& f)
{
    return {900, 900 * aspectFor(f)};
}

QSizeF ReportChartObject::intrinsicSize(QTextDocument* doc, int, const QTextFormat& format)
{
    // The text column's width (document units: the PDF's device pixels).
    const int i = format.intProperty(kIndexProperty);
    const double width = doc->pageSize().width() - 2 * doc->documentMargin() - 4;
    const bool fits = i >= 0 && size_t(i) < m_content.findings.size();
    return {width, width * (fits ? aspectFor(m_content.findings[size_t(i)]) : 0.34)};
}

void ReportChartObject::drawObject(QPainter* painter, const QRectF& rect, QTextDocument*, int,
                                   const QTextFormat& format)
{
    const int i = format.intProperty(kIndexProperty);
    if (i < 0 || size_t(i) >= m_content.findings.size())
        return;
    const size_t n = size_t(i);
    const Finding& f = m_content.findings[n];
    const bool guiThread = QCoreApplication::instance() && QThread::currentThread() == QCoreApplication::instance()->thread();
    if (n < m_content.chartFlows.size() && m_content.chartFlows[n] && guiThread) {
        FindingChartView::renderFindingChart(painter, rect, f, *m_content.chartFlows[n]);
        return;
    }
    if (n < m_content.chartPictures.size() && m_content.chartPictures[n]) {
        QPicture picture = *m_content.chartPictures[n]; // shared data; play() is not const
        const QSizeF size = pictureSize(f);
        // QPicture replays at the device's resolution relative to its own: undo that, then fit the rect.
        const QPaintDevice* device = painter->device();
        const double rx = device && device->logicalDpiX() > 0 ? double(picture.logicalDpiX()) / device->logicalDpiX() : 1.0;
        const double ry = device && device->logicalDpiY() > 0 ? double(picture.logicalDpiY()) / device->logicalDpiY() : 1.0;
        painter->save();
        painter->translate(rect.topLeft());
        painter->scale(rect.width() / size.width() * rx, rect.height() / size.height() * ry);
        picture.play(painter);
        painter->restore();
        return;
    }
    if (n < m_content.series.size())
        ReportChart::render(*painter, rect, f, m_content.series[n]);
}
