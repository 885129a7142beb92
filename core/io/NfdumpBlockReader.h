#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

// What the header of an nfdump binary file (nfcapd.*) says.
struct NfdumpFileInfo {
    enum Compression : uint8_t { None = 0, Lzo = 1, Bz2 = 2, Lz4 = 3, Zstd = 4 };

    int layout = 0;            // 1: nfdump 1.6 (LAYOUT_VERSION_1), 2: nfdump 1.7 (LAYOUT_VERSION_2)
    Compression compression = None;
    uint32_t nfdumpVersion = 0; // layout 2: version of the writer, e.g. 0x01070100 for 1.7.1
    uint32_t creator = 0;      // layout 2 from 1.7.2 on: 1 nfcapd, 4 nfdump, ...; 0 unknown
    int64_t created = 0;       // layout 2: epoch seconds
    uint32_t announcedBlocks = 0; // data blocks the header counts (0 while nfcapd still writes it)
    bool anonymized = false;   // layout 1 flag
    std::string ident;         // the collector's source name ("none" when unset)
    uint64_t statFlows = 0;    // flow count of the file's statistics record, when read
    bool haveStat = false;

    static const char* compressionName(Compression c);
};

// One data block of an nfdump file, decompressed. data stays valid until the
// next call to NfdumpBlockReader::next().
struct NfdumpBlock {
    int64_t fileOffset = 0; // of the 12-byte block header
    uint16_t type = 0;      // 2 (nfdump 1.6 records), 3 (1.7 records), 4 (array block)
    uint32_t numRecords = 0;
    const uint8_t* data = nullptr;
    size_t size = 0;        // decompressed bytes after the header
    bool compressed = false;
};

struct NfdumpReadProblem {
    int64_t offset = -1;    // byte offset in the file
    std::string reason;
    uint32_t recordsLost = 0; // what the damaged block's header announced
};

// Reads nfdump binary files block by block (memory stays bounded by one
// block), as written by nfcapd/nfdump 1.6 (layout 1) and 1.7 (layout 2), with
// LZO, BZ2, LZ4 or ZSTD block compression. Every length read from the file is
// bounded before use. Layout is that of the writer's host; only little-endian
// files (x86, ARM) are read, as nfdump itself refuses the other byte order.
class NfdumpBlockReader final {
public:
    // nfdump allocates 5 MiB per block; anything much larger is corruption.
    static constexpr size_t kMaxBlockBytes = 16u << 20;
    static constexpr size_t kV1HeaderBytes = 140;  // magic, version, flags, blocks, ident[128]
    static constexpr size_t kV1StatBytes = 136;    // statistics record that follows it
    static constexpr size_t kV2HeaderBytes = 40;
    static constexpr size_t kBlockHeaderBytes = 12;

    NfdumpBlockReader() = default;
    ~NfdumpBlockReader();
    NfdumpBlockReader(const NfdumpBlockReader&) = delete;
    NfdumpBlockReader& operator=(const NfdumpBlockReader&) = delete;

    // True when the first bytes are an nfdump file header (either byte order).
    static bool looksLike(const uint8_t* head, size_t n);

    // Opens the file and reads its header (and the layout 2 appendix). Fails,
    // with the file name and reason in error, on anything that is not a
    // readable nfdump file. Problems found in the appendix are kept in
    // openProblems(); they do not prevent reading the flows.
    bool open(const std::string& path, std::string& error);
    void close();

    enum class Result {
        Block,   // out holds the next data block
        Damaged, // one block could not be used (problem() says why); the next call goes on after it
        End,     // no more blocks
        Failed,  // the rest of the file cannot be read (problem() says why); the next call returns End
    };
    Result next(NfdumpBlock& out);

    const NfdumpReadProblem& problem() const { return m_problem; }
    const std::vector<NfdumpReadProblem>& openProblems() const { return m_openProblems; }
    const NfdumpFileInfo& info() const { return m_info; }
    int64_t bytesRead() const { return m_pos; }
    int64_t bytesTotal() const { return m_fileSize; }
    uint32_t blocksRead() const { return m_blocks; }
    // Blocks refused for announcing, or decompressing to, more than kMaxBlockBytes.
    uint32_t blocksOverLimit() const { return m_blocksOverLimit; }

private:
    bool readAt(int64_t offset, void* buffer, size_t n);
    // Decompresses into m_plain (kMaxBlockBytes); overLimit tells a block that would expand beyond it.
    bool decompress(const uint8_t* in, size_t inSize, size_t& outSize, std::string& reason, bool& overLimit);
    void readAppendix(int64_t offset, uint16_t blocks);
    Result fail(int64_t offset, std::string reason, uint32_t recordsLost);

    std::FILE* m_file = nullptr;
    std::string m_path;
    NfdumpFileInfo m_info;
    int64_t m_fileSize = 0;
    int64_t m_pos = 0;       // next block header
    int64_t m_dataEnd = 0;   // data blocks end here (layout 2: the appendix starts)
    uint32_t m_blocks = 0;
    uint32_t m_blocksOverLimit = 0;
    bool m_done = false;
    std::vector<uint8_t> m_raw;   // block payload as stored
    std::unique_ptr<uint8_t[]> m_plain; // decompressed payload, kMaxBlockBytes once needed (not zeroed)
    NfdumpReadProblem m_problem;
    std::vector<NfdumpReadProblem> m_openProblems;
};
