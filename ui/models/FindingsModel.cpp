#include "models/FindingsModel.h"

#include "util/DisplayFormat.h"

#include <QDateTime>
#include <QFont>
#include <QStringList>

#include <algorithm>

namespace {

QString ipText(const IpAddress& a)
{
    return QString::fromStdString(a.toString());
}

// Hex of the 16 address bytes: sorts addresses numerically, v4 and v6 alike.
QString ipSortKey(const IpAddress& a)
{
    return QString::fromLatin1(QByteArray(reinterpret_cast<const char*>(a.bytes().data()), 16).toHex());
}

} // namespace

FindingsModel::FindingsModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void FindingsModel::setFindings(std::vector<Finding> findings)
{
    beginResetModel();
    m_findings = std::move(findings);
    endResetModel();
}

void FindingsModel::clear()
{
    setFindings({});
}

const Finding* FindingsModel::findingAt(int row) const
{
    if (row < 0 || size_t(row) >= m_findings.size())
        return nullptr;
    return &m_findings[size_t(row)];
}

void FindingsModel::setVerdicts(const std::vector<Verdict>& verdicts)
{
    m_verdicts.clear();
    for (const Verdict& v : verdicts)
        m_verdicts[v.findingId] = v;
    if (!m_findings.empty())
        emit dataChanged(index(0, VerdictColumn), index(rowCount() - 1, VerdictColumn));
}

void FindingsModel::setVerdict(const Verdict& verdict)
{
    if (verdict.isEmpty())
        m_verdicts.erase(verdict.findingId);
    else
        m_verdicts[verdict.findingId] = verdict;
    for (size_t i = 0; i < m_findings.size(); ++i)
        if (m_findings[i].id == verdict.findingId)
            emit dataChanged(index(int(i), VerdictColumn), index(int(i), VerdictColumn));
}

const Verdict* FindingsModel::verdictFor(const std::string& findingId) const
{
    const auto it = m_verdicts.find(findingId);
    return it == m_verdicts.end() ? nullptr : &it->second;
}

QString FindingsModel::verdictText(Verdict::Status s)
{
    switch (s) {
    case Verdict::Status::Confirmed: return tr("Confirmed");
    case Verdict::Status::FalsePositive: return tr("False positive");
    case Verdict::Status::NeedsReview: return tr("Needs review");
    case Verdict::Status::None: break;
    }
    return {};
}

QColor FindingsModel::verdictColor(Verdict::Status s)
{
    switch (s) {
    case Verdict::Status::Confirmed: return QColor(0xb7, 0x1c, 0x1c);     // a real incident: red
    case Verdict::Status::FalsePositive: return QColor(0x2e, 0x7d, 0x32); // dismissed: green
    case Verdict::Status::NeedsReview: return QColor(0x15, 0x65, 0xc0);   // open: blue
    case Verdict::Status::None: break;
    }
    return QColor(0x75, 0x75, 0x75);
}

int FindingsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_findings.size());
}

int FindingsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

namespace {

// Rich text of its own (<qt>) holding the escaped text: shown as written.
QString plainTip(const QString& text) { return QStringLiteral("<qt>") + text.toHtmlEscaped() + QStringLiteral("</qt>"); }

} // namespace

