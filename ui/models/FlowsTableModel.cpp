#include "models/FlowsTableModel.h"

#include "model/TextFormat.h"
#include "report/CsvWriter.h"
#include "query/FlowFilter.h"
#include "store/FlowStore.h"
#include "util/DisplayFormat.h"

#include <QFile>
#include <QFontDatabase>
#include <QMutex>
#include <QMutexLocker>
#include <QtConcurrent>

#include <atomic>
#include <cstdlib>

// The worker's side: its connection and what the UI last asked for. Tasks
// hold it by shared_ptr, so it outlives a model deleted while they run.
struct FlowsTableModel::Reader {
    QMutex mutex; // guards store against interrupt() from the UI thread
    std::unique_ptr<FlowStore> store;
    std::string path;
    std::atomic<quint64> generation{0};
    std::atomic<int> wantedPage{0}; // the page the view painted last

    void interrupt()
    {
        QMutexLocker lock(&mutex);
        if (store)
            store->interrupt();
    }
};

struct FlowsTableModel::OrderResult {
    quint64 generation = 0;
    bool ok = false;
    quint64 rows = 0;
    QString error;
};

struct FlowsTableModel::PageResult {
    quint64 generation = 0;
    int page = 0;
    bool skipped = false;
    std::vector<FlowRecord> flows;
    std::vector<int64_t> ids;
};

namespace {

FlowStore::FlowSortKey sortKey(int column)
{
    using K = FlowStore::FlowSortKey;
    switch (column) {
    case FlowsTableModel::DurationColumn: return K::Duration;
    case FlowsTableModel::ProtocolColumn: return K::Protocol;
    case FlowsTableModel::SourceColumn: return K::Src;
    case FlowsTableModel::SourcePortColumn: return K::SrcPort;
    case FlowsTableModel::DestinationColumn: return K::Dst;
    case FlowsTableModel::DestinationPortColumn: return K::DstPort;
    case FlowsTableModel::FlagsColumn: return K::Flags;
    case FlowsTableModel::PacketsColumn: return K::Packets;
    case FlowsTableModel::BytesColumn: return K::Bytes;
    case FlowsTableModel::ExporterColumn: return K::Exporter;
    default: return K::Start;
    }
}

QString address(const IpAddress& a)
{
    return QString::fromStdString(a.toString());
}

// Pages this far from the one painted last are no longer on screen: a fast
// scroll queues many, and reading them all would delay the ones wanted now.
constexpr int kPageReach = 6;

// Numbers right-aligned, as in Wireshark, so that magnitudes line up.
QVariant alignment(int column)
{
    switch (column) {
    case FlowsTableModel::DurationColumn:
    case FlowsTableModel::SourcePortColumn:
    case FlowsTableModel::DestinationPortColumn:
    case FlowsTableModel::PacketsColumn:
    case FlowsTableModel::BytesColumn: return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    default: return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
    }
}

} // namespace

FlowsTableModel::FlowsTableModel(QObject* parent)
    : QAbstractTableModel(parent)
    , m_reader(std::make_shared<Reader>())
{
    m_pool.setMaxThreadCount(1);
    // The connection (and its temporary order) lives as long as the model.
    m_pool.setExpiryTimeout(-1);
}

FlowsTableModel::~FlowsTableModel()
{
    m_reader->generation = ~quint64(0); // every queued task skips
    m_pool.clear();
    m_reader->interrupt();
    m_pool.waitForDone();
}

void FlowsTableModel::setCasePath(const QString& casePath)
{
    if (casePath == m_casePath)
        return;
    m_casePath = casePath;
    reload();
}

void FlowsTableModel::setSelection(const QString& expression, int64_t startMs, int64_t endMs)
{
    if (expression == m_expression && startMs == m_startMs && endMs == m_endMs && m_generation != 0)
        return;
    m_expression = expression;
    m_startMs = startMs;
    m_endMs = endMs;
    reload();
}

FlowsTableModel::Export FlowsTableModel::currentExport() const
{
    return {m_casePath, m_expression, m_startMs, m_endMs, m_sortColumn, m_sortOrder};
}

