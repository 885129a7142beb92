#pragma once

#include "analysis/TrafficTimeline.h"
#include "model/Finding.h"

#include <QWidget>

#include <vector>

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QCPItemRect;
class QCPItemText;
class QLabel;
class QMouseEvent;
class QToolButton;

// Traffic over time with findings drawn as translucent spans. Zoom and drag
// act on the time axis only; the value axis follows the visible data.
class TimelinePlot final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TimelinePlot)
public:
    enum class Metric { Bytes, Packets, Flows };

    explicit TimelinePlot(QWidget* parent = nullptr);
    ~TimelinePlot() override;

    void setTimeline(const TrafficTimeline& timeline);
    void setFindings(const std::vector<Finding>& findings);
    // Emphasises one finding (index into the vector given to setFindings) and
    // scrolls it into view; -1 clears.
    void highlightFinding(int index);
    void clear();

    // Time-range selection: Shift+drag on the plot (or drag in selection mode)
    // selects [startMs, endMs), drawn as a band; Escape or the clear button
    // clears it. Plain drag still pans, the wheel zooms.
    void setSelection(int64_t startMs, int64_t endMs); // 0, 0 clears
    void clearSelection();
    bool hasSelection() const { return m_selStartMs != 0 || m_selEndMs != 0; }
    int64_t selectionStartMs() const { return m_selStartMs; }
    int64_t selectionEndMs() const { return m_selEndMs; }
    void setSelectionMode(bool on); // plain drag selects instead of panning
    bool selectionMode() const;

    // Info findings (benign periodic traffic, allowlisted) are many: hidden
    // unless asked for. Low and above are always drawn.
    void setShowAllSeverities(bool all);
    bool showsAllSeverities() const { return m_showAll; }
    // Axis and labels in the zone DisplayFormat shows (UTC or local).
    void updateTimeZone();

    void setMetric(Metric metric);
    Metric metric() const { return m_metric; }
    void resetZoom();

    QCustomPlot* plot() const { return m_plot; }
    // Human units, decimal (1 KB = 1000 B) so they match the axis tick steps.
    static QString formatBytes(double bytes);
    static QString formatCount(double count);
    bool hasData() const { return !m_buckets.empty(); }
    int highlightedFinding() const { return m_highlight; }

signals:
    // A finding's label was clicked.
    void findingClicked(int index);
    // The user selected (or cleared: 0, 0) a time range.
    void selectionChanged(qint64 startMs, qint64 endMs);

protected:
    void changeEvent(QEvent* event) override;
    // QPaintDevice::metric(PaintDeviceMetric) stays reachable beside metric() (clang's -Woverloaded-virtual).
    using QWidget::metric;

private:
    struct Span {
        double startSec = 0;
        double endSec = 0;
        Severity severity = Severity::Info;
        QCPItemRect* rect = nullptr;
        QCPItemText* label = nullptr;
    };

    void rebuildGraph();
    void rebuildSpans();
    bool spanShown(int index) const;
    void styleSpan(int index);
    void layoutSpans(); // pixel-dependent geometry, run after every layout
    void rescaleValueAxis();
    void clampTimeRange();
    void updateTimeFormat();
    void showValueTip(QMouseEvent* event);
    void applyPalette(); // plot colours from the widget palette (light or dark)
    void updateBand();
    void updateInfoText();
    bool startSelecting(QMouseEvent* event);
    double fullStartSec() const;
    double fullEndSec() const;

    QCustomPlot* m_plot = nullptr;
    QComboBox* m_metricCombo = nullptr;
    QToolButton* m_resetButton = nullptr;
    QLabel* m_infoLabel = nullptr;
    QToolButton* m_selectButton = nullptr;
    QToolButton* m_clearSelectionButton = nullptr;
    QCheckBox* m_showInfoCheck = nullptr;
    QCPItemRect* m_band = nullptr;
    int64_t m_selStartMs = 0;
    int64_t m_selEndMs = 0;
    bool m_selecting = false;   // a selection drag is under way
    double m_anchorSec = 0;     // where it started
    double m_dragSec = 0;       // where the mouse is
    bool m_showAll = false;
    QCPItemText* m_emptyText = nullptr;
    Metric m_metric = Metric::Bytes;
    std::vector<TrafficTimeline::Bucket> m_buckets;
    int64_t m_bucketMs = 0;
    std::vector<Finding> m_findings;
    std::vector<Span> m_spans;
    int m_highlight = -1;
    bool m_adjustingRange = false;
};
