#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

typedef struct gzFile_s* gzFile;

// Reads a text file line by line, gunzipping transparently (zlib reads plain
// files unchanged and follows concatenated gzip members, which is how the
// python-netflow collector appends to its output). Memory is bounded by the
// longest accepted line.
class GzipLineReader final {
public:
    // Lines longer than this are reported as too long and skipped: a bound on
    // memory whatever the input.
    static constexpr size_t kMaxLineBytes = 64 * 1024 * 1024;

    GzipLineReader() = default;
    ~GzipLineReader();
    GzipLineReader(const GzipLineReader&) = delete;
    GzipLineReader& operator=(const GzipLineReader&) = delete;

    bool open(const std::string& path, std::string& error);
    // Bytes worth buffering at once: the whole of a small plain file, else 1 MiB.
    size_t chunkSize() const { return m_chunkSize; }

    // Next line without its end-of-line characters; false at end of input or on
    // a read error (see error()). A line that exceeds kMaxLineBytes comes back
    // empty with tooLong() set.
    bool nextLine(std::string_view& line);
    // Raw (decompressed) bytes for readers that are not line oriented; 0 at end.
    size_t read(char* buffer, size_t size);

    int64_t lineNumber() const { return m_lineNumber; }  // 1-based, of the last line returned
    int64_t lineOffset() const { return m_lineOffset; }  // decompressed offset of that line
    bool tooLong() const { return m_tooLong; }
    bool compressed() const { return m_compressed; }
    const std::string& error() const { return m_error; }
    // Bytes consumed from the file itself (compressed bytes for .gz): progress.
    int64_t bytesRead() const;
    int64_t bytesTotal() const { return m_size; }

private:
    bool fill();

    gzFile m_file = nullptr;
    std::vector<char> m_buffer;
    size_t m_begin = 0;
    size_t m_end = 0;
    int64_t m_bufferOffset = 0; // decompressed offset of m_buffer[0]
    int64_t m_lineNumber = 0;
    int64_t m_lineOffset = 0;
    int64_t m_size = 0;
    size_t m_chunkSize = 0;
    bool m_eof = false;
    bool m_tooLong = false;
    bool m_compressed = false;
    std::string m_error;
    std::string m_long; // accumulates a line that spans buffer refills
};