bool FlowsTableModel::writeCsv(const Export& e, const QString& path, QString& error)
{
    std::string openError;
    auto store = FlowStore::open(QFile::encodeName(e.casePath).toStdString(), openError, true);
    if (!store) {
        error = tr("Cannot read the case %1: %2").arg(e.casePath, QString::fromStdString(openError));
        return false;
    }
    std::optional<FlowFilter> filter;
    if (!e.expression.trimmed().isEmpty()) {
        FlowFilter::Error parseError;
        filter = FlowFilter::parse(e.expression.toStdString(), parseError);
        if (!filter) {
            error = tr("The filter \"%1\" is not valid: %2")
                        .arg(e.expression, QString::fromStdString(parseError.toString()));
            return false;
        }
    }
    const FlowStore::FlowSelection selection{filter ? &*filter : nullptr, e.startMs, e.endMs};
    const std::optional<uint64_t> rows =
        store->buildFlowOrder(selection, sortKey(e.sortColumn), e.sortOrder == Qt::DescendingOrder);
    if (!rows) {
        error = tr("Cannot sort the flows of %1: %2").arg(e.casePath, QString::fromStdString(store->lastError()));
        return false;
    }
    QStringList header;
    for (int c = 0; c < ColumnCount; ++c)
        header << columnName(c);
    return CsvWriter::writeRows(path, header, [&](const std::function<bool(const QStringList&)>& sink) {
        bool ok = true;
        store->forEachOrderedFlow(0, *rows, [&](const FlowRecord& flow, int64_t) {
            QStringList fields;
            for (int c = 0; c < ColumnCount; ++c) {
                // Counters exact, for spreadsheets; the rest as the table shows it.
                if (c == PacketsColumn)
                    fields << QString::number(flow.packets);
                else if (c == BytesColumn)
                    fields << QString::number(flow.bytes);
                else
                    fields << displayText(flow, c);
            }
            ok = sink(fields);
            return ok;
        });
        return ok;
    }, error);
}

void FlowsTableModel::sort(int column, Qt::SortOrder order)
{
    if (column < 0 || column >= ColumnCount || (column == m_sortColumn && order == m_sortOrder && m_generation != 0))
        return;
    m_sortColumn = column;
    m_sortOrder = order;
    reload();
}

void FlowsTableModel::setLoading(bool loading)
{
    if (loading == m_loading)
        return;
    m_loading = loading;
    emit loadingChanged(loading);
}

void FlowsTableModel::reload()
{
    const quint64 generation = ++m_generation;
    m_reader->generation = generation;
    // A sort of the old selection may still run: stop it rather than wait.
    m_pool.clear();
    m_reader->interrupt();
    if (m_casePath.isEmpty()) {
        beginResetModel();
        m_rows = 0;
        m_cache.clear();
        m_pending.clear();
        m_shownGeneration = generation;
        endResetModel();
        setLoading(false);
        emit selectionLoaded(0);
        return;
    }
    setLoading(true);
    auto reader = m_reader;
    const std::string path = m_casePath.toStdString();
    const std::string expression = m_expression.trimmed().toStdString();
    const int64_t startMs = m_startMs, endMs = m_endMs;
    const FlowStore::FlowSortKey key = sortKey(m_sortColumn);
    const bool descending = m_sortOrder == Qt::DescendingOrder;
    QtConcurrent::run(&m_pool, [=]() -> OrderResult {
        OrderResult result;
        result.generation = generation;
        if (reader->generation != generation)
            return result;
        if (!reader->store || reader->path != path) {
            std::string error;
            auto store = FlowStore::open(path, error, true);
            QMutexLocker lock(&reader->mutex);
            reader->store = std::move(store);
            reader->path = reader->store ? path : std::string();
            if (!reader->store) {
                result.error = QString::fromStdString(error);
                return result;
            }
        }
        std::optional<FlowFilter> filter;
        if (!expression.empty()) {
            FlowFilter::Error error;
            filter = FlowFilter::parse(expression, error);
            if (!filter) {
                result.error = QString::fromStdString(error.toString());
                return result;
            }
        }
        const FlowStore::FlowSelection selection{filter ? &*filter : nullptr, startMs, endMs};
        // An interrupt meant for the previous sort can land on this one: try again.
        for (int attempt = 0; attempt < 3 && reader->generation == generation; ++attempt) {
            if (auto rows = reader->store->buildFlowOrder(selection, key, descending)) {
                result.ok = true;
                result.rows = *rows;
                return result;
            }
            result.error = QString::fromStdString(reader->store->lastError());
        }
        return result;
    }).then(this, [this](OrderResult result) {
        if (result.generation != m_generation)
            return; // a newer selection is on its way
        setLoading(false);
        if (!result.ok) {
            if (!result.error.isEmpty())
                emit loadFailed(result.error);
            return;
        }
        beginResetModel();
        m_rows = result.rows;
        m_cache.clear();
        m_pending.clear();
        m_shownGeneration = result.generation;
        endResetModel();
        emit selectionLoaded(m_rows);
    });
}

