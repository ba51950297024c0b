#pragma once

#include <QString>

class QProcess;

namespace manifold::platform {

// Windows only: gives the process its own Job Object as soon as it has started, so
// signalProcessGroup(pid, SIGKILL) ends its whole tree (TerminateJobObject) and SIGTERM sends
// a CTRL_BREAK to its console process group. Jobs are closed when the process finishes.
void placeInOwnJob(QProcess &process);

// Windows only: puts the broker itself into a kill-on-close Job Object. Every server it starts
// (and everything those start) inherits the job, so nothing outlives a killed broker.
bool bindChildrenToThisProcess();

} // namespace manifold::platform
