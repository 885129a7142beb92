#pragma once

#include <QWidget>

class QTextBrowser;
class TimelinePlot;

// What the case holds at a glance: capture summary, the traffic timeline with
// the findings marked on it, top talkers and top ports.
class OverviewPage final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OverviewPage)
public:
    explicit OverviewPage(QWidget* parent = nullptr);

    TimelinePlot* timelinePlot() const { return m_plot; }
    // The capture summary (files, flows, bytes, time range, exporters) as rich text.
    void setSummaryHtml(const QString& html);

private:
    TimelinePlot* m_plot = nullptr;
    QTextBrowser* m_summary = nullptr;
};
