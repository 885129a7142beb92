#include "import/GzipLineReader.h"

#include <zlib.h>

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace {
constexpr size_t kChunk = 1 << 20;
}

GzipLineReader::~GzipLineReader()
{
    if (m_file)
        gzclose(m_file);
}

bool GzipLineReader::open(const std::string& path, std::string& error)
{
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        error = path + ": " + std::strerror(errno);
        return false;
    }
    m_size = int64_t(st.st_size);
    m_file = gzopen(path.c_str(), "rb");
    if (!m_file) {
        error = path + ": " + std::strerror(errno ? errno : ENOMEM);
        return false;
    }
    gzbuffer(m_file, 256 * 1024);
    m_compressed = !gzdirect(m_file);
    // A small plain file needs no megabyte (lines longer than the buffer spill
    // over anyway); a compressed one holds more than its size.
    m_chunkSize = !m_compressed && S_ISREG(st.st_mode) ? size_t(std::clamp<int64_t>(m_size + 1, 4096, kChunk)) : kChunk;
    m_buffer.resize(m_chunkSize);
    return true;
}

int64_t GzipLineReader::bytesRead() const
{
    if (!m_file)
        return 0;
    if (m_eof)
        return m_size;
    const int64_t off = int64_t(gzoffset(m_file));
    return off < 0 ? 0 : std::min(off, m_size);
}

bool GzipLineReader::fill()
{
    if (m_eof)
        return false;
    // Keep the unread tail, then top up the buffer.
    if (m_begin > 0) {
        std::memmove(m_buffer.data(), m_buffer.data() + m_begin, m_end - m_begin);
        m_bufferOffset += int64_t(m_begin);
        m_end -= m_begin;
        m_begin = 0;
    }
    if (m_end == m_buffer.size())
        return false; // full: caller moves the partial line aside
    const int n = gzread(m_file, m_buffer.data() + m_end, unsigned(m_buffer.size() - m_end));
    if (n < 0) {
        int errnum = 0;
        const char* msg = gzerror(m_file, &errnum);
        m_error = msg ? msg : "read error";
        m_eof = true;
        return false;
    }
    if (n == 0) {
        m_eof = true;
        return false;
    }
    m_end += size_t(n);
    return true;
}

size_t GzipLineReader::read(char* out, size_t size)
{
    size_t done = 0;
    if (m_begin < m_end) {
        done = std::min(size, m_end - m_begin);
        std::memcpy(out, m_buffer.data() + m_begin, done);
        m_begin += done;
    }
    while (done < size && !m_eof) {
        const int n = gzread(m_file, out + done, unsigned(std::min<size_t>(size - done, 1u << 30)));
        if (n < 0) {
            int errnum = 0;
            const char* msg = gzerror(m_file, &errnum);
            m_error = msg ? msg : "read error";
            m_eof = true;
        } else if (n == 0) {
            m_eof = true;
        } else {
            done += size_t(n);
        }
    }
    return done;
}

bool GzipLineReader::nextLine(std::string_view& line)
{
    m_tooLong = false;
    m_long.clear();
    bool spilled = false;
    size_t scanFrom = m_begin;
    int64_t startOffset = m_bufferOffset + int64_t(m_begin);
    for (;;) {
        const char* base = m_buffer.data();
        const void* nl = scanFrom < m_end ? std::memchr(base + scanFrom, '\n', m_end - scanFrom) : nullptr;
        if (nl) {
            const size_t pos = size_t(static_cast<const char*>(nl) - base);
            ++m_lineNumber;
            m_lineOffset = startOffset;
            if (spilled) {
                if (!m_tooLong)
                    m_long.append(base + m_begin, pos - m_begin);
                line = m_tooLong ? std::string_view() : std::string_view(m_long);
            } else {
                line = std::string_view(base + m_begin, pos - m_begin);
            }
            m_begin = pos + 1;
            if (!line.empty() && line.back() == '\r')
                line.remove_suffix(1);
            return true;
        }
        const size_t pending = m_end - m_begin;
        if (m_begin == 0 && m_end == m_buffer.size()) {
            // A line longer than the buffer: move it aside and keep reading.
            spilled = true;
            if (!m_tooLong) {
                if (m_long.size() + pending > kMaxLineBytes) {
                    m_tooLong = true;
                    m_long.clear();
                } else {
                    m_long.append(m_buffer.data(), pending);
                }
            }
            m_bufferOffset += int64_t(pending);
            m_begin = m_end = 0;
        }
        const size_t before = m_end - m_begin;
        if (!fill()) {
            if (m_eof && (m_end > m_begin || (spilled && (!m_long.empty() || m_tooLong)))) {
                // Last line without a newline.
                ++m_lineNumber;
                m_lineOffset = startOffset;
                if (spilled) {
                    if (!m_tooLong)
                        m_long.append(m_buffer.data() + m_begin, m_end - m_begin);
                    line = m_tooLong ? std::string_view() : std::string_view(m_long);
                } else {
                    line = std::string_view(m_buffer.data() + m_begin, m_end - m_begin);
                }
                m_begin = m_end;
                if (!line.empty() && line.back() == '\r')
                    line.remove_suffix(1);
                return true;
            }
            if (m_eof)
                return false;
            scanFrom = m_end; // buffer full without a newline: the loop spills it
            continue;
        }
        scanFrom = m_begin + before;
    }
}
