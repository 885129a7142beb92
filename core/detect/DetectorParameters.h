#pragma once

#include <cstddef>
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

    // Threshold Random Walk over the outcomes of first contacts (one per target, in time
    // order; a target that ever answers counts as a success).
    double trwBenignSuccess = 0.8;  // theta0: share of a benign source's first contacts that succeed
    double trwScannerSuccess = 0.2; // theta1: ... of a scanner's
    double trwDetection = 0.99;     // P_D; the walk calls a scanner at P_D / P_F (= 99 here,
    double trwFalseAlarm = 0.01;    // P_F   about four more failures than successes)

    // A fast sweep hidden in a busy client's traffic: few failed hosts in all, but many in a
    // short window. Raised at medium at most (a client whose network broke fails like this too).
    int64_t burstWindowMs = 60'000;
    int minBurstFailedTargets = 8;
    double minBurstFailedShare = 0.25; // of the distinct hosts first contacted in the window

    // Distributed scans: failed attempts on one port from many sources to many targets in
    // one window, none of the sources a scanner on its own.
    int64_t distributedWindowMs = 15 * 60'000;
    int minDistributedTargets = 30;
    int minDistributedSources = 5;
    double maxSingleSourceShare = 0.5; // of the window's targets; above: a one-source scan (reported as such)
    double minDistributedFailedShare = 0.8; // of those sources' attempts on the port in the window
    // ... against the port's failures outside the episode: where most attempts on a port fail anyway
    // (a capture of one direction only, asymmetric routing) failures tell nothing.
    double maxBackgroundFailedShare = 0.5;
    size_t maxListedSources = 100; // in the evidence; the count is always complete
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
