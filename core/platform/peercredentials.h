#pragma once

#include <QtGlobal>

#include <optional>

namespace manifold::platform {

struct PeerCredentials
{
    qint64 pid = -1;
    qint64 uid = -1;
};

// Credentials of the process at the other end of a connected local socket
// (SO_PEERCRED on Linux, getpeereid elsewhere on Unix). nullopt when unavailable.
std::optional<PeerCredentials> peerCredentials(qintptr socketDescriptor);

qint64 currentUid();

} // namespace manifold::platform
