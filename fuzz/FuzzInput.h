#pragma once

// Gives a fuzz input a path: the readers under test open files by name (stat,
// fopen, gzopen, libpcap), so the bytes go into an anonymous in-memory file
// (memfd) reached as /proc/self/fd/N. One file is reused for every input.

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

class FuzzInputFile final {
public:
    FuzzInputFile()
    {
        m_fd = memfd_create("flowsift-fuzz", MFD_CLOEXEC);
        if (m_fd < 0) {
            std::perror("memfd_create");
            std::abort();
        }
        m_path = "/proc/self/fd/" + std::to_string(m_fd);
    }
    ~FuzzInputFile() { ::close(m_fd); }
    FuzzInputFile(const FuzzInputFile&) = delete;
    FuzzInputFile& operator=(const FuzzInputFile&) = delete;

    // Replaces the file's content with data; returns its path.
    const std::string& write(const uint8_t* data, size_t size)
    {
        if (::ftruncate(m_fd, 0) != 0) {
            std::perror("ftruncate");
            std::abort();
        }
        size_t done = 0;
        while (done < size) {
            const ssize_t n = ::pwrite(m_fd, data + done, size - done, off_t(done));
            if (n <= 0) {
                std::perror("pwrite");
                std::abort();
            }
            done += size_t(n);
        }
        return m_path;
    }

private:
    int m_fd = -1;
    std::string m_path;
};

// Aborts (a crash libFuzzer reports and keeps) when an invariant of the code
// under test does not hold.
#define FUZZ_CHECK(cond)                                                                                       \
    do {                                                                                                       \
        if (!(cond)) {                                                                                         \
            std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);                  \
            std::abort();                                                                                      \
        }                                                                                                      \
    } while (0)
