#pragma once

#include "collect/DatagramBatch.h"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

// The bounded hand-over from the receive thread to the writer. Bounded by the
// bytes it holds: when the writer falls behind by more than that, the receiver
// drops (and counts) rather than let memory grow without end.
class DatagramQueue final {
public:
    explicit DatagramQueue(size_t maxBytes);

    // False when the batch does not fit (the caller counts the drop); the
    // batch is then left with the caller.
    bool push(std::unique_ptr<DatagramBatch>& batch);
    // Waits until a batch is there, the queue is closed and empty (nullptr),
    // or the deadline passes (nullptr).
    std::unique_ptr<DatagramBatch> pop(std::chrono::steady_clock::time_point deadline);
    // No more pushes; pop drains what is left, then returns nullptr at once.
    void close();
    bool closedAndEmpty() const;

    // Spent batches come back here so the receiver reuses their buffers.
    void recycle(std::unique_ptr<DatagramBatch> batch);
    std::unique_ptr<DatagramBatch> spare();

    size_t bytesQueued() const;
    size_t maxBytes() const { return m_maxBytes; }

private:
    const size_t m_maxBytes;
    mutable std::mutex m_mutex;
    std::condition_variable m_ready;
    std::deque<std::unique_ptr<DatagramBatch>> m_batches;
    std::vector<std::unique_ptr<DatagramBatch>> m_spares;
    size_t m_bytes = 0;
    bool m_closed = false;
};
