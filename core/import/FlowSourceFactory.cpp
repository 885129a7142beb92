#include "import/ExportCaptureSource.h"
#include "import/FlowSource.h"
#include "import/NfdumpFileSource.h"
#include "import/TextFormatDetector.h"

#include <algorithm>
#include <zlib.h>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace {

bool isPcapMagic(const uint8_t* m, size_t n)
{
    if (n < 4)
        return false;
    const uint32_t be = (uint32_t(m[0]) << 24) | (uint32_t(m[1]) << 16) | (uint32_t(m[2]) << 8) | m[3];
    switch (be) {
    case 0xa1b2c3d4: case 0xd4c3b2a1: // pcap, µs
    case 0xa1b23c4d: case 0x4d3cb2a1: // pcap, ns
    case 0xa1b2cd34: case 0x34cdb2a1: // Kuznetzov modified pcap
    case 0x0a0d0d0a:                  // pcapng section header block
        return true;
    default:
        return false;
    }
}

std::string hexBytes(const uint8_t* b, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    std::string s;
    for (size_t i = 0; i < n; ++i) {
        if (i)
            s += ' ';
        s += digits[b[i] >> 4];
        s += digits[b[i] & 15];
    }
    return s;
}

} // namespace

std::unique_ptr<FlowSource> openFlowSource(const std::string& path, std::string& error)
{
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) {
        error = path + ": " + std::strerror(errno);
        return nullptr;
    }
    uint8_t head[16] = {};
    const size_t n = std::fread(head, 1, sizeof head, f);
    const bool readFailed = std::ferror(f);
    const int readErrno = errno;
    std::fclose(f);
    if (readFailed) {
        error = path + ": " + std::strerror(readErrno);
        return nullptr;
    }
    if (n == 0) {
        error = path + ": empty file";
        return nullptr;
    }

    // Content decides, never the file name. Add new formats here, most
    // specific signature first.
    // A gzip file may hold a capture: look at its first decompressed bytes.
    uint8_t inner[4] = {};
    size_t innerN = 0;
    if (n >= 2 && head[0] == 0x1f && head[1] == 0x8b) {
        if (gzFile g = gzopen(path.c_str(), "rb")) {
            innerN = size_t(std::max(0, gzread(g, inner, sizeof inner)));
            gzclose(g);
        }
    }
    if (isPcapMagic(head, n) || isPcapMagic(inner, innerN)) {
        auto source = std::make_unique<ExportCaptureSource>();
        if (!source->open(path, error))
            return nullptr;
        return source;
    }
    // nfdump binary files (nfcapd.*): magic 0xA50C, layout version 1 or 2.
    if (NfdumpFileSource::looksLike(head, n)) {
        auto source = std::make_unique<NfdumpFileSource>();
        if (!source->open(path, error))
            return nullptr;
        return source;
    }
    // Text formats, plain or gzip (1f 8b): JSON lines/arrays, CSV, Zeek TSV.
    {
        std::unique_ptr<FlowSource> text;
        switch (TextFormatDetector::open(path, text, error)) {
        case TextFormatDetector::Outcome::Opened: return text;
        case TextFormatDetector::Outcome::Failed: return nullptr;
        case TextFormatDetector::Outcome::NotText: break;
        }
    }
    if (innerN > 0) {
        error = path + ": gzip-compressed, but its content is no format Flowsift reads (first bytes "
            + hexBytes(inner, innerN) + ")";
        return nullptr;
    }
    error = path + ": unrecognised format (first bytes " + hexBytes(head, std::min<size_t>(n, 8)) + ")";
    return nullptr;
}
