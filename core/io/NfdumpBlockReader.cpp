#include "io/NfdumpBlockReader.h"

#include <bzlib.h>
#include <lz4.h>
#include <lzo1x.h> // lzo2.pc puts /usr/include/lzo on the include path
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/stat.h>

namespace {

constexpr uint16_t kMagic = 0xA50C;
constexpr uint16_t kLayout1 = 1;
constexpr uint16_t kLayout2 = 2;

// Layout 1 header flags (nfdump 1.6 nffile.h).
constexpr uint32_t kV1Lzo = 0x01;
constexpr uint32_t kV1Anonymized = 0x02;
constexpr uint32_t kV1Bz2 = 0x08;
constexpr uint32_t kV1Lz4 = 0x10;

// Layout 2 block flag: this block is stored uncompressed whatever the file says.
constexpr uint16_t kBlockUncompressed = 0x1;

// Appendix records (layout 2).
constexpr uint16_t kTypeIdent = 0x8001;
constexpr uint16_t kTypeStat = 0x8002;

uint16_t le16(const uint8_t* p) { return uint16_t(p[0] | p[1] << 8); }
uint32_t le32(const uint8_t* p) { return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24; }
uint64_t le64(const uint8_t* p) { return uint64_t(le32(p)) | uint64_t(le32(p + 4)) << 32; }

std::string identFrom(const uint8_t* p, size_t n)
{
    std::string s;
    for (size_t i = 0; i < n && p[i]; ++i)
        s += (p[i] >= 0x20 && p[i] < 0x7f) ? char(p[i]) : '?';
    return s;
}

} // namespace

const char* NfdumpFileInfo::compressionName(Compression c)
{
    switch (c) {
    case None: return "none";
    case Lzo: return "LZO";
    case Bz2: return "BZ2";
    case Lz4: return "LZ4";
    case Zstd: return "ZSTD";
    }
    return "?";
}

NfdumpBlockReader::~NfdumpBlockReader() { close(); }

void NfdumpBlockReader::close()
{
    if (m_file)
        std::fclose(m_file);
    m_file = nullptr;
}

bool NfdumpBlockReader::looksLike(const uint8_t* head, size_t n)
{
    if (n < 4)
        return false;
    const uint16_t magicLe = le16(head), versionLe = le16(head + 2);
    const uint16_t magicBe = uint16_t(head[0] << 8 | head[1]), versionBe = uint16_t(head[2] << 8 | head[3]);
    return (magicLe == kMagic && (versionLe == kLayout1 || versionLe == kLayout2))
        || (magicBe == kMagic && (versionBe == kLayout1 || versionBe == kLayout2));
}

bool NfdumpBlockReader::readAt(int64_t offset, void* buffer, size_t n)
{
    if (fseeko(m_file, off_t(offset), SEEK_SET) != 0)
        return false;
    return std::fread(buffer, 1, n, m_file) == n;
}

