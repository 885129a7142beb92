#pragma once

#include "detect/Conversation.h"
#include "model/Finding.h"
#include "plots/FindingFlows.h"

#include <QColor>
#include <QString>

#include <cstdint>
#include <vector>

// A port scan's targets and what each attempt got back, from the finding's
// connections: hosts of a horizontal (or distributed) scan, ports of a
// vertical one, and the ports × hosts cells. Drawn by FanOutGraph and
// PortHostMatrix; counted the way PortScanDetector counts (a target answered
// when any attempt to it got a reply).
class ScanTargets final {
public:
    enum class Outcome { None, Silent, Refused, Open }; // ordered: a cell keeps the best it saw

    struct Target {
        IpAddress host;
        uint16_t port = 0;    // vertical scans: the probed port
        uint64_t attempts = 0;
        uint64_t answered = 0; // attempts that got any reply (RST included)
        uint64_t failed = 0;   // attempts that never carried data
        int64_t firstMs = 0;
        Outcome outcome = Outcome::Silent;
        int group = 0; // index into groups
    };
    struct Group {
        QString label;  // "10.0.0.0/24", "ports 1–127"
        size_t targets = 0;
        size_t answered = 0;
    };

    static ScanTargets compute(const Finding& finding, const FindingFlows& flows);

    bool vertical = false;
    QString sourceLabel; // the scanner, or "N sources" for a distributed scan
    uint8_t protocol = 0;
    std::vector<Target> targets; // by group, then address or port
    std::vector<Group> groups;
    uint64_t attempts = 0;

    // The matrix: every (host, port) the scan touched.
    std::vector<IpAddress> hosts;
    std::vector<uint16_t> ports;
    std::vector<Outcome> cells; // hosts.size() × ports.size(), row-major by host
    Outcome cell(size_t host, size_t port) const { return cells[host * ports.size() + port]; }

    size_t answeredTargets() const;
    size_t failedTargets() const;
    size_t count(Outcome o) const;
    static QString outcomeText(Outcome o);
    // The colour the fan-out graph and the matrix give an outcome (PlotStyle's palette).
    static QColor outcomeColour(Outcome o);
};
