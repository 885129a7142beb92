#pragma once

#include "model/Finding.h"
#include "plots/FindingFlows.h"

#include <QColor>
#include <QString>

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

// The traffic behind an exfiltration, flood, long connection or indicator
// finding, in time buckets: what TrafficChartPlot draws. Each flow's bytes
// (packets for floods) are spread evenly over the buckets it spans, as the
// volumetric detector spreads them.
class FindingTraffic final {
public:
    struct Series {
        QString name;
        QColor color;
        std::vector<double> values; // one per bucket
        double total() const;
    };

    static FindingTraffic compute(const Finding& finding, const FindingFlows& flows);
    // A round bucket (1 s … 1 day) giving about `buckets` buckets over spanMs.
    static int64_t bucketFor(int64_t spanMs, int buckets = 120);

    QString title;
    QString valueLabel;      // "bytes per minute"
    bool packets = false;    // values are packets (floods), else bytes
    int64_t startMs = 0;     // left edge of bucket 0
    int64_t bucketMs = 60'000;
    size_t buckets = 0;
    std::vector<Series> series;
    std::optional<double> baseline; // per bucket (floods: the destination's median)
    QString baselineLabel;
    int64_t windowStartMs = 0; // the finding's window, shaded
    int64_t windowEndMs = 0;
    std::vector<std::pair<int64_t, int64_t>> sessions; // long connections: each long session

    bool empty() const;
};