QVariant FindingsModel::data(const QModelIndex& index, int role) const
{
    const Finding* f = index.isValid() ? findingAt(index.row()) : nullptr;
    if (!f)
        return {};
    const int column = index.column();

    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case SeverityColumn: return severityText(f->severity);
        case ScoreColumn: return QString::number(f->score, 'f', 1);
        case TypeColumn: return typeText(*f);
        case SourceColumn: return sourceText(*f);
        case DestinationsColumn: return destinationsText(*f);
        case PortsColumn: return portsText(*f);
        case StartColumn: return formatUtc(f->startMs);
        case VerdictColumn: {
            const Verdict* v = verdictFor(f->id);
            if (!v)
                return QString();
            const QString text = verdictText(v->status);
            // A comment without a status still shows that the analyst wrote something.
            return text.isEmpty() ? tr("Comment") : text;
        }
        case SummaryColumn: return QString::fromStdString(f->summary);
        }
        break;
    case Qt::ToolTipRole:
        // Tooltips take text that looks like HTML for HTML: what comes from
        // the data is escaped so that it always shows as written.
        switch (column) {
        case DestinationsColumn:
            if (f->dst.size() > 3)
                return plainTip(destinationsText(*f, 40));
            break;
        case PortsColumn:
            return plainTip(portsText(*f, 40));
        case StartColumn:
            return tr("%1 – %2 %3").arg(formatUtc(f->startMs), formatUtc(f->endMs), DisplayFormat::timeZoneName());
        case SummaryColumn:
            return plainTip(QString::fromStdString(f->summary));
        case ScoreColumn:
            return tr("Score %1 of 100").arg(f->score, 0, 'f', 1);
        case VerdictColumn:
            if (const Verdict* v = verdictFor(f->id)) {
                QString tip = verdictText(v->status);
                if (!v->analyst.empty())
                    tip += (tip.isEmpty() ? QString() : QStringLiteral(" · ")) + QString::fromStdString(v->analyst);
                QString html = QStringLiteral("<qt>") + tip.toHtmlEscaped();
                if (!v->comment.empty())
                    html += QStringLiteral("<br>") + QString::fromStdString(v->comment).toHtmlEscaped();
                return QString(html + QStringLiteral("</qt>"));
            }
            break;
        }
        break;
    case Qt::BackgroundRole:
        if (column == SeverityColumn)
            return severityBackground(f->severity);
        break;
    case Qt::ForegroundRole:
        if (column == SeverityColumn)
            return severityForeground(f->severity);
        if (column == VerdictColumn)
            if (const Verdict* v = verdictFor(f->id))
                return verdictColor(v->status);
        break;
    case Qt::FontRole:
        if (column == SeverityColumn && f->severity >= Severity::High) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        break;
    case Qt::TextAlignmentRole:
        if (column == SeverityColumn)
            return int(Qt::AlignCenter);
        if (column == ScoreColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return int(Qt::AlignLeft | Qt::AlignVCenter);
    case RawValueRole:
        return rawValue(*f, column);
    case FindingIndexRole:
        return index.row();
    }
    return {};
}

QVariant FindingsModel::rawValue(const Finding& f, int column) const
{
    switch (column) {
    case SeverityColumn:
        return int(f.severity);
    case ScoreColumn: return f.score;
    case TypeColumn: return QString::fromStdString(f.type);
    case SourceColumn: return f.src ? ipSortKey(*f.src) : QString();
    case DestinationsColumn: return f.dst.empty() ? QString() : ipSortKey(f.dst.front());
    case PortsColumn: return f.dstPorts.empty() ? -1 : int(f.dstPorts.front());
    case StartColumn: return qint64(f.startMs);
    case VerdictColumn: {
        const Verdict* v = verdictFor(f.id);
        return v ? int(v->status) : -1;
    }
    case SummaryColumn: return QString::fromStdString(f.summary);
    }
    return {};
}

QVariant FindingsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case SeverityColumn: return tr("Severity");
        case ScoreColumn: return tr("Score");
        case TypeColumn: return tr("Type");
        case SourceColumn: return tr("Source");
        case DestinationsColumn: return tr("Destinations");
        case PortsColumn: return tr("Ports");
        case StartColumn: return tr("Start (%1)").arg(DisplayFormat::timeZoneName());
        case VerdictColumn: return tr("Verdict");
        case SummaryColumn: return tr("Summary");
        }
    }
    if (role == Qt::TextAlignmentRole)
        return int(section == ScoreColumn ? Qt::AlignRight | Qt::AlignVCenter : Qt::AlignLeft | Qt::AlignVCenter);
    return {};
}

