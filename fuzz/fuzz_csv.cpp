// libFuzzer target: the delimited-text readers (nfdump -o csv, NetFlow-named
// CSV, Argus CSV, Zeek conn.log TSV), each over the same input, and the
// content-based choice of reader that openFlowSource makes.
#include "FuzzChecks.h"
#include "FuzzTargets.h"

#include "import/ArgusCsvSource.h"
#include "import/NetflowCsvSource.h"
#include "import/NfdumpCsvSource.h"
#include "import/ZeekConnSource.h"

#include <memory>

int fuzzCsv(const uint8_t* data, size_t size)
{
    static FuzzInputFile file;
    const std::string& path = file.write(data, size);
    {
        NfdumpCsvSource s;
        readWith(s, path);
    }
    {
        NetflowCsvSource s;
        readWith(s, path);
    }
    {
        ArgusCsvSource s;
        readWith(s, path);
    }
    {
        ZeekConnSource s(false);
        readWith(s, path);
    }
    std::string error;
    if (std::unique_ptr<FlowSource> s = openFlowSource(path, error))
        drain(*s, 1000);
    else
        FUZZ_CHECK(!error.empty());
    return 0;
}

FLOWSIFT_FUZZ_MAIN(fuzzCsv)