void FlowsTableModel::requestPage(int page) const
{
    m_reader->wantedPage = page;
    if (m_pending.count(page) || m_shownGeneration != m_generation)
        return; // being read, or the order is being rebuilt (the reset will repaint)
    m_pending.insert(page);
    auto reader = m_reader;
    const quint64 generation = m_shownGeneration;
    auto* self = const_cast<FlowsTableModel*>(this);
    QtConcurrent::run(&self->m_pool, [reader, generation, page]() -> PageResult {
        PageResult result;
        result.generation = generation;
        result.page = page;
        if (reader->generation != generation || std::abs(reader->wantedPage - page) > kPageReach || !reader->store) {
            result.skipped = true;
            return result;
        }
        result.flows.reserve(kPageRows);
        result.ids.reserve(kPageRows);
        reader->store->forEachOrderedFlow(uint64_t(page) * kPageRows, kPageRows, [&](const FlowRecord& r, int64_t id) {
            result.flows.push_back(r);
            result.ids.push_back(id);
            return true;
        });
        return result;
    }).then(self, [self](PageResult result) { self->applyPage(std::move(result)); });
}

void FlowsTableModel::applyPage(PageResult&& result)
{
    if (result.generation != m_shownGeneration)
        return;
    m_pending.erase(result.page);
    if (result.skipped)
        return;
    while (m_cache.size() >= kCachedPages) {
        auto oldest = m_cache.begin();
        for (auto it = m_cache.begin(); it != m_cache.end(); ++it)
            if (it->second.lastUse < oldest->second.lastUse)
                oldest = it;
        m_cache.erase(oldest);
    }
    const int first = result.page * kPageRows;
    const int count = int(result.flows.size());
    m_cache[result.page] = Page{std::move(result.flows), std::move(result.ids), ++m_useClock};
    if (count > 0)
        emit dataChanged(index(first, 0), index(first + count - 1, ColumnCount - 1));
    emit pageLoaded(result.page);
}

const FlowsTableModel::Page* FlowsTableModel::page(int row) const
{
    const int p = row / kPageRows;
    auto it = m_cache.find(p);
    if (it == m_cache.end()) {
        requestPage(p);
        return nullptr;
    }
    it->second.lastUse = ++m_useClock;
    if (m_reader->wantedPage != p)
        m_reader->wantedPage = p;
    return &it->second;
}

const FlowRecord* FlowsTableModel::flowAt(int row) const
{
    if (row < 0 || quint64(row) >= m_rows)
        return nullptr;
    const Page* p = page(row);
    const size_t i = size_t(row % kPageRows);
    return p && i < p->flows.size() ? &p->flows[i] : nullptr;
}

int FlowsTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(std::min<quint64>(m_rows, INT32_MAX));
}

int FlowsTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString FlowsTableModel::columnName(int column)
{
    switch (column) {
    case StartColumn: return tr("Start (%1)").arg(DisplayFormat::timeZoneName());
    case DurationColumn: return tr("Duration");
    case ProtocolColumn: return tr("Proto");
    case SourceColumn: return tr("Source");
    case SourcePortColumn: return tr("Src port");
    case DestinationColumn: return tr("Destination");
    case DestinationPortColumn: return tr("Dst port");
    case FlagsColumn: return tr("Flags");
    case PacketsColumn: return tr("Packets");
    case BytesColumn: return tr("Bytes");
    case ExporterColumn: return tr("Exporter");
    default: return {};
    }
}

QString FlowsTableModel::displayText(const FlowRecord& f, int column)
{
    const bool ports = f.protocol == IpProtocol::Tcp || f.protocol == IpProtocol::Udp || f.protocol == 132;
    switch (column) {
    case StartColumn: return DisplayFormat::utcTimeMs(f.startMs);
    case DurationColumn: return DisplayFormat::flowDuration(f.endMs - f.startMs);
    case ProtocolColumn: return DisplayFormat::protocol(f.protocol);
    case SourceColumn: return address(f.src);
    case SourcePortColumn: return ports ? QString::number(f.srcPort) : QString();
    case DestinationColumn: return address(f.dst);
    case DestinationPortColumn:
        // ICMP carries type.code where the ports would be, as nfdump shows it.
        if (f.protocol == IpProtocol::Icmp || f.protocol == IpProtocol::Icmp6)
            return QStringLiteral("%1.%2").arg(f.dstPort >> 8).arg(f.dstPort & 0xff);
        return ports ? QString::number(f.dstPort) : QString::number(f.dstPort);
    case FlagsColumn: return f.protocol == IpProtocol::Tcp ? DisplayFormat::tcpFlags(f.tcpFlags) : QString();
    case PacketsColumn: return DisplayFormat::count(f.packets);
    case BytesColumn: return f.bytes < 1000 ? DisplayFormat::count(f.bytes) + QStringLiteral(" B") : DisplayFormat::bytes(double(f.bytes));
    case ExporterColumn: return f.exporter.isUnspecified() && f.exportVersion == 0 ? QString() : address(f.exporter);
    default: return {};
    }
}

