#pragma once

#include <QString>

#include <cstdint>

// Service names of well-known ports ("443/tcp" → "https"), from the system's
// services database (/etc/services, Debian's netbase), cached.
class ServiceNames final {
public:
    // Empty when the port has no registered name for that protocol.
    static QString name(uint16_t port, uint8_t protocol);
    // "443/tcp", "53/udp", "ICMP" (no ports), "proto 47".
    static QString portText(uint16_t port, uint8_t protocol);
    static QString protocolName(uint8_t protocol);
};
