#include "plots/FanOutGraph.h"

#include "plots/PlotStyle.h"
#include "util/DisplayFormat.h"

#include <QGraphicsEllipseItem>
#include <QGraphicsLineItem>
#include <QGraphicsRectItem>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace {


QString targetName(const ScanTargets& s, const ScanTargets::Target& t)
{
    return s.vertical ? QStringLiteral("%1:%2").arg(QString::fromStdString(t.host.toString())).arg(t.port)
                      : QString::fromStdString(t.host.toString());
}

QString shortName(const ScanTargets& s, const ScanTargets::Target& t)
{
    if (s.vertical)
        return QString::number(t.port);
    if (t.host.isV4())
        return QStringLiteral(".%1").arg(t.host.v4() & 0xff);
    return QString::fromStdString(t.host.toString());
}

QGraphicsSimpleTextItem* addText(QGraphicsScene* scene, const QString& text, int px, bool bold, QColor colour = Qt::black)
{
    auto* item = scene->addSimpleText(text, PlotStyle::font(px, bold));
    item->setBrush(colour);
    return item;
}

} // namespace

FanOutGraph::FanOutGraph(QWidget* parent)
    : QGraphicsView(parent)
    , m_scene(new QGraphicsScene(this))
{
    setScene(m_scene);
    setRenderHint(QPainter::Antialiasing);
    setDragMode(QGraphicsView::ScrollHandDrag);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setBackgroundBrush(Qt::white);
    setMinimumHeight(260);
    setFocusPolicy(Qt::StrongFocus);
    setToolTip(QString());
}

void FanOutGraph::setTargets(const ScanTargets& targets)
{
    m_targets = targets;
    m_nodes = buildScene(m_scene, m_targets);
    resetZoom();
}

void FanOutGraph::resetZoom()
{
    m_zoomed = false;
    if (!m_scene->items().isEmpty())
        fitInView(m_scene->sceneRect(), Qt::KeepAspectRatio);
}

