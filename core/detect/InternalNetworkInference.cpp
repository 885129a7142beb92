#include "detect/InternalNetworkInference.h"

#include <algorithm>
#include <map>
#include <set>

namespace {

IpPrefix prefixOf(const IpAddress& a)
{
    std::array<uint8_t, 16> b = a.bytes();
    std::fill(b.begin() + InternalNetworkInference::kPrefixBits / 8, b.end(), uint8_t(0));
    return IpPrefix{IpAddress::fromBytes16(b.data()), InternalNetworkInference::kPrefixBits};
}

bool sameSlash48(const IpAddress& a, const IpAddress& b)
{
    return std::equal(a.bytes().begin(), a.bytes().begin() + 6, b.bytes().begin());
}

} // namespace

std::vector<IpPrefix> InternalNetworkInference::infer(const std::vector<Conversation>& conversations,
                                                      const AddressBook& addresses, const DetectionSettings& settings)
{
    // prefix -> client -> outside peers (bounded: only whether there are enough)
    std::map<IpAddress, std::map<IpAddress, std::set<IpAddress>>> clients;
    std::map<IpAddress, std::set<IpAddress>> servers; // prefix -> hosts that answered outside clients
    for (const Conversation& conv : conversations) {
        const IpAddress& client = addresses.address(conv.client);
        const IpAddress& server = addresses.address(conv.server);
        if (client.isV4() || settings.isInternal(client) || sameSlash48(client, server))
            continue;
        if (client.bytes()[0] == 0xfe) // link-local, multicast-ish: never a site prefix
            continue;
        auto& peers = clients[prefixOf(client).base][client];
        if (peers.size() < kMinPeersPerClient)
            peers.insert(server);
        if (!server.isV4() && conv.answered())
            servers[prefixOf(server).base].insert(server);
    }
    std::vector<std::pair<size_t, IpPrefix>> found;
    for (const auto& [base, hosts] : clients) {
        size_t active = 0;
        for (const auto& [host, peers] : hosts)
            if (peers.size() >= kMinPeersPerClient)
                ++active;
        // More hosts that start connections than hosts that serve outside clients.
        const auto s = servers.find(base);
        const size_t serving = s == servers.end() ? 0 : s->second.size();
        if (active >= kMinClients && active > serving)
            found.push_back({active, IpPrefix{base, kPrefixBits}});
    }
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<IpPrefix> out;
    for (const auto& f : found)
        out.push_back(f.second);
    return out;
}
