// libFuzzer target: nfdump binary files (nfcapd 1.6 and 1.7 layouts) through
// NfdumpFileSource: file header and appendix, the block chain, LZO/BZ2/LZ4/ZSTD
// decompression into the bounded block buffer, and the record decoder
// (V3 elements, 1.6 extension maps, exporter and sampler records).
#include "FuzzChecks.h"
#include "FuzzTargets.h"

#include "import/NfdumpFileSource.h"

int fuzzNfdumpFile(const uint8_t* data, size_t size)
{
    static FuzzInputFile file;
    const std::string& path = file.write(data, size);
    NfdumpFileSource source;
    std::string error;
    if (!source.open(path, error)) {
        FUZZ_CHECK(!error.empty());
        return 0;
    }
    drain(source, NfdumpFileSource::kMaxIssues + 16);
    return 0;
}

FLOWSIFT_FUZZ_MAIN(fuzzNfdumpFile)