bool NfdumpBlockReader::open(const std::string& path, std::string& error)
{
    close();
    m_path = path;
    m_info = {};
    m_pos = m_dataEnd = m_fileSize = 0;
    m_blocks = 0;
    m_blocksOverLimit = 0;
    m_done = false;
    m_openProblems.clear();
    m_problem = {};

    m_file = std::fopen(path.c_str(), "rb");
    if (!m_file) {
        error = path + ": " + std::strerror(errno);
        return false;
    }
    struct stat st {};
    if (fstat(fileno(m_file), &st) != 0) {
        error = path + ": " + std::strerror(errno);
        close();
        return false;
    }
    m_fileSize = int64_t(st.st_size);

    uint8_t h[kV1HeaderBytes + kV1StatBytes] = {};
    const size_t got = std::fread(h, 1, sizeof h, m_file);
    if (got < 4 || !looksLike(h, got)) {
        error = path + ": not an nfdump file (no 0xA50C magic)";
        close();
        return false;
    }
    if (le16(h) != kMagic) {
        error = path + ": nfdump file written on a big-endian host; only little-endian nfdump files can be read";
        close();
        return false;
    }
    m_info.layout = le16(h + 2);

    if (m_info.layout == kLayout1) {
        if (got < kV1HeaderBytes + kV1StatBytes) {
            error = path + ": truncated nfdump 1.6 file header (" + std::to_string(got) + " of "
                + std::to_string(kV1HeaderBytes + kV1StatBytes) + " bytes)";
            close();
            return false;
        }
        const uint32_t flags = le32(h + 4);
        const int kinds = ((flags & kV1Lzo) != 0) + ((flags & kV1Bz2) != 0) + ((flags & kV1Lz4) != 0);
        if (kinds > 1) {
            error = path + ": nfdump 1.6 header names several compressions (flags " + std::to_string(flags) + ")";
            close();
            return false;
        }
        m_info.compression = (flags & kV1Lzo) ? NfdumpFileInfo::Lzo
            : (flags & kV1Bz2)                ? NfdumpFileInfo::Bz2
            : (flags & kV1Lz4)                ? NfdumpFileInfo::Lz4
                                              : NfdumpFileInfo::None;
        m_info.anonymized = (flags & kV1Anonymized) != 0;
        m_info.announcedBlocks = le32(h + 8);
        m_info.ident = identFrom(h + 12, 128);
        // The statistics record right after the header starts with the flow count.
        m_info.statFlows = le64(h + kV1HeaderBytes);
        m_info.haveStat = true;
        m_pos = kV1HeaderBytes + kV1StatBytes;
        m_dataEnd = m_fileSize;
        return true;
    }

    if (got < kV2HeaderBytes) {
        error = path + ": truncated nfdump file header (" + std::to_string(got) + " of "
            + std::to_string(kV2HeaderBytes) + " bytes)";
        close();
        return false;
    }
    m_info.nfdumpVersion = le32(h + 4);
    m_info.created = int64_t(le64(h + 8));
    const uint8_t compression = h[16];
    const uint8_t encryption = h[17];
    const uint16_t appendixBlocks = le16(h + 18);
    m_info.creator = le32(h + 20);
    const int64_t appendixOffset = int64_t(le64(h + 24));
    m_info.announcedBlocks = le32(h + 36);
    if (compression > NfdumpFileInfo::Zstd) {
        error = path + ": unknown nfdump compression " + std::to_string(compression);
        close();
        return false;
    }
    if (encryption != 0) {
        error = path + ": encrypted nfdump file (encryption " + std::to_string(encryption) + ") is not supported";
        close();
        return false;
    }
    m_info.compression = NfdumpFileInfo::Compression(compression);
    m_pos = kV2HeaderBytes;
    m_dataEnd = m_fileSize;
    if (appendixBlocks > 0) {
        if (appendixOffset >= int64_t(kV2HeaderBytes) && appendixOffset < m_fileSize) {
            m_dataEnd = appendixOffset;
            readAppendix(appendixOffset, appendixBlocks);
        } else {
            m_openProblems.push_back({24, "appendix offset " + std::to_string(appendixOffset)
                                              + " lies outside the file of " + std::to_string(m_fileSize)
                                              + " bytes (file truncated?)"});
        }
    }
    return true;
}

void NfdumpBlockReader::readAppendix(int64_t offset, uint16_t blocks)
{
    // The appendix carries the ident and the statistics record; it is
    // compressed like the data blocks. Nothing in it is a flow.
    int64_t pos = offset;
    for (uint16_t b = 0; b < blocks && b < 16; ++b) {
        uint8_t bh[kBlockHeaderBytes];
        if (pos + int64_t(kBlockHeaderBytes) > m_fileSize || !readAt(pos, bh, sizeof bh)) {
            m_openProblems.push_back({pos, "appendix block header beyond the end of the file"});
            return;
        }
        const uint32_t size = le32(bh + 4);
        const uint16_t flags = le16(bh + 10);
        m_blocksOverLimit += size > kMaxBlockBytes;
        if (size == 0 || size > kMaxBlockBytes || pos + int64_t(kBlockHeaderBytes) + size > m_fileSize) {
            m_openProblems.push_back({pos, "appendix block of " + std::to_string(size) + " bytes does not fit the file"});
            return;
        }
        m_raw.resize(size);
        if (!readAt(pos + int64_t(kBlockHeaderBytes), m_raw.data(), size)) {
            m_openProblems.push_back({pos, "cannot read the appendix block"});
            return;
        }
        const uint8_t* data = m_raw.data();
        size_t n = size;
        if (m_info.compression != NfdumpFileInfo::None && !(flags & kBlockUncompressed)) {
            std::string reason;
            bool overLimit = false;
            if (!decompress(m_raw.data(), size, n, reason, overLimit)) {
                m_blocksOverLimit += overLimit;
                m_openProblems.push_back({pos, "appendix block: " + reason});
                return;
            }
            data = m_plain.get();
        }
        for (size_t p = 0; p + 4 <= n;) {
            const uint16_t type = le16(data + p), rsize = le16(data + p + 2);
            if (rsize < 4 || p + rsize > n)
                break;
            if (type == kTypeIdent)
                m_info.ident = identFrom(data + p + 4, rsize - 4);
            else if (type == kTypeStat && rsize >= 12) {
                m_info.statFlows = le64(data + p + 4);
                m_info.haveStat = true;
            }
            p += rsize;
        }
        pos += int64_t(kBlockHeaderBytes) + size;
    }
}

