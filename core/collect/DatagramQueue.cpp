#include "collect/DatagramQueue.h"

namespace {
// Enough spare batches to cover bursts without keeping the peak allocated forever.
constexpr size_t kMaxSpares = 64;
// A recycled batch that grew past this returns its memory instead.
constexpr size_t kMaxSpareBytes = 4u << 20;
}

DatagramQueue::DatagramQueue(size_t maxBytes)
    : m_maxBytes(maxBytes)
{
}

bool DatagramQueue::push(std::unique_ptr<DatagramBatch>& batch)
{
    if (!batch || batch->empty())
        return true;
    const size_t size = batch->footprint();
    {
        std::lock_guard lock(m_mutex);
        if (m_closed || m_bytes + size > m_maxBytes)
            return false;
        m_bytes += size;
        m_batches.push_back(std::move(batch));
    }
    m_ready.notify_one();
    return true;
}

std::unique_ptr<DatagramBatch> DatagramQueue::pop(std::chrono::steady_clock::time_point deadline)
{
    std::unique_lock lock(m_mutex);
    m_ready.wait_until(lock, deadline, [this] { return !m_batches.empty() || m_closed; });
    if (m_batches.empty())
        return nullptr;
    std::unique_ptr<DatagramBatch> b = std::move(m_batches.front());
    m_batches.pop_front();
    m_bytes -= b->footprint();
    return b;
}

void DatagramQueue::close()
{
    {
        std::lock_guard lock(m_mutex);
        m_closed = true;
    }
    m_ready.notify_all();
}

bool DatagramQueue::closedAndEmpty() const
{
    std::lock_guard lock(m_mutex);
    return m_closed && m_batches.empty();
}

void DatagramQueue::recycle(std::unique_ptr<DatagramBatch> batch)
{
    if (!batch || batch->bytes.capacity() > kMaxSpareBytes)
        return;
    batch->clear();
    std::lock_guard lock(m_mutex);
    if (m_spares.size() < kMaxSpares)
        m_spares.push_back(std::move(batch));
}

std::unique_ptr<DatagramBatch> DatagramQueue::spare()
{
    {
        std::lock_guard lock(m_mutex);
        if (!m_spares.empty()) {
            std::unique_ptr<DatagramBatch> b = std::move(m_spares.back());
            m_spares.pop_back();
            return b;
        }
    }
    return std::make_unique<DatagramBatch>();
}

size_t DatagramQueue::bytesQueued() const
{
    std::lock_guard lock(m_mutex);
    return m_bytes;
}
