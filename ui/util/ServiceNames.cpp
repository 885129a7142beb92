#include "util/ServiceNames.h"

#include "util/DisplayFormat.h"

#include <QHash>
#include <QMutex>

#include <netdb.h>
#include <arpa/inet.h>

#include <array>

QString ServiceNames::protocolName(uint8_t protocol)
{
    // Named as in the flows table; a bare number would read as a port here.
    const QString name = DisplayFormat::protocol(protocol);
    return name == QString::number(protocol) ? QStringLiteral("proto %1").arg(protocol) : name;
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