bool NfdumpBlockReader::decompress(const uint8_t* in, size_t inSize, size_t& outSize, std::string& reason,
                                   bool& overLimit)
{
    overLimit = false;
    if (!m_plain)
        m_plain = std::make_unique_for_overwrite<uint8_t[]>(kMaxBlockBytes);
    uint8_t* out = m_plain.get();
    const size_t capacity = kMaxBlockBytes;
    switch (m_info.compression) {
    case NfdumpFileInfo::None:
        break;
    case NfdumpFileInfo::Lzo: {
        static const bool lzoReady = lzo_init() == LZO_E_OK;
        if (!lzoReady) {
            reason = "LZO library failed to initialise";
            return false;
        }
        lzo_uint n = capacity;
        const int r = lzo1x_decompress_safe(in, lzo_uint(inSize), out, &n, nullptr);
        if (r == LZO_E_OUTPUT_OVERRUN) {
            overLimit = true;
            reason = "LZO block expands beyond " + std::to_string(capacity >> 20) + " MiB";
            return false;
        }
        if (r != LZO_E_OK) {
            reason = "LZO decompression failed (error " + std::to_string(r) + ")";
            return false;
        }
        outSize = n;
        return true;
    }
    case NfdumpFileInfo::Bz2: {
        unsigned n = unsigned(capacity);
        const int r = BZ2_bzBuffToBuffDecompress(reinterpret_cast<char*>(out), &n,
                                                 const_cast<char*>(reinterpret_cast<const char*>(in)),
                                                 unsigned(inSize), 0, 0);
        if (r != BZ_OK) {
            overLimit = r == BZ_OUTBUFF_FULL;
            reason = r == BZ_OUTBUFF_FULL ? "BZ2 block expands beyond " + std::to_string(capacity >> 20) + " MiB"
                                          : "BZ2 decompression failed (error " + std::to_string(r) + ")";
            return false;
        }
        outSize = n;
        return true;
    }
    case NfdumpFileInfo::Lz4: {
        const int n = LZ4_decompress_safe(reinterpret_cast<const char*>(in), reinterpret_cast<char*>(out),
                                          int(inSize), int(capacity));
        if (n <= 0) {
            // LZ4 reports a block expanding past the buffer like a corrupt one
            // (a negative result): it counts as damaged, not as over the limit.
            reason = "LZ4 decompression failed (error " + std::to_string(n) + ")";
            return false;
        }
        outSize = size_t(n);
        return true;
    }
    case NfdumpFileInfo::Zstd: {
        const unsigned long long announced = ZSTD_getFrameContentSize(in, inSize);
        if (announced != ZSTD_CONTENTSIZE_UNKNOWN && announced != ZSTD_CONTENTSIZE_ERROR && announced > capacity) {
            overLimit = true;
            reason = "ZSTD block announces " + std::to_string(announced) + " bytes, more than "
                + std::to_string(capacity >> 20) + " MiB";
            return false;
        }
        const size_t n = ZSTD_decompress(out, capacity, in, inSize);
        if (ZSTD_isError(n)) {
            overLimit = ZSTD_getErrorCode(n) == ZSTD_error_dstSize_tooSmall;
            reason = std::string("ZSTD decompression failed: ") + ZSTD_getErrorName(n);
            return false;
        }
        outSize = n;
        return true;
    }
    }
    reason = "not a compressed file";
    return false;
}

