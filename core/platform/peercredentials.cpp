#include "peercredentials.h"

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>
#endif

namespace manifold::platform {

std::optional<PeerCredentials> peerCredentials(qintptr socketDescriptor)
{
    if (socketDescriptor < 0)
        return std::nullopt;
#if defined(Q_OS_LINUX)
    struct ucred cred = {};
    socklen_t length = sizeof(cred);
    if (::getsockopt(int(socketDescriptor), SOL_SOCKET, SO_PEERCRED, &cred, &length) != 0 ||
        length != sizeof(cred))
        return std::nullopt;
    PeerCredentials result;
    result.pid = cred.pid;
    result.uid = cred.uid;
    return result;
#elif defined(Q_OS_UNIX)
    // getpeereid() gives no pid; the uid is what access control needs.
    uid_t uid = 0;
    gid_t gid = 0;
    if (::getpeereid(int(socketDescriptor), &uid, &gid) != 0)
        return std::nullopt;
    PeerCredentials result;
    result.uid = uid;
    return result;
#else
    Q_UNUSED(socketDescriptor);
    return std::nullopt;
#endif
}

qint64 currentUid()
{
#ifdef Q_OS_UNIX
    return ::getuid();
#else
    return -1;
#endif
}

} // namespace manifold::platform
