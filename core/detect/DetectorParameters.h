#pragma once

#include <cstdint>

// The thresholds of each detector: the defaults here, overridden by the
// detection configuration file (DetectionConfig), recorded in every report.
// Plain aggregates with no dependencies, so that settings can hold them.

struct BeaconParameters {
    int minBeats = 8;               // fewer beats cannot show regularity
    int minInboundBeats = 48;       // inbound series: two days of hourly calls, under an hour of minute ones
    int64_t beatMergeMs = 2000;     // connections this close form one beat
    double commonPrevalence = 0.05; // share of internal clients (and at least 3) that makes a destination common
};

struct PortScanParameters {
    int minFailedTargets = 15; // hosts (horizontal) or ports (vertical)
    double minFailedShare = 0.3;
};

struct ExfiltrationParameters {
    double minBytes = 10e6; // below this an upload is not worth an analyst's time
    double minProducerConsumerRatio = 0.2;
};

struct VolumetricParameters {
    int64_t bucketMs = 60'000;
    double minZ = 8; // robust z-score of the bucket's packets
    double minPacketsPerSecond = 20;
    int minSources = 10; // a flood from one host is a transfer, not a flood
};

struct LongConnectionParameters {
    // Slips reports sessions from 25 minutes (RITA lists them from an hour);
    // the score rises on a log scale from here to highDurationMs.
    int64_t minDurationMs = 1'500'000;
    int64_t highDurationMs = 8 * 3'600'000; // a working day without a break scores high
    bool internalToInternal = false; // also report sessions that stay inside the network
};

struct DetectorThresholds {
    BeaconParameters beacon;
    PortScanParameters portScan;
    ExfiltrationParameters exfiltration;
    VolumetricParameters volumetric;
    LongConnectionParameters longConnection;
};