size_t FanOutGraph::buildScene(QGraphicsScene* scene, const ScanTargets& s)
{
    scene->clear();
    const QLocale locale = DisplayFormat::numberLocale();
    if (s.targets.empty()) {
        addText(scene, tr("No attempts of this scan in the case."), 13, false, QColor(0x70, 0x70, 0x70));
        scene->setSceneRect(scene->itemsBoundingRect().adjusted(-20, -20, 20, 20));
        return 0;
    }

    // Which targets get a node: per group a share of kMaxNodes (by size), answered first.
    std::vector<std::vector<const ScanTargets::Target*>> byGroup(s.groups.size());
    for (const ScanTargets::Target& t : s.targets)
        byGroup[size_t(t.group)].push_back(&t);
    std::vector<size_t> allot(s.groups.size());
    const size_t total = s.targets.size();
    for (size_t g = 0; g < byGroup.size(); ++g) {
        const size_t n = byGroup[g].size();
        allot[g] = total <= kMaxNodes ? n : std::max<size_t>(1, n * kMaxNodes / total);
        if (allot[g] < n) {
            std::stable_sort(byGroup[g].begin(), byGroup[g].end(), [](auto* a, auto* b) {
                return int(a->outcome) > int(b->outcome); // open, refused, then silent
            });
            allot[g] = std::max<size_t>(allot[g] - 1, 1); // room for the "+N more" node
        }
    }

    struct Place {
        const ScanTargets::Target* target = nullptr; // nullptr: the group's "+N more"
        size_t group = 0;
        size_t more = 0;
    };
    std::vector<Place> places;
    std::vector<std::pair<size_t, size_t>> groupSlots; // first, count
    for (size_t g = 0; g < byGroup.size(); ++g) {
        const size_t first = places.size();
        const size_t shown = std::min(allot[g], byGroup[g].size());
        std::vector<const ScanTargets::Target*> drawn(byGroup[g].begin(), byGroup[g].begin() + std::ptrdiff_t(shown));
        // Around the circle in address (port) order within the group.
        std::sort(drawn.begin(), drawn.end(), [](auto* a, auto* b) {
            return std::tie(a->host, a->port) < std::tie(b->host, b->port);
        });
        for (auto* t : drawn)
            places.push_back({t, g, 0});
        if (shown < byGroup[g].size())
            places.push_back({nullptr, g, byGroup[g].size() - shown});
        groupSlots.emplace_back(first, places.size() - first);
    }
    const size_t gaps = s.groups.size() > 1 ? s.groups.size() * 2 : 0;
    const double positions = double(places.size() + gaps);
    const size_t rings = std::max<size_t>(1, (places.size() + 79) / 80);
    const double r0 = std::max(150.0, std::min(320.0, double(places.size()) * 2.2));
    const double ringStep = 26;
    const double node = places.size() > 120 ? 9 : 12;
    // Text grows with the graph, so that it stays readable when the graph is fitted to a view or a page.
    const double fs = std::max(1.0, r0 / 190);
    auto px = [fs](int base) { return int(std::lround(base * fs)); };
    const size_t answered = s.answeredTargets();
    const QPen edgeOpen(PlotStyle::openColor(), 1.2);

    double position = 0;
    size_t drawnNodes = 0;
    std::vector<double> groupAngles(s.groups.size());
    std::vector<double> outer(s.groups.size(), r0);
    for (size_t g = 0; g < groupSlots.size(); ++g) {
        if (gaps)
            position += 1; // a gap before each group
        const double firstPos = position;
        for (size_t k = 0; k < groupSlots[g].second; ++k) {
            const Place& place = places[groupSlots[g].first + k];
            const double angle = 2 * std::numbers::pi * position / positions - std::numbers::pi / 2;
            const double radius = r0 + ringStep * double(k % rings);
            const QPointF at(radius * std::cos(angle), radius * std::sin(angle));
            outer[g] = std::max(outer[g], radius);
            position += 1;
            if (!place.target) {
                const double d = node * 2.2;
                auto* more = scene->addEllipse(at.x() - d / 2, at.y() - d / 2, d, d, QPen(QColor(0x90, 0x90, 0x90), 1),
                                               QColor(0xdd, 0xdd, 0xdd));
                more->setZValue(2);
                more->setData(KindKey, MoreNode);
                more->setToolTip(tr("%n more target(s) of %1 not drawn", nullptr, int(place.more))
                                     .arg(s.groups[place.group].label));
                auto* label = addText(scene, tr("+%1").arg(locale.toString(qulonglong(place.more))), px(10), true);
                label->setPos(at + QPointF(std::cos(angle) * (d / 2 + 3), std::sin(angle) * (d / 2 + 3))
                              - QPointF(std::cos(angle) < 0 ? label->boundingRect().width() : 0,
                                        label->boundingRect().height() / 2));
                label->setZValue(3);
                auto* edge = scene->addLine(QLineF(QPointF(0, 0), at), QPen(QColor(0xb0, 0xb0, 0xb0), 1, Qt::DotLine));
                edge->setZValue(0);
                continue;
            }
            const ScanTargets::Target& t = *place.target;
            const QColor c = ScanTargets::outcomeColour(t.outcome);
            QColor edgeColour = c;
            edgeColour.setAlpha(t.outcome == ScanTargets::Outcome::Silent ? 60 : 170);
            auto* edge = scene->addLine(QLineF(QPointF(0, 0), at), QPen(edgeColour, t.outcome == ScanTargets::Outcome::Open ? 1.6 : 0.8));
            edge->setZValue(0);
            auto* dot = scene->addEllipse(at.x() - node / 2, at.y() - node / 2, node, node, QPen(c.darker(140), 0.8), c);
            dot->setZValue(2);
            dot->setData(AddressKey, QString::fromStdString(t.host.toString()));
            dot->setData(PortKey, int(t.port));
            dot->setData(KindKey, TargetNode);
            dot->setCursor(Qt::PointingHandCursor);
            dot->setToolTip(tr("<b>%1</b><br>%2<br>attempts: %3, answered: %4, failed: %5<br>first probe: %6 UTC")
                                .arg(targetName(s, t).toHtmlEscaped(), ScanTargets::outcomeText(t.outcome),
                                     locale.toString(qulonglong(t.attempts)), locale.toString(qulonglong(t.answered)),
                                     locale.toString(qulonglong(t.failed)), DisplayFormat::utcTime(t.firstMs)));
            ++drawnNodes;
            const bool label = places.size() <= 48 || t.outcome == ScanTargets::Outcome::Open
                || (answered <= 40 && t.answered > 0);
            if (label) {
                auto* text = addText(scene, shortName(s, t), px(10), t.outcome == ScanTargets::Outcome::Open,
                                     t.outcome == ScanTargets::Outcome::Open ? PlotStyle::openColor().darker(150)
                                                                             : QColor(0x40, 0x40, 0x40));
                const QRectF br = text->boundingRect();
                const double off = node / 2 + 3 + (rings > 1 ? ringStep * double(rings - 1 - k % rings) : 0);
                QPointF p = at + QPointF(std::cos(angle) * off, std::sin(angle) * off);
                p -= QPointF(std::cos(angle) < -0.2 ? br.width() : std::cos(angle) > 0.2 ? 0 : br.width() / 2,
                             std::sin(angle) < -0.2 ? br.height() : std::sin(angle) > 0.2 ? 0 : br.height() / 2);
                text->setPos(p);
                text->setZValue(3);
            }
        }
        groupAngles[g] = 2 * std::numbers::pi * ((firstPos + position - 1) / 2) / positions - std::numbers::pi / 2;
    }

    // Group labels outside the outer ring.
    for (size_t g = 0; g < s.groups.size(); ++g) {
        const ScanTargets::Group& grp = s.groups[g];
        const double a = groupAngles[g];
        const double r = outer[g] + 34 + (rings > 1 ? 0 : 10);
        const QString text = s.vertical
            ? tr("%1\n%2 probed, %3 answered").arg(grp.label, locale.toString(qulonglong(grp.targets)), locale.toString(qulonglong(grp.answered)))
            : tr("%1\n%2 hosts, %3 answered").arg(grp.label, locale.toString(qulonglong(grp.targets)), locale.toString(qulonglong(grp.answered)));
        if (s.groups.size() > 12 && s.vertical) {
            // Many bands: one line each keeps them apart.
            auto* item = addText(scene, tr("%1 (%2)").arg(grp.label, locale.toString(qulonglong(grp.answered))), px(10), false,
                                 QColor(0x30, 0x30, 0x30));
            const QRectF br = item->boundingRect();
            item->setPos(r * std::cos(a) - (std::cos(a) < -0.2 ? br.width() : std::cos(a) > 0.2 ? 0 : br.width() / 2),
                         r * std::sin(a) - br.height() / 2);
            continue;
        }
        auto* item = addText(scene, text, px(11), false, QColor(0x30, 0x30, 0x30));
        const QRectF br = item->boundingRect();
        item->setPos(r * std::cos(a) - (std::cos(a) < -0.2 ? br.width() : std::cos(a) > 0.2 ? 0 : br.width() / 2),
                     r * std::sin(a) - (std::sin(a) < -0.2 ? br.height() : std::sin(a) > 0.2 ? 0 : br.height() / 2));
    }

    // The scanner.
    auto* centre = addText(scene, s.sourceLabel, px(12), true, Qt::white);
    const QRectF cb = centre->boundingRect().adjusted(-8, -5, 8, 5);
    auto* box = scene->addRect(QRectF(-cb.width() / 2, -cb.height() / 2, cb.width(), cb.height()), QPen(Qt::NoPen),
                               QColor(0x30, 0x3a, 0x4a));
    box->setZValue(4);
    box->setData(KindKey, SourceNode);
    box->setData(AddressKey, s.sourceLabel);
    box->setToolTip(tr("<b>%1</b><br>%2 attempts on %3 targets").arg(s.sourceLabel.toHtmlEscaped(),
                                                                     locale.toString(qulonglong(s.attempts)),
                                                                     locale.toString(qulonglong(s.targets.size()))));
    centre->setPos(-centre->boundingRect().width() / 2, -centre->boundingRect().height() / 2);
    centre->setZValue(5);

    // Legend and counts, top left.
    const QRectF graph = scene->itemsBoundingRect();
    double y = graph.top() - 8;
    const double x = graph.left();
    const std::pair<ScanTargets::Outcome, size_t> rows[] = {
        {ScanTargets::Outcome::Open, s.count(ScanTargets::Outcome::Open)},
        {ScanTargets::Outcome::Refused, s.count(ScanTargets::Outcome::Refused)},
        {ScanTargets::Outcome::Silent, s.count(ScanTargets::Outcome::Silent)}};
    const double row = px(11) * 1.6;
    double ly = y - row * 3 - px(12) * 1.8 - (drawnNodes < total ? row : 0);
    auto* heading = addText(scene,
                            s.vertical ? tr("%1 ports probed on %2").arg(locale.toString(qulonglong(total)),
                                                                        s.targets.empty() ? QString() : QString::fromStdString(s.targets.front().host.toString()))
                                       : tr("%1 hosts probed").arg(locale.toString(qulonglong(total))),
                            px(12), true);
    heading->setPos(x, ly - 4);
    ly += px(12) * 1.8;
    for (const auto& [o, n] : rows) {
        const QColor c = ScanTargets::outcomeColour(o);
        const double d = px(10);
        scene->addEllipse(x, ly + (row - d) / 2 - 1, d, d, QPen(c.darker(140), 0.8), c);
        auto* t = addText(scene, tr("%1: %2").arg(ScanTargets::outcomeText(o), locale.toString(qulonglong(n))), px(11), false);
        t->setPos(x + d + 6, ly);
        ly += row;
    }
    if (drawnNodes < total) {
        auto* t = addText(scene, tr("%1 of them drawn; the rest in the grey nodes").arg(locale.toString(qulonglong(drawnNodes))),
                          px(10), false, QColor(0x60, 0x60, 0x60));
        t->setPos(x, ly);
    }
    scene->setSceneRect(scene->itemsBoundingRect().adjusted(-16, -16, 16, 16));
    return drawnNodes;
}

