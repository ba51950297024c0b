#pragma once

#include <QString>
#include <QtGlobal>

namespace manifold::platform {

// A small file (JSON, owner-only, written atomically) listing the children the broker started:
// pid (== process group id), kernel start time and command. A broker that starts after a crash
// reaps the groups still listed there, but only when pid AND start time still match, so a
// recycled pid is never touched.
class ChildLedger final
{
public:
    explicit ChildLedger(QString filePath);

    void record(qint64 pid, qint64 startTime, const QString &command);
    void forget(qint64 pid);

    // Kills (SIGTERM, short wait, SIGKILL) the process groups of listed children whose pid and
    // start time still match, then empties the ledger. Returns how many groups were reaped.
    int reapLeftovers();

private:
    QString m_filePath;
};

} // namespace manifold::platform
