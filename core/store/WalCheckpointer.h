#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

struct sqlite3;

// Checkpoints a case's WAL on a thread of its own while a collector writes.
// SQLite's automatic checkpoint runs inside the COMMIT that passes the
// threshold: the writer copies the WAL into the database and waits for its
// fsync before it can insert again, a stall of a large share of its time at
// collector rates. Here the writer's commits only note the WAL's size (the
// wal hook); this thread, with its own connection, runs PASSIVE checkpoints,
// which never block the writer and change nothing about what a crash can
// lose (the WAL keeps every committed batch until it is copied).
//
// A WAL starts over only when a transaction begins after a checkpoint that
// copied all of it, which a checkpoint running beside a busy writer seldom
// manages; so once the WAL reaches writerFrames the writer finishes the job
// itself after its commit, as SQLite's automatic checkpoint would, but with
// only the frames since the thread's last pass left to copy.
class WalCheckpointer final {
public:
    // writer: the connection whose commits are watched (its automatic
    // checkpoint is turned off). The thread checkpoints once the WAL holds
    // threadFrames frames, the writer once it holds writerFrames.
    WalCheckpointer(sqlite3* writer, const std::string& path, int threadFrames, int writerFrames);
    ~WalCheckpointer(); // stops the thread; gives the writer its automatic checkpoint back
    WalCheckpointer(const WalCheckpointer&) = delete;
    WalCheckpointer& operator=(const WalCheckpointer&) = delete;

    bool isRunning() const { return m_db != nullptr; }
    uint64_t checkpoints() const { return m_checkpoints; } // passes of the thread that copied frames

private:
    static int onCommit(void* self, sqlite3* db, const char* name, int frames);
    void run();

    sqlite3* m_writer = nullptr;
    sqlite3* m_db = nullptr; // the checkpointer's own connection
    int m_threadFrames = 0;
    int m_writerFrames = 0;
    std::mutex m_mutex;
    std::mutex m_pass; // held through a checkpoint: the writer's waits for the thread's to end (no SQLITE_BUSY)
    std::condition_variable m_wake;
    bool m_due = false;
    bool m_stop = false;
    std::atomic<uint64_t> m_checkpoints{0};
    std::thread m_thread;
};