void FanOutGraph::render(QPainter* painter, const QRectF& target, const ScanTargets& targets)
{
    QGraphicsScene scene;
    buildScene(&scene, targets);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->fillRect(target, Qt::white);
    // Centred in target (QGraphicsScene::render keeps the aspect ratio but aligns top left).
    const QRectF source = scene.sceneRect();
    const double k = std::min(target.width() / source.width(), target.height() / source.height());
    const QSizeF size(source.width() * k, source.height() * k);
    const QRectF centred(target.center() - QPointF(size.width() / 2, size.height() / 2), size);
    scene.render(painter, centred, source, Qt::IgnoreAspectRatio);
    painter->restore();
}

void FanOutGraph::wheelEvent(QWheelEvent* event)
{
    const double factor = std::pow(1.0015, event->angleDelta().y());
    const double current = transform().m11();
    // Between the whole graph at a quarter of the view and single nodes filling it.
    if ((factor < 1 && current < 0.05) || (factor > 1 && current > 20))
        return;
    scale(factor, factor);
    m_zoomed = true;
    event->accept();
}

void FanOutGraph::mouseDoubleClickEvent(QMouseEvent* event)
{
    for (QGraphicsItem* item : items(event->pos())) {
        const int kind = item->data(KindKey).toInt();
        if (kind == TargetNode || (kind == SourceNode && !item->data(AddressKey).toString().contains(QLatin1Char(' ')))) {
            emit hostActivated(item->data(AddressKey).toString());
            event->accept();
            return;
        }
    }
    QGraphicsView::mouseDoubleClickEvent(event);
}

void FanOutGraph::resizeEvent(QResizeEvent* event)
{
    QGraphicsView::resizeEvent(event);
    if (!m_zoomed)
        resetZoom();
}

void FanOutGraph::keyPressEvent(QKeyEvent* event)
{
    // Keyboard zoom as in image viewers: +, -, 0 (fit).
    if (event->key() == Qt::Key_Plus || event->key() == Qt::Key_Equal) {
        scale(1.25, 1.25);
        m_zoomed = true;
    } else if (event->key() == Qt::Key_Minus) {
        scale(0.8, 0.8);
        m_zoomed = true;
    } else if (event->key() == Qt::Key_0) {
        resetZoom();
    } else {
        QGraphicsView::keyPressEvent(event);
    }
}