NfdumpBlockReader::Result NfdumpBlockReader::fail(int64_t offset, std::string reason, uint32_t recordsLost)
{
    m_done = true;
    m_pos = m_fileSize; // nothing more will be read: progress is complete
    m_problem = {offset, std::move(reason), recordsLost};
    return Result::Failed;
}

NfdumpBlockReader::Result NfdumpBlockReader::next(NfdumpBlock& out)
{
    if (m_done || !m_file)
        return Result::End;
    if (m_pos >= m_dataEnd) {
        m_done = true;
        const int64_t end = m_pos;
        m_pos = m_fileSize; // the appendix after the data was read on open
        // A file cut exactly at a block boundary: only the count tells.
        if (m_info.announcedBlocks > m_blocks)
            return fail(end, "the header announces " + std::to_string(m_info.announcedBlocks)
                                   + " data blocks, the file ends after " + std::to_string(m_blocks), 0);
        return Result::End;
    }
    const int64_t at = m_pos;
    if (m_dataEnd - at < int64_t(kBlockHeaderBytes))
        return fail(at, "truncated block header (" + std::to_string(m_dataEnd - at) + " bytes left)", 1);
    uint8_t bh[kBlockHeaderBytes];
    if (!readAt(at, bh, sizeof bh))
        return fail(at, std::string("read error: ") + std::strerror(errno), 1);
    const uint32_t numRecords = le32(bh);
    const uint32_t size = le32(bh + 4);
    const uint16_t type = le16(bh + 8);
    const uint16_t flags = le16(bh + 10);
    // Bound what a damaged block's header may claim was lost: every record takes 4 bytes or more.
    const uint32_t lost = std::max<uint32_t>(1, std::min<uint32_t>(numRecords, uint32_t(std::min<size_t>(size, kMaxBlockBytes) / 4)));
    if (size > kMaxBlockBytes) {
        ++m_blocksOverLimit;
        return fail(at, "block announces " + std::to_string(size) + " bytes, more than the "
                            + std::to_string(kMaxBlockBytes >> 20) + " MiB limit (corrupt block header)", 1);
    }
    const int64_t available = m_dataEnd - at - int64_t(kBlockHeaderBytes);
    if (int64_t(size) > available)
        return fail(at, "block announces " + std::to_string(size) + " bytes, only " + std::to_string(available)
                            + " left (file truncated)", lost);
    m_pos = at + int64_t(kBlockHeaderBytes) + size;
    ++m_blocks;
    if (size == 0) {
        m_problem = {at, "empty data block", 1};
        return Result::Damaged;
    }
    // Block types: 1 = nfdump 1.5, 2 = 1.6 records, 3 = 1.7 records, 4 = 1.7 array block.
    if (type != 2 && type != 3 && type != 4) {
        m_problem = {at, type == 1 ? std::string("nfdump 1.5 data block (type 1) is not supported")
                                   : "unknown data block type " + std::to_string(type),
                     lost};
        return Result::Damaged;
    }
    m_raw.resize(size);
    if (!readAt(at + int64_t(kBlockHeaderBytes), m_raw.data(), size))
        return fail(at, std::string("read error: ") + std::strerror(errno), 1);

    out = {};
    out.fileOffset = at;
    out.type = type;
    out.numRecords = numRecords;
    // nfdump's own reader applies the file's compression to every block; its
    // verifier (nfdump -v) honours the per-block "uncompressed" flag of layout 2.
    const bool compressed = m_info.compression != NfdumpFileInfo::None
        && !(m_info.layout == kLayout2 && (flags & kBlockUncompressed));
    if (!compressed) {
        out.data = m_raw.data();
        out.size = size;
        return Result::Block;
    }
    std::string reason;
    size_t n = 0;
    bool overLimit = false;
    if (!decompress(m_raw.data(), size, n, reason, overLimit)) {
        m_blocksOverLimit += overLimit;
        m_problem = {at, std::string(NfdumpFileInfo::compressionName(m_info.compression)) + " block of "
                             + std::to_string(size) + " bytes: " + reason,
                     lost};
        return Result::Damaged;
    }
    out.data = m_plain.get();
    out.size = n;
    out.compressed = true;
    return Result::Block;
}
