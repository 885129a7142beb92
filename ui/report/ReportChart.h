#pragma once

#include "model/Finding.h"

#include <QRectF>

#include <cstdint>
#include <vector>

class FlowStore;
class QPainter;

// The chart of a finding in the PDF report: its flows' bytes over its time
// window, with each flow's start marked beneath (regular ticks are a beacon,
// a dense block a scan or a flood). Drawn with QPainter only, so that on a
// PDF it is vector graphics with real text, and so that it can be drawn on a
// worker thread (no widgets).
class ReportChart final {
public:
    struct Series {
        int64_t startMs = 0;   // of the first bucket
        int64_t bucketMs = 0;  // 0: no data
        std::vector<double> bytes;  // per bucket, sampling-scaled
        std::vector<double> flows;  // per bucket
        std::vector<int64_t> flowStarts; // at most kMaxTicks, for the tick strip
        uint64_t flowsRead = 0;
        bool truncated = false; // more flows than kMaxFlows
    };
    static constexpr int kBuckets = 72;
    static constexpr size_t kMaxTicks = 3000;
    static constexpr uint64_t kMaxFlows = 500000;

    // The finding's flows (its filter over its window, with a margin) in buckets.
    static Series collect(const FlowStore& store, const Finding& finding);
    // The one entry point the report calls; a richer chart (histogram, fan-out)
    // can take over here per finding type.
    static void render(QPainter& painter, const QRectF& rect, const Finding& finding, const Series& series);
};