QString FlowsTableModel::filterFor(const FlowRecord& f, int column)
{
    switch (column) {
    case DurationColumn: return QStringLiteral("duration = %1").arg(std::max<int64_t>(f.endMs - f.startMs, 0));
    case ProtocolColumn: return QStringLiteral("proto ") + QString::fromStdString(TextFormat::protocolName(f.protocol));
    case SourceColumn: return QStringLiteral("src host ") + address(f.src);
    case SourcePortColumn: return QStringLiteral("src port %1").arg(f.srcPort);
    case DestinationColumn: return QStringLiteral("dst host ") + address(f.dst);
    case DestinationPortColumn: return QStringLiteral("dst port %1").arg(f.dstPort);
    case FlagsColumn: {
        QString letters = DisplayFormat::tcpFlags(f.tcpFlags).remove(QLatin1Char('.'));
        return letters.isEmpty() ? QString() : QStringLiteral("flags ") + letters;
    }
    case PacketsColumn: return QStringLiteral("packets = %1").arg(f.packets);
    case BytesColumn: return QStringLiteral("bytes = %1").arg(f.bytes);
    case ExporterColumn: return f.exporter.isUnspecified() ? QString() : QStringLiteral("exporter ") + address(f.exporter);
    default: return {};
    }
}

QVariant FlowsTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.column() >= ColumnCount)
        return {};
    const int column = index.column();
    if (role == Qt::TextAlignmentRole)
        return alignment(column);
    if (role == Qt::FontRole && column == FlagsColumn) {
        static const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont); // flags line up as in nfdump
        return fixed;
    }
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole && role != RawValueRole && role != FlowIdRole
        && role != FilterRole && role != AddressRole)
        return {};
    const FlowRecord* f = flowAt(index.row());
    if (!f)
        return role == Qt::DisplayRole && column == StartColumn ? QVariant(tr("…")) : QVariant();
    switch (role) {
    case Qt::DisplayRole: return displayText(*f, column);
    case FilterRole: return filterFor(*f, column);
    case FlowIdRole: return qlonglong(m_cache.at(index.row() / kPageRows).ids[size_t(index.row() % kPageRows)]);
    case AddressRole:
        if (column == SourceColumn)
            return address(f->src);
        if (column == DestinationColumn)
            return address(f->dst);
        if (column == ExporterColumn && !f->exporter.isUnspecified())
            return address(f->exporter);
        return {};
    case RawValueRole:
        switch (column) {
        case StartColumn: return qlonglong(f->startMs);
        case DurationColumn: return qlonglong(f->endMs - f->startMs);
        case ProtocolColumn: return int(f->protocol);
        case SourceColumn: return address(f->src);
        case SourcePortColumn: return int(f->srcPort);
        case DestinationColumn: return address(f->dst);
        case DestinationPortColumn: return int(f->dstPort);
        case FlagsColumn: return int(f->tcpFlags);
        case PacketsColumn: return qulonglong(f->packets);
        case BytesColumn: return qulonglong(f->bytes);
        case ExporterColumn: return address(f->exporter);
        default: return {};
        }
    case Qt::ToolTipRole: {
        // The exact figures and the fields without a column of their own.
        QString tip = tr("%1 → %2 (%3)\n%4 – %5 UTC\n%6 packets, %7 bytes")
                          .arg(address(f->src), address(f->dst), DisplayFormat::protocol(f->protocol),
                               DisplayFormat::utcTimeMs(f->startMs), DisplayFormat::utcTimeMs(f->endMs),
                               DisplayFormat::count(f->packets), DisplayFormat::count(f->bytes));
        if (f->revBytes || f->revPackets)
            tip += tr("\nreverse: %1 packets, %2 bytes").arg(DisplayFormat::count(f->revPackets), DisplayFormat::count(f->revBytes));
        if (f->samplingRate > 1)
            tip += tr("\nsampled 1 in %1").arg(f->samplingRate);
        tip += tr("\nToS %1, interfaces %2 → %3").arg(f->tos).arg(f->inputIf).arg(f->outputIf);
        if (f->exportVersion)
            tip += tr("\nexporter %1:%2, domain %3, %4")
                       .arg(address(f->exporter))
                       .arg(f->exporterPort)
                       .arg(f->observationDomain)
                       .arg(f->exportVersion == 10 ? tr("IPFIX") : tr("NetFlow v%1").arg(f->exportVersion));
        return tip;
    }
    default: return {};
    }
}

QVariant FlowsTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::DisplayRole)
        return columnName(section);
    if (role == Qt::TextAlignmentRole)
        return alignment(section);
    if (role == Qt::ToolTipRole && section == FlagsColumn)
        return tr("TCP flags seen in the flow: URG ACK PSH RST SYN FIN");
    if (role == Qt::ToolTipRole && section == BytesColumn)
        return tr("Bytes as exported (before sampling), source to destination");
    return {};
}