QColor FindingsModel::severityBackground(Severity s)
{
    switch (s) {
    case Severity::Critical: return QColor(0x8b, 0x00, 0x00); // dark red
    case Severity::High: return QColor(0xf0, 0x5a, 0x28); // red-orange
    case Severity::Medium: return QColor(0xff, 0xb3, 0x00); // amber
    case Severity::Low: return QColor(0xff, 0xe8, 0x82); // yellowish
    case Severity::Info: break;
    }
    return QColor(0xd9, 0xd9, 0xd9); // grey
}

QColor FindingsModel::severityForeground(Severity s)
{
    // White only where the background is dark enough for it to contrast.
    return s == Severity::Critical ? QColor(Qt::white) : QColor(0x1a, 0x1a, 0x1a);
}

QString FindingsModel::severityText(Severity s)
{
    switch (s) {
    case Severity::Critical: return tr("Critical");
    case Severity::High: return tr("High");
    case Severity::Medium: return tr("Medium");
    case Severity::Low: return tr("Low");
    case Severity::Info: break;
    }
    return tr("Info");
}

QString FindingsModel::typeText(const Finding& f)
{
    QString name;
    if (f.type == "beacon")
        name = tr("Beacon");
    else if (f.type == "port_scan")
        name = tr("Port scan");
    else if (f.type == "exfiltration")
        name = tr("Exfiltration");
    else if (f.type == "volumetric")
        name = tr("Volumetric");
    else if (f.type == "long_connection")
        name = tr("Long connection");
    else if (f.type == "indicator")
        name = tr("Indicator match");
    else
        name = QString::fromStdString(f.type);
    if (!f.subtype.empty())
        name += QStringLiteral(" (") + QString::fromStdString(f.subtype) + QLatin1Char(')');
    return name;
}

QString FindingsModel::sourceText(const Finding& f)
{
    return f.src ? ipText(*f.src) : QString();
}

QString FindingsModel::destinationsText(const Finding& f, int shown)
{
    QStringList parts;
    const int n = int(f.dst.size());
    for (int i = 0; i < n && i < shown; ++i)
        parts << ipText(f.dst[size_t(i)]);
    QString text = parts.join(QStringLiteral(", "));
    if (n > shown)
        text += QLatin1Char(' ') + tr("+%1 more").arg(n - shown);
    return text;
}

QString FindingsModel::protocolText(uint8_t protocol)
{
    switch (protocol) {
    case 1: return QStringLiteral("icmp");
    case 6: return QStringLiteral("tcp");
    case 17: return QStringLiteral("udp");
    case 58: return QStringLiteral("icmp6");
    case 0: return {};
    }
    return QString::number(protocol);
}

QString FindingsModel::portsText(const Finding& f, int shown)
{
    // Collapse runs so a vertical scan reads "1–1024", not a thousand numbers.
    std::vector<uint16_t> ports = f.dstPorts;
    std::sort(ports.begin(), ports.end());
    ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
    QStringList ranges;
    int total = 0;
    for (size_t i = 0; i < ports.size();) {
        size_t j = i;
        while (j + 1 < ports.size() && ports[j + 1] == ports[j] + 1)
            ++j;
        ++total;
        if (int(ranges.size()) < shown)
            ranges << (i == j ? QString::number(ports[i])
                              : QString::number(ports[i]) + QChar(0x2013) + QString::number(ports[j]));
        i = j + 1;
    }
    QString text = ranges.join(QStringLiteral(", "));
    if (total > shown)
        text += QLatin1Char(' ') + tr("+%1 more").arg(total - shown);
    const QString proto = protocolText(f.protocol).toUpper();
    if (!proto.isEmpty())
        text = text.isEmpty() ? proto : proto + QLatin1Char(' ') + text;
    return text;
}

QString FindingsModel::formatUtc(int64_t ms)
{
    return DisplayFormat::utcTime(ms); // follows the UTC/local switch
}
