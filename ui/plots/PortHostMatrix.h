#pragma once

#include "plots/ScanTargets.h"

#include <QWidget>

class QPainter;

// The ports × hosts matrix of a scan: one row per target host, one column per
// probed port, each cell coloured answered-open / refused / unanswered / not
// probed. A single host's ports (a vertical scan) wrap into rows of 64
// consecutive ports, so a 1–1024 sweep reads as a 16 × 64 port map. Hovering
// a cell names its host, port and outcome.
class PortHostMatrix final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PortHostMatrix)
public:
    static constexpr int kMaxRows = 64;
    static constexpr int kWrapColumns = 64;

    explicit PortHostMatrix(QWidget* parent = nullptr);

    void setTargets(const ScanTargets& targets);
    const ScanTargets& targets() const { return m_targets; }

    // What is drawn in the cell under a point of rect (for tooltips and tests).
    struct Cell {
        bool valid = false;
        QString host;
        int port = -1;
        ScanTargets::Outcome outcome = ScanTargets::Outcome::None;
    };
    static Cell cellAt(const ScanTargets& targets, const QRectF& rect, const QPointF& point);
    static void paint(QPainter* painter, const QRectF& rect, const ScanTargets& targets);
    static void render(QPainter* painter, const QRectF& target, const ScanTargets& targets) { paint(painter, target, targets); }

    QSize sizeHint() const override { return {640, 360}; }

protected:
    void paintEvent(QPaintEvent* event) override;
    bool event(QEvent* event) override;

private:
    ScanTargets m_targets;
};
