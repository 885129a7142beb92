#include "detect/Conversation.h"

#include "model/FlowRecord.h"

bool Conversation::failedAttempt() const
{
    // A connection log's verdict beats guessing from counters (Argus and Zeek
    // aggregate retransmissions, so an S0 "attempt" may carry dozens of packets).
    if (loggedEstablished)
        return false;
    if (loggedAttempt)
        return true;
    if (!answered())
        return true;
    if (protocol != IpProtocol::Tcp)
        return false;
    // An established TCP exchange needs at least SYN, ACK and one more segment
    // from the client and SYN-ACK plus one more from the server.
    if (packetsOut <= 2 || packetsIn <= 1)
        return true;
    return (flagsIn & TcpFlag::Rst) && !(flagsIn & TcpFlag::Psh) && packetsIn <= 2;
}
