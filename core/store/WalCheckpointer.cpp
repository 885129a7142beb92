#include "store/WalCheckpointer.h"

#include <sqlite3.h>

WalCheckpointer::WalCheckpointer(sqlite3* writer, const std::string& path, int threadFrames, int writerFrames)
    : m_writer(writer)
    , m_threadFrames(threadFrames)
    , m_writerFrames(writerFrames)
{
    if (sqlite3_open_v2(path.c_str(), &m_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
        // Without a connection of its own the writer keeps checkpointing itself, as before.
        sqlite3_close_v2(m_db);
        m_db = nullptr;
        return;
    }
    // A connection knows the file is in WAL mode only once it has read it;
    // until then a checkpoint does nothing (and says -1 frames).
    if (sqlite3_exec(m_db, "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, nullptr) != SQLITE_OK) {
        sqlite3_close_v2(m_db);
        m_db = nullptr;
        return;
    }
    sqlite3_wal_hook(m_writer, &WalCheckpointer::onCommit, this); // replaces the automatic checkpoint
    m_thread = std::thread([this] { run(); });
}

WalCheckpointer::~WalCheckpointer()
{
    if (!m_db)
        return;
    sqlite3_wal_hook(m_writer, nullptr, nullptr);
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_one();
    m_thread.join();
    sqlite3_close_v2(m_db);
    sqlite3_wal_autocheckpoint(m_writer, 1000); // SQLite's default hook and threshold again
}

int WalCheckpointer::onCommit(void* self, sqlite3* db, const char* name, int frames)
{
    // On the writer's thread, after each commit: a flag for the thread, not the checkpoint itself.
    auto* c = static_cast<WalCheckpointer*>(self);
    if (frames >= c->m_writerFrames) {
        // Copies what the thread has not yet; after the thread's pass, if one runs (it has copied most).
        std::lock_guard pass(c->m_pass);
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
        return SQLITE_OK;
    }
    if (frames >= c->m_threadFrames) {
        {
            std::lock_guard lock(c->m_mutex);
            c->m_due = true;
        }
        c->m_wake.notify_one();
    }
    return SQLITE_OK;
}

void WalCheckpointer::run()
{
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [this] { return m_due || m_stop; });
        if (m_stop)
            return;
        m_due = false;
        lock.unlock();
        // PASSIVE: copies what no reader still needs, never waits for the writer or readers.
        {
            std::lock_guard pass(m_pass);
            int logFrames = 0, copied = 0;
            if (sqlite3_wal_checkpoint_v2(m_db, nullptr, SQLITE_CHECKPOINT_PASSIVE, &logFrames, &copied) == SQLITE_OK
                && copied > 0)
                ++m_checkpoints;
        }
        lock.lock();
    }
}
