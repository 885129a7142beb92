#pragma once

#include "detect/Detector.h"

// Network service discovery (ATT&CK T1046): one source trying one port on many
// hosts (horizontal) or many ports on one host (vertical), and many sources
// sharing out one target set on one port in a short window (distributed).
// Failed attempts carry the evidence (unanswered, refused, or a half-open
// SYN/SYN-ACK torn down), so a busy client that talks to many servers is not
// a scan. Slow scans are caught by counting over the whole capture and by a
// sequential test on first contacts (Threshold Random Walk, Jung et al. 2004):
// a scanner's first contacts mostly fail, a client's mostly succeed, however
// slowly either comes.
class PortScanDetector final : public Detector {
public:
    struct Parameters {
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

    PortScanDetector() = default;
    explicit PortScanDetector(Parameters p) : m_params(p) {}
    std::string name() const override { return "port_scan"; }
    std::vector<Finding> run(const DetectionContext& context, const std::atomic_bool& cancel) const override;

private:
    std::vector<Finding> distributed(const DetectionContext& context, const std::atomic_bool& cancel) const;

    Parameters m_params;
};
