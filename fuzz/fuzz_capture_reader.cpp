// libFuzzer target: pcap and pcapng files (plain or gzip) through CaptureReader:
// libpcap's file parsing, link layers, VLAN tags, IPv4/IPv6 headers and
// extension headers, fragment reassembly and UDP. Every payload byte handed
// out is read, so a datagram that points outside the packet shows under ASan.
#include "FuzzChecks.h"
#include "FuzzTargets.h"

#include "io/CaptureReader.h"

int fuzzCaptureReader(const uint8_t* data, size_t size)
{
    static FuzzInputFile file;
    const std::string& path = file.write(data, size);
    CaptureReader reader;
    std::string error;
    if (!reader.open(path, error)) {
        FUZZ_CHECK(!error.empty());
        return 0;
    }
    UdpDatagram d;
    uint64_t datagrams = 0;
    unsigned sum = 0;
    for (;;) {
        const CaptureReader::Result r = reader.next(d);
        if (r != CaptureReader::Result::Datagram)
            break;
        ++datagrams;
        FUZZ_CHECK(d.length <= 65535);
        FUZZ_CHECK(d.payload != nullptr || d.length == 0);
        for (size_t i = 0; i < d.length; ++i)
            sum += d.payload[i];
    }
    const CaptureStats& s = reader.stats();
    FUZZ_CHECK(s.udpDatagrams == datagrams);
    FUZZ_CHECK(s.reassembled <= s.fragments);
    FUZZ_CHECK(reader.bytesRead() <= reader.bytesTotal());
    return int(sum & 0); // the sum only makes the reads real
}

FLOWSIFT_FUZZ_MAIN(fuzzCaptureReader)
