#pragma once

#include <QObject>
#include <QSizeF>
#include <QTextObjectInterface>

#include "report/PdfReport.h"

// Draws a finding's chart where the report's text document holds a chart
// object: the painter is the PDF's, so the chart stays vector graphics with
// selectable text, and it flows with the text like an image would. The chart
// that fits the finding (FindingChartView::renderFindingChart: beacon
// histogram, fan-out, traffic) is drawn directly on the GUI thread, replayed
// from the picture PdfReport::renderCharts recorded on any other, and the
// report's own traffic chart (ReportChart) stands in where neither exists.
class ReportChartObject final : public QObject, public QTextObjectInterface {
    Q_OBJECT
    Q_INTERFACES(QTextObjectInterface)
    Q_DISABLE_COPY_MOVE(ReportChartObject)
public:
    static constexpr int kFormatType = QTextFormat::UserObject + 61;
    static constexpr int kIndexProperty = QTextFormat::UserProperty + 61;

    explicit ReportChartObject(const PdfReport::Content& content, QObject* parent = nullptr);

    // The size renderCharts records a finding's chart at (screen-like units, scaled when drawn).
    static QSizeF pictureSize(const Finding& finding);

    QSizeF intrinsicSize(QTextDocument* doc, int posInDocument, const QTextFormat& format) override;
    void drawObject(QPainter* painter, const QRectF& rect, QTextDocument* doc, int posInDocument,
                    const QTextFormat& format) override;

private:
    const PdfReport::Content& m_content;
};
