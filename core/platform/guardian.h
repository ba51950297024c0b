#pragma once

#include <QtGlobal>

namespace manifold::platform {

// A tiny forked watchdog process that outlives a SIGKILLed broker just long enough to kill the
// process groups of the children the broker started (PR_SET_PDEATHSIG only reaches the direct
// child, not e.g. the node process an `npx` child forked). It learns about groups through a pipe
// and acts when the pipe reaches EOF (broker gone). No-op on platforms without fork().
class Guardian final
{
public:
    // Forks the watchdog. Safe to call once, early; returns false if it could not be started.
    static bool start();
    static void watch(qint64 pgid);
    static void unwatch(qint64 pgid);
};

} // namespace manifold::platform
