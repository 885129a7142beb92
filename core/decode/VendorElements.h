#pragma once

#include "decode/ExtraKey.h"

#include <cstddef>
#include <cstdint>
#include <span>

// One information element flowsift knows by name and type.
struct VendorElement {
    enum Flag : uint8_t {
        V9Only = 1, // a NetFlow v9 vendor field type (v9 has no PEN): never read in IPFIX
        Core = 2,   // decoded by TemplateCache into FlowRecord or a core extra key; listed
                    // here for its name (and the names of its RFC 5103 reverse)
    };
    uint32_t enterprise; // IANA private enterprise number; 0 = IANA (and NetFlow v9 field types)
    uint16_t id;
    uint8_t flags;
    ExtraKey key; // FlowRecord::extra key and the element's natural format
};

// The dictionary of information elements decoded into FlowRecord::extra
// beyond the core fields: IANA's IPFIX registry (whose numbers NetFlow v9
// shares below 32768, RFC 3954 §8), NetFlow v9 vendor types (Cisco ASA,
// Palo Alto, nProbe, Streamcore), and the enterprise elements of the
// exporters in tests/data/vendor (Cisco, Nokia, IXIA, Citrix NetScaler,
// CERT YAF, VMware, Barracuda, Procera, Viptela).
//
// Looked up once per template field when a template is compiled, never per
// record. An element not in it is skipped.
class VendorElements final {
public:
    static constexpr uint32_t kPenReverse = 29305; // RFC 5103 §6.1 reverse information elements

    // A template field resolved to an element of the table.
    struct Match {
        const VendorElement* element = nullptr; // nullptr: unknown
        size_t position = 0;                    // index in all()
        bool reverse = false;                   // the reverse direction of element (RFC 5103, CERT bit 14)
    };

    // Sorted by (enterprise, id).
    static std::span<const VendorElement> all();

    // Resolves enterprise/id as a template names it. RFC 5103 reverse elements
    // (PEN 29305) and CERT's reverse elements (PEN 6871, id bit 0x4000) resolve
    // to their forward element with reverse set. NetFlow v9 vendor types
    // resolve only when ipfix is false.
    static Match find(uint32_t enterprise, uint16_t id, bool ipfix);

    // Key of the reverse direction of all()[position]: "reverse" + the
    // forward name with its first letter capitalised (RFC 5103 §6.1).
    static const ExtraKey& reverseKey(size_t position);
};
