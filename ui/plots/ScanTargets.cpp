#include "plots/ScanTargets.h"

#include "plots/PlotStyle.h"

#include "models/FindingsModel.h"

#include <QCoreApplication>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace {

ScanTargets::Outcome outcomeOf(const Conversation& c)
{
    if (!c.failedAttempt())
        return ScanTargets::Outcome::Open;
    if (c.answered()) // a reply that carried nothing: RST, or SYN-ACK the scanner tore down
        return c.protocol == 6 && (c.flagsIn & 0x02) ? ScanTargets::Outcome::Open : ScanTargets::Outcome::Refused;
    return ScanTargets::Outcome::Silent;
}

QString subnetOf(const IpAddress& a)
{
    if (a.isV4()) {
        const uint32_t v = a.v4() & 0xffffff00u;
        return QString::fromStdString(IpAddress::fromV4(v).toString()) + QStringLiteral("/24");
    }
    auto b = a.bytes();
    std::fill(b.begin() + 8, b.end(), uint8_t(0));
    return QString::fromStdString(IpAddress::fromV6Bytes(b.data()).toString()) + QStringLiteral("/64");
}

} // namespace

QColor ScanTargets::outcomeColour(Outcome o)
{
    switch (o) {
    case Outcome::Open: return PlotStyle::openColor();
    case Outcome::Refused: return PlotStyle::refusedColor();
    case Outcome::Silent: return PlotStyle::silentColor();
    case Outcome::None: break;
    }
    return PlotStyle::noneColor();
}

QString ScanTargets::outcomeText(Outcome o)
{
    switch (o) {
    case Outcome::Open: return QCoreApplication::translate("ScanTargets", "answered (open)");
    case Outcome::Refused: return QCoreApplication::translate("ScanTargets", "answered (refused)");
    case Outcome::Silent: return QCoreApplication::translate("ScanTargets", "unanswered");
    case Outcome::None: break;
    }
    return QCoreApplication::translate("ScanTargets", "not probed");
}

ScanTargets ScanTargets::compute(const Finding& f, const FindingFlows& flows)
{
    ScanTargets out;
    out.vertical = f.subtype == "vertical";
    out.protocol = f.protocol;
    const bool distributed = f.subtype == "distributed";
    const uint16_t port = f.dstPorts.empty() ? 0 : f.dstPorts.front();
    std::set<IpAddress> sources;
    if (distributed && f.evidence.is_object() && f.evidence.contains("sources"))
        for (const auto& s : f.evidence["sources"])
            if (s.is_string())
                if (auto a = IpAddress::parse(s.get<std::string>()))
                    sources.insert(*a);

    // The detector's group: the scanner's attempts on the port (horizontal) or on the host (vertical).
    std::map<std::pair<IpAddress, uint16_t>, Target> byTarget;
    std::map<std::pair<IpAddress, uint16_t>, Outcome> cells;
    std::set<IpAddress> clients;
    for (const Conversation& cv : flows.conversations) {
        if (f.protocol && cv.protocol != f.protocol)
            continue;
        const IpAddress& client = flows.address(cv.client);
        const IpAddress& server = flows.address(cv.server);
        const Conversation& c = cv;
        if (distributed) {
            if (c.serverPort != port || (!sources.empty() && !sources.count(client)))
                continue;
            if (c.startMs < f.startMs || c.startMs > f.endMs)
                continue;
        } else {
            if (f.src && client != *f.src)
                continue;
            if (out.vertical ? (!f.dst.empty() && server != f.dst.front()) : c.serverPort != port)
                continue;
        }
        clients.insert(client);
        ++out.attempts;
        const auto key = out.vertical ? std::make_pair(server, c.serverPort) : std::make_pair(server, uint16_t(0));
        auto [it, fresh] = byTarget.try_emplace(key);
        Target& t = it->second;
        if (fresh) {
            t.host = server;
            t.port = out.vertical ? c.serverPort : 0;
            t.firstMs = c.startMs;
            t.outcome = Outcome::None;
        }
        ++t.attempts;
        t.answered += c.answered() ? 1 : 0;
        t.failed += c.failedAttempt() ? 1 : 0;
        const Outcome o = outcomeOf(c);
        t.outcome = std::max(t.outcome, o);
        Outcome& cell = cells[{server, c.serverPort}];
        cell = std::max(cell, o);
    }
    out.sourceLabel = distributed
        ? QCoreApplication::translate("ScanTargets", "%n source(s)", nullptr, int(clients.size()))
        : (f.src ? QString::fromStdString(f.src->toString()) : QString());

    // Groups: subnets of the targets, or bands of ports (at most 16 bands, of a round width).
    std::map<QString, int> groupIndex;
    int band = 64;
    if (out.vertical && !byTarget.empty()) {
        const int span = int(byTarget.rbegin()->first.second) - int(byTarget.begin()->first.second) + 1;
        while (span / band > 16)
            band *= 2;
    }
    auto groupOf = [&](const Target& t) {
        QString label;
        if (out.vertical) {
            // Bands of round size from 1 (1–64, 65–128, …): a 1–1024 sweep makes 16.
            const int lo = t.port == 0 ? 0 : (t.port - 1) / band * band + 1;
            label = QCoreApplication::translate("ScanTargets", "ports %1–%2").arg(lo).arg(std::min(lo + band - 1, 65535));
        } else {
            label = subnetOf(t.host);
        }
        return label;
    };
    for (auto& [key, t] : byTarget) {
        const QString label = groupOf(t);
        auto [git, fresh] = groupIndex.try_emplace(label, int(out.groups.size()));
        if (fresh)
            out.groups.push_back({label, 0, 0});
        t.group = git->second;
        ++out.groups[size_t(t.group)].targets;
        if (t.answered)
            ++out.groups[size_t(t.group)].answered;
        out.targets.push_back(t);
    }
    std::stable_sort(out.targets.begin(), out.targets.end(),
                     [](const Target& a, const Target& b) { return a.group < b.group; });

    std::set<IpAddress> hosts;
    std::set<uint16_t> ports;
    for (const auto& [key, o] : cells) {
        hosts.insert(key.first);
        ports.insert(key.second);
    }
    out.hosts.assign(hosts.begin(), hosts.end());
    out.ports.assign(ports.begin(), ports.end());
    out.cells.assign(out.hosts.size() * out.ports.size(), Outcome::None);
    for (const auto& [key, o] : cells) {
        const size_t h = size_t(std::lower_bound(out.hosts.begin(), out.hosts.end(), key.first) - out.hosts.begin());
        const size_t p = size_t(std::lower_bound(out.ports.begin(), out.ports.end(), key.second) - out.ports.begin());
        out.cells[h * out.ports.size() + p] = o;
    }
    return out;
}

size_t ScanTargets::answeredTargets() const
{
    return size_t(std::count_if(targets.begin(), targets.end(), [](const Target& t) { return t.answered > 0; }));
}

size_t ScanTargets::failedTargets() const
{
    return size_t(std::count_if(targets.begin(), targets.end(), [](const Target& t) { return t.failed > 0; }));
}

size_t ScanTargets::count(Outcome o) const
{
    return size_t(std::count_if(targets.begin(), targets.end(), [o](const Target& t) { return t.outcome == o; }));
}
