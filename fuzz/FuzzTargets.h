#pragma once

#include <cstddef>
#include <cstdint>

// Entry points of the fuzz targets, one per reader of untrusted input. Each
// fuzz_*.cpp defines its function and, in the libFuzzer build, the
// LLVMFuzzerTestOneInput that calls it; the normal build's regression test
// (tests/fuzz/tst_fuzzregressions.cpp) calls the same functions on every input
// kept in tests/data/fuzz-regressions/<target>/. They return 0 and abort on a
// broken invariant (ASan/UBSan report memory errors and undefined behaviour).
int fuzzExportDecoder(const uint8_t* data, size_t size);
int fuzzCaptureReader(const uint8_t* data, size_t size);
int fuzzJsonLines(const uint8_t* data, size_t size);
int fuzzCsv(const uint8_t* data, size_t size);
int fuzzNfdumpFile(const uint8_t* data, size_t size);
int fuzzFlowFilter(const uint8_t* data, size_t size);

#ifdef FLOWSIFT_FUZZ_REPLAY
#define FLOWSIFT_FUZZ_MAIN(function)
#else
#define FLOWSIFT_FUZZ_MAIN(function)                                                                           \
    extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { return function(data, size); }
#endif
