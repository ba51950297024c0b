#pragma once

#include <QByteArrayView>
#include <QString>
#include <QtGlobal>

#include <csignal>

// Windows has SIGTERM but no SIGKILL; signalProcessGroup maps both (see childprocess_win.cpp).
#if defined(Q_OS_WIN) && !defined(SIGKILL)
#define SIGKILL 9
#endif

class QProcess;

namespace manifold::platform {

// Makes a QProcess start its program as leader of a new process group (so the whole tree
// can be signalled) and, on Linux, with PR_SET_PDEATHSIG(SIGKILL) so it dies with the broker.
// On Windows the child gets a new console process group and its own Job Object, which holds
// its whole tree. Call before QProcess::start().
void placeInOwnProcessGroup(QProcess &process);

// Sends sig to every process in the group led by pgid. False if the group no longer exists.
bool signalProcessGroup(qint64 pgid, int sig);

// True while any process of the group is alive.
bool processGroupAlive(qint64 pgid);

// Kernel start time of pid (Linux: /proc/<pid>/stat field 22, clock ticks since boot);
// -1 if the process does not exist or the value cannot be read.
qint64 processStartTime(qint64 pid);

// Field 22 (starttime) of a /proc/<pid>/stat line, -1 if malformed. Split out for tests: the
// comm field may itself contain spaces and parentheses.
qint64 parseStartTimeFromStat(QByteArrayView statLine);

// Resident memory (KiB) of every process in the group led by pgid (Linux: /proc); -1 if unknown.
qint64 processGroupRssKb(qint64 pgid);

// Path of the executable of pid (Linux: /proc/<pid>/exe), empty if unknown.
QString processExecutable(qint64 pid);

// This process's parent (the MCP client, for the shim); -1 if unknown.
qint64 parentProcessId();

} // namespace manifold::platform
