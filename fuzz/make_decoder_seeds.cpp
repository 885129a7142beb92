// Writes seed inputs for fuzz_export_decoder: for each capture, the first UDP
// datagrams (templates come first) in the target's framing
//   selector (1 byte) | length (2 bytes, big-endian) | payload
// with one selector per exporter (source address and port) of the capture.
//   fuzz_decoder_seeds OUTDIR CAPTURE...
#include "io/CaptureReader.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

int main(int argc, char** argv)
{
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s OUTDIR CAPTURE...\n", argv[0]);
        return 2;
    }
    constexpr size_t kMaxDatagrams = 10;
    constexpr size_t kMaxSeedBytes = 16 * 1024; // fuzz_export_decoder's -max_len
    int written = 0;
    for (int i = 2; i < argc; ++i) {
        CaptureReader reader;
        std::string error;
        if (!reader.open(argv[i], error)) {
            std::fprintf(stderr, "%s\n", error.c_str());
            return 1;
        }
        std::map<std::pair<IpAddress, uint16_t>, uint8_t> selectors;
        std::vector<uint8_t> seed;
        size_t datagrams = 0;
        UdpDatagram d;
        while (datagrams < kMaxDatagrams && reader.next(d) == CaptureReader::Result::Datagram) {
            if (seed.size() + 3 + d.length > kMaxSeedBytes)
                break;
            const auto key = std::make_pair(d.srcAddr, d.srcPort);
            const auto [it, added] = selectors.try_emplace(key, uint8_t(selectors.size() & 7));
            seed.push_back(it->second);
            seed.push_back(uint8_t(d.length >> 8));
            seed.push_back(uint8_t(d.length));
            seed.insert(seed.end(), d.payload, d.payload + d.length);
            ++datagrams;
        }
        if (seed.empty())
            continue;
        std::string name = argv[i];
        name = name.substr(name.find_last_of('/') + 1);
        std::ofstream out(std::string(argv[1]) + "/" + name + ".seed", std::ios::binary);
        out.write(reinterpret_cast<const char*>(seed.data()), std::streamsize(seed.size()));
        ++written;
    }
    std::printf("%d seeds\n", written);
    return 0;
}
