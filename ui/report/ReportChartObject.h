#pragma once

#include "report/ReportChart.h"

#include <QObject>
#include <QTextObjectInterface>

#include <vector>

// Draws a finding's chart where the report's text document holds a chart
// object: the painter is the PDF's, so the chart stays vector graphics with
// selectable text, and it flows with the text like an image would.
class ReportChartObject final : public QObject, public QTextObjectInterface {
    Q_OBJECT
    Q_INTERFACES(QTextObjectInterface)
    Q_DISABLE_COPY_MOVE(ReportChartObject)
public:
    static constexpr int kFormatType = QTextFormat::UserObject + 61;
    static constexpr int kIndexProperty = QTextFormat::UserProperty + 61;

    ReportChartObject(const std::vector<Finding>& findings, const std::vector<ReportChart::Series>& series,
                      QObject* parent = nullptr);

    QSizeF intrinsicSize(QTextDocument* doc, int posInDocument, const QTextFormat& format) override;
    void drawObject(QPainter* painter, const QRectF& rect, QTextDocument* doc, int posInDocument,
                    const QTextFormat& format) override;

private:
    const std::vector<Finding>& m_findings;
    const std::vector<ReportChart::Series>& m_series;
};
