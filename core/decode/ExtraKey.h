#pragma once

#include <cstdint>

// How a field is written into FlowRecord::extra (compact JSON). The
// abstract data types of RFC 7011 §6.1, plus a few renderings that need more
// than the type (MPLS label entries, RFC 6759 application ids).
enum class ExtraFormat : uint8_t {
    Unsigned,      // 1..8 bytes big-endian (RFC 7011 §6.2 reduced-size encoding), JSON number
    Ipv4,          // "192.0.2.1"
    Ipv6,          // "2001:db8::1"
    Mac,           // "00:11:22:33:44:55"
    MplsLabel,     // RFC 3032 label stack entry: the 20-bit label, JSON number
    String,        // UTF-8 text, JSON-escaped, invalid bytes replaced, NUL-terminated, length-limited
    Hex,           // octetArray: lower-case hex digits, length-limited
    Signed,        // 1..8 bytes two's complement, JSON number
    Float,         // float32/float64, JSON number (NaN and infinities as null)
    Boolean,       // RFC 7011 §6.1.5: 1 = true, 2 = false (other values as a number)
    ApplicationId, // RFC 6759 §4: "engine:selector", "20:PEN:selector" for PANA-L7-PEN (engine 20)
    DateSeconds,   // dateTimeSeconds (4 bytes): ISO 8601 UTC, "2016-11-11T12:09:19Z"
    DateMillis,    // dateTimeMilliseconds (8 bytes): "...T12:09:19.123Z"
    DateMicros,    // dateTimeMicroseconds, NTP format (RFC 7011 §6.1.9): 6 fraction digits
    DateNanos,     // dateTimeNanoseconds, NTP format (RFC 7011 §6.1.10): 9 fraction digits
    UnsignedIcmp,  // Unsigned, written only on ICMP/ICMPv6 flows (type/code elements)
    Omitted,       // known element deliberately not stored (padding, lists, implied by other fields)
};

// Name and natural format of one key of FlowRecord::extra.
struct ExtraKey {
    const char* name;
    ExtraFormat format;
};
