// libFuzzer target: the JSON readers (JSON lines, arrays and concatenated
// objects of v9/IPFIX-named flows; python-netflow collector output; Zeek
// conn.log as JSON), each over the same input, and the content-based choice
// of reader that openFlowSource makes.
#include "FuzzChecks.h"
#include "FuzzTargets.h"

#include "import/FlowJsonSource.h"
#include "import/PyNetflowJsonSource.h"
#include "import/ZeekConnSource.h"

#include <memory>

int fuzzJsonLines(const uint8_t* data, size_t size)
{
    static FuzzInputFile file;
    const std::string& path = file.write(data, size);
    {
        FlowJsonSource s;
        readWith(s, path);
    }
    {
        PyNetflowJsonSource s;
        readWith(s, path);
    }
    {
        ZeekConnSource s(true);
        readWith(s, path);
    }
    std::string error;
    if (std::unique_ptr<FlowSource> s = openFlowSource(path, error))
        drain(*s, 1000);
    else
        FUZZ_CHECK(!error.empty());
    return 0;
}

FLOWSIFT_FUZZ_MAIN(fuzzJsonLines)
