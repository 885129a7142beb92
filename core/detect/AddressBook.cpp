#include "detect/AddressBook.h"

#include "analysis/DetectionSettings.h"

uint32_t AddressBook::intern(const IpAddress& a)
{
    auto [it, fresh] = m_ids.try_emplace(a, uint32_t(m_addresses.size()));
    if (fresh) {
        m_addresses.push_back(a);
        m_internal.push_back(0);
    }
    return it->second;
}

uint32_t AddressBook::find(const IpAddress& a) const
{
    const auto it = m_ids.find(a);
    return it == m_ids.end() ? UINT32_MAX : it->second;
}

void AddressBook::classify(const DetectionSettings& settings)
{
    m_internal.resize(m_addresses.size());
    for (size_t i = 0; i < m_addresses.size(); ++i)
        m_internal[i] = settings.isInternal(m_addresses[i]) ? 1 : 0;
}
