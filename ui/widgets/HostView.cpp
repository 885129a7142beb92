#include "widgets/HostView.h"

#include "models/CaseSettings.h"
#include "models/FindingsModel.h"
#include "model/TextFormat.h"
#include "plots/TimelinePlot.h"
#include "util/DisplayFormat.h"
#include "widgets/FlowsView.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QFutureWatcher>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent>

#include <algorithm>

namespace {

// Value-axis labels with units ("2 MB", not "2e+06").
class ByteTicker final : public QCPAxisTicker {
protected:
    QString getTickLabel(double tick, const QLocale&, QChar, int) override { return TimelinePlot::formatBytes(tick); }
};

QTableWidget* makeTable(const QStringList& headers, QWidget* parent)
{
    auto* t = new QTableWidget(0, int(headers.size()), parent);
    t->setHorizontalHeaderLabels(headers);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setSelectionMode(QAbstractItemView::SingleSelection);
    t->setAlternatingRowColors(true);
    t->setWordWrap(false);
    t->verticalHeader()->hide();
    t->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    t->verticalHeader()->setDefaultSectionSize(t->fontMetrics().height() + 6);
    t->horizontalHeader()->setHighlightSections(false);
    t->horizontalHeader()->setStretchLastSection(true);
    return t;
}

// After resizing to contents, the last column takes the rest of the width again.
void fillWidth(QTableWidget* t)
{
    t->horizontalHeader()->setStretchLastSection(false);
    t->horizontalHeader()->setStretchLastSection(true);
}

QTableWidgetItem* textItem(const QString& text, const QString& tip = {})
{
    auto* item = new QTableWidgetItem(text);
    if (!tip.isEmpty())
        item->setToolTip(tip);
    return item;
}

QTableWidgetItem* numberItem(const QString& text, const QString& tip = {})
{
    QTableWidgetItem* item = textItem(text, tip);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

QString portText(uint8_t protocol, uint16_t port)
{
    if (protocol == IpProtocol::Icmp || protocol == IpProtocol::Icmp6)
        return QStringLiteral("%1 type %2").arg(DisplayFormat::protocol(protocol)).arg(port >> 8);
    return QStringLiteral("%1/%2").arg(port).arg(QString::fromStdString(TextFormat::protocolName(protocol)));
}

QString bucketText(int64_t ms)
{
    if (ms % 3'600'000 == 0)
        return QObject::tr("%1 h").arg(ms / 3'600'000);
    if (ms % 60'000 == 0)
        return QObject::tr("%1 min").arg(ms / 60'000);
    return QObject::tr("%1 s").arg(double(ms) / 1000);
}

bool involves(const Finding& f, const IpAddress& host)
{
    return (f.src && *f.src == host) || std::find(f.dst.begin(), f.dst.end(), host) != f.dst.end();
}

} // namespace

HostView::HostView(const QString& casePath, const QString& address, QWidget* parent)
    : QWidget(parent)
    , m_casePath(casePath)
    , m_address(address)
{
    if (auto a = IpAddress::parse(address.toStdString()))
        m_host = *a;

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 0);
    layout->setSpacing(4);
    m_header = new QLabel(this);
    m_header->setObjectName(QStringLiteral("hostHeader"));
    m_header->setTextFormat(Qt::RichText);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_header->setWordWrap(true);
    layout->addWidget(m_header);

    auto* split = new QSplitter(Qt::Vertical, this);
    split->setObjectName(QStringLiteral("hostSplitter"));
    split->setChildrenCollapsible(false);
    layout->addWidget(split, 1);

    m_plot = new QCustomPlot(split);
    m_plot->setObjectName(QStringLiteral("hostTimeline"));
    m_plot->setMinimumHeight(140);
    auto timeTicker = QSharedPointer<QCPAxisTickerDateTime>::create();
    timeTicker->setDateTimeSpec(DisplayFormat::localTime() ? Qt::LocalTime : Qt::UTC);
    timeTicker->setDateTimeFormat(QStringLiteral("HH:mm"));
    timeTicker->setTickCount(8);
    m_plot->xAxis->setTicker(timeTicker);
    m_plot->xAxis->setLabel(tr("Time (%1)").arg(DisplayFormat::timeZoneName()));
    m_plot->yAxis->setTicker(QSharedPointer<ByteTicker>::create());
    m_plot->xAxis->grid()->setPen(QPen(QColor(0, 0, 0, 25), 1, Qt::DotLine));
    m_plot->yAxis->grid()->setPen(QPen(QColor(0, 0, 0, 35), 1, Qt::DotLine));
    m_plot->setNoAntialiasingOnDrag(true);
    // Received first, so that the (often much smaller) sent curve is drawn over it.
    QCPGraph* received = m_plot->addGraph();
    received->setName(tr("Received (in)"));
    received->setLineStyle(QCPGraph::lsStepLeft);
    received->setPen(QPen(QColor(0x1f, 0x5f, 0xa8), 1.3));
    received->setBrush(QColor(0x3d, 0x85, 0xd6, 60));
    QCPGraph* sent = m_plot->addGraph();
    sent->setName(tr("Sent (out)"));
    sent->setLineStyle(QCPGraph::lsStepLeft);
    sent->setPen(QPen(QColor(0xd0, 0x6a, 0x10), 1.8));
    sent->setBrush(QColor(0xe8, 0x8a, 0x2a, 150));
    m_plot->legend->setVisible(true);
    m_plot->legend->setBrush(QColor(255, 255, 255, 210));
    m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->axisRect()->setRangeDrag(Qt::Horizontal);
    m_plot->axisRect()->setRangeZoom(Qt::Horizontal);
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, [this](QMouseEvent*) {
        m_plot->rescaleAxes();
        m_plot->yAxis->setRangeLower(0);
        m_plot->replot(QCustomPlot::rpQueuedReplot);
    });

    auto* middle = new QSplitter(Qt::Horizontal, split);
    middle->setChildrenCollapsible(false);

    auto* peersBox = new QGroupBox(tr("Peers"), middle);
    auto* peersLayout = new QVBoxLayout(peersBox);
    peersLayout->setContentsMargins(4, 4, 4, 4);
    auto* orderRow = new QHBoxLayout;
    orderRow->addWidget(new QLabel(tr("Ranked by:"), peersBox));
    m_peerOrder = new QComboBox(peersBox);
    m_peerOrder->addItem(tr("Bytes"));
    m_peerOrder->addItem(tr("Connections (flows)"));
    orderRow->addWidget(m_peerOrder);
    orderRow->addStretch(1);
    peersLayout->addLayout(orderRow);
    m_peers = makeTable({tr("Peer"), tr("Network"), tr("Flows"), tr("Sent"), tr("Received")}, peersBox);
    m_peers->setObjectName(QStringLiteral("hostPeers"));
    const QFontMetrics fm = m_peers->fontMetrics();
    m_peers->setColumnWidth(0, fm.horizontalAdvance(QStringLiteral("255.255.255.255")) + 16);
    m_peers->setColumnWidth(1, fm.horizontalAdvance(QStringLiteral("external")) + 16);
    m_peers->setColumnWidth(2, fm.horizontalAdvance(QStringLiteral("100,000")) + 16);
    m_peers->setColumnWidth(3, fm.horizontalAdvance(QStringLiteral("999.9 MB")) + 16);
    peersLayout->addWidget(m_peers, 1);

    auto* portsBox = new QGroupBox(tr("Ports used"), middle);
    auto* portsLayout = new QVBoxLayout(portsBox);
    portsLayout->setContentsMargins(4, 4, 4, 4);
    m_ports = makeTable({tr("As"), tr("Port"), tr("Flows"), tr("Bytes"), tr("Peers")}, portsBox);
    m_ports->setObjectName(QStringLiteral("hostPorts"));
    m_ports->setColumnWidth(0, fm.horizontalAdvance(QStringLiteral("server")) + 16);
    m_ports->setColumnWidth(1, fm.horizontalAdvance(QStringLiteral("65535/tcp")) + 16);
    m_ports->setColumnWidth(2, fm.horizontalAdvance(QStringLiteral("100,000")) + 16);
    m_ports->setColumnWidth(3, fm.horizontalAdvance(QStringLiteral("999.9 MB")) + 16);
    portsLayout->addWidget(m_ports, 1);

    auto* findingsBox = new QGroupBox(tr("Findings"), middle);
    auto* findingsLayout = new QVBoxLayout(findingsBox);
    findingsLayout->setContentsMargins(4, 4, 4, 4);
    m_findingsModel = new FindingsModel(this);
    m_findingsTable = new QTableView(findingsBox);
    m_findingsTable->setObjectName(QStringLiteral("hostFindings"));
    m_findingsTable->setModel(m_findingsModel);
    m_findingsTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_findingsTable->setSelectionMode(QAbstractItemView::SingleSelection);
    m_findingsTable->setWordWrap(false);
    m_findingsTable->verticalHeader()->hide();
    m_findingsTable->horizontalHeader()->setStretchLastSection(true);
    for (int c : {int(FindingsModel::SourceColumn), int(FindingsModel::DestinationsColumn), int(FindingsModel::PortsColumn),
                  int(FindingsModel::StartColumn)})
        m_findingsTable->setColumnHidden(c, true);
    m_findingsTable->setToolTip(tr("Click a finding to show it in the Findings tab"));
    findingsLayout->addWidget(m_findingsTable, 1);
    middle->addWidget(peersBox);
    middle->addWidget(portsBox);
    middle->addWidget(findingsBox);
    middle->setSizes({420, 330, 420});

    m_flows = new FlowsView(split);
    m_flows->setObjectName(QStringLiteral("hostFlows"));
    m_flows->setBaseFilter(QStringLiteral("host ") + m_address);
    split->addWidget(m_plot);
    split->addWidget(middle);
    split->addWidget(m_flows);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setStretchFactor(2, 4);

    connect(m_peerOrder, &QComboBox::currentIndexChanged, this, &HostView::fillPeers);
    connect(m_peers, &QTableWidget::cellDoubleClicked, this, [this](int row, int) {
        if (QTableWidgetItem* item = m_peers->item(row, 0))
            emit hostActivated(item->text());
    });
    connect(m_findingsTable, &QTableView::activated, this, [this](const QModelIndex& index) {
        if (const Finding* f = m_findingsModel->findingAt(index.row()))
            emit findingActivated(QString::fromStdString(f->id));
    });
    connect(m_findingsTable, &QTableView::clicked, this, [this](const QModelIndex& index) {
        if (const Finding* f = m_findingsModel->findingAt(index.row()))
            emit findingActivated(QString::fromStdString(f->id));
    });
    connect(m_flows, &FlowsView::hostActivated, this, &HostView::hostActivated);

    updateHeader();
    reload();
}

HostView::~HostView() = default;

void HostView::setFindings(const std::vector<Finding>& findings)
{
    m_hostFindings.clear();
    for (const Finding& f : findings)
        if (involves(f, m_host))
            m_hostFindings.push_back(f);
    m_findingsModel->setFindings(m_hostFindings);
    m_findingsTable->resizeColumnsToContents();
    updateHeader();
}

void HostView::setTimeRange(int64_t startMs, int64_t endMs)
{
    if (startMs == m_startMs && endMs == m_endMs)
        return;
    m_startMs = startMs;
    m_endMs = endMs;
    m_flows->setTimeRange(startMs, endMs);
    reload();
}

HostView::Content HostView::load(const std::string& casePath, const IpAddress& host, int64_t startMs, int64_t endMs)
{
    Content c;
    std::string error;
    auto store = FlowStore::open(casePath, error, true);
    if (!store) {
        c.error = error;
        return c;
    }
    if (!store->hasLookupIndexes()) {
        // Host lookups without the src/dst indexes scan the whole case once per
        // query; building them once (a few seconds per million flows) pays at once.
        store.reset();
        if (auto writer = FlowStore::open(casePath, error, false))
            writer->ensureLookupIndexes(); // a busy or read-only case: queries scan instead
        store = FlowStore::open(casePath, error, true);
        if (!store) {
            c.error = error;
            return c;
        }
    }
    const DetectionSettings settings = CaseSettings::read(*store);
    c.internal = settings.isInternal(host);
    c.totals = store->hostTotals(host, startMs, endMs);
    c.peersByBytes = store->hostPeers(host, FlowStore::PeerOrder::Bytes, kPeersListed, startMs, endMs);
    c.peersByFlows = store->hostPeers(host, FlowStore::PeerOrder::Flows, kPeersListed, startMs, endMs);
    c.ports = store->hostPorts(host, kPortsListed, startMs, endMs);
    for (const auto* list : {&c.peersByBytes, &c.peersByFlows})
        for (const auto& p : *list)
            if (settings.isInternal(p.peer)
                && std::find(c.internalPeers.begin(), c.internalPeers.end(), p.peer) == c.internalPeers.end())
                c.internalPeers.push_back(p.peer);
    if (c.totals.flows > 0) {
        const int64_t first = startMs || endMs ? std::max(startMs, c.totals.firstMs) : c.totals.firstMs;
        const int64_t last = startMs || endMs ? std::min(endMs, c.totals.lastMs) : c.totals.lastMs;
        const int64_t bucket = TrafficTimeline::chooseBucketMs(std::max<int64_t>(last - first, 1000), 300);
        TrafficTimeline sent(first, last + 1, bucket), received(first, last + 1, bucket);
        store->forEachHostTraffic(host, startMs, endMs,
                                  [&](int64_t s, int64_t e, uint64_t bo, uint64_t po, uint64_t bi, uint64_t pi) {
                                      sent.add(s, e, double(bo), double(po));
                                      received.add(s, e, double(bi), double(pi));
                                  });
        c.sent = sent.buckets();
        c.received = received.buckets();
        c.bucketMs = bucket;
    }
    return c;
}

void HostView::reload()
{
    const quint64 generation = ++m_generation;
    if (m_casePath.isEmpty())
        return;
    auto* watcher = new QFutureWatcher<Content>(this);
    connect(watcher, &QFutureWatcher<Content>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation == m_generation)
            apply(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run(&HostView::load, m_casePath.toStdString(), m_host, m_startMs, m_endMs));
}

void HostView::apply(Content content)
{
    const bool first = !m_loaded;
    m_content = std::move(content);
    updateHeader();
    fillPeers();
    // The rest in later turns of the event loop: each part of a large host's
    // drill-down is cheap, all of them at once (with the tab's first paint) are not.
    const quint64 generation = m_generation;
    QTimer::singleShot(0, this, [this, generation, first] {
        if (generation != m_generation)
            return;
        fillPorts();
        drawTimeline();
        QTimer::singleShot(0, this, [this, generation, first] {
            if (generation != m_generation)
                return;
            // The flows table reads once the lookup indexes exist (load made them).
            if (first)
                m_flows->setCasePath(m_casePath);
            m_loaded = true;
            updateHeader();
            emit loaded();
        });
    });
}

void HostView::updateHeader()
{
    const bool read = m_loaded || m_content.totals.flows > 0 || !m_content.error.empty();
    const QString network = read ? (m_content.internal ? tr("internal") : tr("external")) : QString();
    QString text = QStringLiteral("<span style=\"font-size:large\"><b>%1</b></span>").arg(m_address.toHtmlEscaped());
    if (!network.isEmpty())
        text += QStringLiteral(" &nbsp;<span style=\"background:%1;color:white\">&nbsp;%2&nbsp;</span>")
                    .arg(m_content.internal ? QStringLiteral("#2e7d32") : QStringLiteral("#6a1b9a"), network);
    Severity top = Severity::Info;
    for (const Finding& f : m_hostFindings)
        top = std::max(top, f.severity);
    if (!m_hostFindings.empty())
        text += QStringLiteral(" &nbsp;<span style=\"background:%1;color:%2\">&nbsp;%3&nbsp;</span>")
                    .arg(FindingsModel::severityBackground(top).name(), FindingsModel::severityForeground(top).name(),
                         m_hostFindings.size() == 1
                             ? tr("1 finding, %1").arg(FindingsModel::severityText(top).toLower())
                             : tr("%1 findings, top %2").arg(m_hostFindings.size()).arg(FindingsModel::severityText(top).toLower()));
    text += QStringLiteral("<br>");
    if (!read) {
        text += tr("Reading the host's traffic…");
    } else if (!m_content.error.empty()) {
        text += tr("Cannot read the case: %1").arg(DisplayFormat::html(m_content.error));
    } else if (m_content.totals.flows == 0) {
        text += tr("No flows of this host in the case%1.").arg(m_startMs || m_endMs ? tr(" in the selected time range") : QString());
    } else {
        const FlowStore::HostTotals& t = m_content.totals;
        text += (t.peers == 1 ? tr("%1 flows (%2 out, %3 in) with %4 peer &nbsp;·&nbsp; sent %5, received %6 &nbsp;·&nbsp; %7")
                              : tr("%1 flows (%2 out, %3 in) with %4 peers &nbsp;·&nbsp; sent %5, received %6 &nbsp;·&nbsp; %7"))
                    .arg(DisplayFormat::count(t.flows), DisplayFormat::count(t.flowsOut), DisplayFormat::count(t.flowsIn),
                         DisplayFormat::count(t.peers), DisplayFormat::bytes(double(t.bytesOut)),
                         DisplayFormat::bytes(double(t.bytesIn)), DisplayFormat::utcRange(t.firstMs, t.lastMs));
    }
    m_header->setText(text);
}

void HostView::fillPeers()
{
    const auto& list = m_peerOrder->currentIndex() == 1 ? m_content.peersByFlows : m_content.peersByBytes;
    m_peers->setRowCount(int(list.size()));
    for (int row = 0; row < int(list.size()); ++row) {
        const FlowStore::PeerTraffic& p = list[size_t(row)];
        const bool internal = std::find(m_content.internalPeers.begin(), m_content.internalPeers.end(), p.peer)
            != m_content.internalPeers.end();
        const QString peer = QString::fromStdString(p.peer.toString());
        m_peers->setItem(row, 0, textItem(peer, tr("Double-click to open %1").arg(peer)));
        auto* net = textItem(internal ? tr("internal") : tr("external"));
        if (!internal)
            net->setForeground(QColor(0x6a, 0x1b, 0x9a));
        m_peers->setItem(row, 1, net);
        m_peers->setItem(row, 2, numberItem(DisplayFormat::count(p.flows()),
                                            tr("%1 from this host, %2 to it").arg(DisplayFormat::count(p.flowsOut),
                                                                                  DisplayFormat::count(p.flowsIn))));
        m_peers->setItem(row, 3, numberItem(DisplayFormat::bytes(double(p.bytesOut)),
                                            tr("%1 bytes").arg(DisplayFormat::count(p.bytesOut))));
        m_peers->setItem(row, 4, numberItem(DisplayFormat::bytes(double(p.bytesIn)),
                                            tr("%1 bytes").arg(DisplayFormat::count(p.bytesIn))));
    }
    m_peers->resizeColumnsToContents(); // at most kPeersListed rows: cheap, and no figure is cut
    fillWidth(m_peers);
}

void HostView::fillPorts()
{
    const auto& ports = m_content.ports;
    m_ports->setRowCount(int(ports.size()));
    for (int row = 0; row < int(ports.size()); ++row) {
        const FlowStore::PortUse& p = ports[size_t(row)];
        m_ports->setItem(row, 0, textItem(p.asServer ? tr("server") : tr("client"),
                                          p.asServer ? tr("Peers connected to this port of the host")
                                                     : tr("The host connected to this port of its peers")));
        m_ports->setItem(row, 1, textItem(portText(p.protocol, p.port)));
        m_ports->setItem(row, 2, numberItem(DisplayFormat::count(p.flows)));
        m_ports->setItem(row, 3, numberItem(DisplayFormat::bytes(double(p.bytes)), tr("%1 bytes").arg(DisplayFormat::count(p.bytes))));
        m_ports->setItem(row, 4, numberItem(DisplayFormat::count(p.peers)));
    }
    m_ports->resizeColumnsToContents();
    fillWidth(m_ports);
}

void HostView::drawTimeline()
{
    auto fill = [this](QCPGraph* graph, const std::vector<TrafficTimeline::Bucket>& buckets) {
        QVector<double> keys, values;
        keys.reserve(qsizetype(buckets.size()) + 1);
        values.reserve(qsizetype(buckets.size()) + 1);
        for (const auto& b : buckets) {
            keys << double(b.startMs) / 1000;
            values << b.bytes;
        }
        if (!buckets.empty()) { // closes the last step
            keys << double(buckets.back().startMs + m_content.bucketMs) / 1000;
            values << buckets.back().bytes;
        }
        graph->setData(keys, values, true);
    };
    fill(m_plot->graph(1), m_content.sent);
    fill(m_plot->graph(0), m_content.received);
    m_plot->graph(1)->setName(tr("Sent (out): %1").arg(DisplayFormat::bytes(double(m_content.totals.bytesOut))));
    m_plot->graph(0)->setName(tr("Received (in): %1").arg(DisplayFormat::bytes(double(m_content.totals.bytesIn))));
    m_plot->yAxis->setLabel(m_content.bucketMs > 0
                                ? tr("Bytes per %1").arg(bucketText(m_content.bucketMs))
                                : tr("Bytes"));
    m_plot->rescaleAxes();
    m_plot->yAxis->setRangeLower(0);
    if (m_plot->yAxis->range().upper <= 0)
        m_plot->yAxis->setRangeUpper(1);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}
