#include "util/ServiceNames.h"

#include <QHash>
#include <QMutex>

#include <netdb.h>
#include <arpa/inet.h>

#include <array>

QString ServiceNames::protocolName(uint8_t protocol)
{
    switch (protocol) {
    case 1: return QStringLiteral("ICMP");
    case 6: return QStringLiteral("TCP");
    case 17: return QStringLiteral("UDP");
    case 47: return QStringLiteral("GRE");
    case 50: return QStringLiteral("ESP");
    case 58: return QStringLiteral("ICMPv6");
    case 132: return QStringLiteral("SCTP");
    default: return QStringLiteral("proto %1").arg(protocol);
    }
}

QString ServiceNames::portText(uint16_t port, uint8_t protocol)
{
    if (protocol == 6 || protocol == 17 || protocol == 132)
        return QStringLiteral("%1/%2").arg(port).arg(protocolName(protocol).toLower());
    return protocolName(protocol);
}

QString ServiceNames::name(uint16_t port, uint8_t protocol)
{
    const char* proto = protocol == 6 ? "tcp" : protocol == 17 ? "udp" : protocol == 132 ? "sctp" : nullptr;
    if (!proto || port == 0)
        return {};
    // getservbyport_r reads the file on every call; views ask for the same few ports.
    static QMutex mutex;
    static QHash<quint32, QString> cache;
    const quint32 key = (quint32(protocol) << 16) | port;
    QMutexLocker lock(&mutex);
    if (auto it = cache.constFind(key); it != cache.constEnd())
        return *it;
    servent entry {};
    servent* result = nullptr;
    std::array<char, 1024> buffer {};
    QString name;
    if (getservbyport_r(int(htons(port)), proto, &entry, buffer.data(), buffer.size(), &result) == 0 && result)
        name = QString::fromLatin1(result->s_name);
    cache.insert(key, name);
    return name;
}
