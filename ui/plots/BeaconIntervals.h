#pragma once

#include "detect/Conversation.h"
#include "model/Finding.h"
#include "plots/FindingFlows.h"

#include <QString>

#include <cstdint>
#include <vector>

// A beacon's connections as beats (connections within the detector's merge
// gap form one beat) and the histogram of the intervals between beats: what
// BeaconHistogramPlot draws. Bins are centred on the finding's period, so the
// period's own bin is the one the analyst reads first.
class BeaconIntervals final {
public:
    struct Beat {
        int64_t startMs = 0;
        uint64_t bytesOut = 0; // client -> server, summed over the beat's connections
        uint64_t bytesIn = 0;
        int connections = 0;
        bool answered = false;
    };

    // conversations: the pair's connections by start time (other pairs are skipped).
    static BeaconIntervals compute(const Finding& finding, const FindingFlows& flows,
                                   int64_t beatMergeMs = 2000);

    QString pair; // "10.0.5.23 → 203.0.113.77"
    std::vector<Beat> beats;
    std::vector<double> intervalsS; // between consecutive beats, seconds
    double periodS = 0;             // the finding's period (evidence), else the median interval
    double jitterPct = 0;           // the finding's jitter (evidence), else the IQR over the period
    double binWidthS = 0;
    double firstBinStartS = 0;      // left edge of bins[0]
    std::vector<int> bins;
    int longer = 0;                 // intervals beyond the last bin (missed beats, pauses)

    bool empty() const { return beats.size() < 2; }
    double binCentre(size_t i) const { return firstBinStartS + (double(i) + 0.5) * binWidthS; }
    int dominantBin() const; // -1 when there are no intervals
    // Which bin an interval falls in; -1 outside the histogram.
    int binOf(double intervalS) const;
};
