#pragma once

#include "plots/ScanTargets.h"

#include <QGraphicsView>

class QGraphicsScene;
class QPainter;

// A scan's fan-out: the scanner in the middle, its targets around it grouped
// by subnet (horizontal scans) or by port band (vertical), each node and its
// edge coloured by what the attempts got back. Wheel zooms, drag pans,
// hovering a node shows its address, ports, attempts and replies, and
// double-clicking a host emits hostActivated. Huge scans draw at most
// kMaxNodes targets (the answered ones first); each group's rest becomes one
// "+N more" node.
class FanOutGraph final : public QGraphicsView {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FanOutGraph)
public:
    static constexpr size_t kMaxNodes = 300; // a whole /24 sweep still draws one node per host
    // QGraphicsItem::data keys of a target node.
    enum ItemData { AddressKey = 0, PortKey = 1, KindKey = 2 };
    enum NodeKind { SourceNode = 1, TargetNode = 2, MoreNode = 3 };

    explicit FanOutGraph(QWidget* parent = nullptr);

    void setTargets(const ScanTargets& targets);
    const ScanTargets& targets() const { return m_targets; }
    // Target nodes drawn, and targets represented (drawn or in a "+N more" node).
    size_t nodeCount() const { return m_nodes; }
    size_t targetCount() const { return m_targets.targets.size(); }
    void resetZoom();

    // Lays the graph out into scene; returns the number of target nodes drawn.
    static size_t buildScene(QGraphicsScene* scene, const ScanTargets& targets);
    static void render(QPainter* painter, const QRectF& target, const ScanTargets& targets);

signals:
    void hostActivated(const QString& address);

protected:
    void wheelEvent(QWheelEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    QGraphicsScene* m_scene = nullptr;
    ScanTargets m_targets;
    size_t m_nodes = 0;
    bool m_zoomed = false; // the user zoomed: resizing keeps their view
};
