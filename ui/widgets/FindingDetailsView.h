#pragma once

#include "model/Finding.h"

#include <QWidget>

class FindingChartView;
class QPalette;
class QTextBrowser;
class VerdictEditor;

// The selected finding in full: summary, score and its parts, entities, time
// window, evidence, the chart that fits it and the analyst's verdict. With no
// finding selected it shows whatever page the window gives it (welcome, case
// overview).
class FindingDetailsView final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FindingDetailsView)
public:
    explicit FindingDetailsView(QWidget* parent = nullptr);

    void setCasePath(const QString& casePath);
    // nullptr shows the page set by showPage.
    void setFinding(const Finding* finding);
    // Rich text shown while no finding is selected (styled like the details).
    void showPage(const QString& html);

    QTextBrowser* textView() const { return m_text; }
    FindingChartView* chartView() const { return m_chart; }
    VerdictEditor* verdictEditor() const { return m_verdict; }

    // The details of a finding as rich text (also used by reports).
    static QString findingHtml(const Finding& f);
    // The pane's CSS, in the colours of the application palette; reports on
    // paper pass a light palette to the second form.
    static const QString& styleSheet();
    static QString styleSheet(const QPalette& palette);

signals:
    void hostActivated(const QString& address);
    void verdictChanged(const QString& findingId);

private:
    QTextBrowser* m_text = nullptr;
    FindingChartView* m_chart = nullptr;
    VerdictEditor* m_verdict = nullptr;
};
