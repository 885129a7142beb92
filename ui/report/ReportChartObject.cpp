#include "report/ReportChartObject.h"

#include <QTextDocument>

ReportChartObject::ReportChartObject(const std::vector<Finding>& findings,
                                     const std::vector<ReportChart::Series>& series, QObject* parent)
    : QObject(parent)
    , m_findings(findings)
    , m_series(series)
{
}

QSizeF ReportChartObject::intrinsicSize(QTextDocument* doc, int, const QTextFormat&)
{
    // The text column's width (document units: the PDF's device pixels), a wide aspect.
    const double width = doc->pageSize().width() - 2 * doc->documentMargin() - 4;
    return {width, width * 0.34};
}

void ReportChartObject::drawObject(QPainter* painter, const QRectF& rect, QTextDocument*, int,
                                   const QTextFormat& format)
{
    const int i = format.intProperty(kIndexProperty);
    if (i < 0 || size_t(i) >= m_findings.size() || size_t(i) >= m_series.size())
        return;
    ReportChart::render(*painter, rect, m_findings[size_t(i)], m_series[size_t(i)]);
}
