#include "childledger.h"

#include <utility>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>

#include "atomicfile.h"
#include "childprocess.h"
#include "logging.h"

#ifdef Q_OS_UNIX
#include <csignal>
#include <ctime>
#endif

namespace manifold::platform {

namespace {

struct Entry
{
    qint64 pid = -1;
    qint64 startTime = -1;
    QString command;
};

QList<Entry> readEntries(const QString &path)
{
    QList<Entry> entries;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return entries;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isArray()) {
        qCWarning(lcPlatform) << "ignoring unreadable child ledger" << path
                              << parseError.errorString();
        return entries;
    }
    for (const QJsonValue &value : document.array()) {
        const QJsonObject object = value.toObject();
        Entry entry;
        entry.pid = object.value(QStringLiteral("pid")).toInteger(-1);
        entry.startTime = object.value(QStringLiteral("startTime")).toInteger(-1);
        entry.command = object.value(QStringLiteral("command")).toString();
        if (entry.pid > 1)
            entries.append(entry);
    }
    return entries;
}

bool writeEntries(const QString &path, const QList<Entry> &entries)
{
    QJsonArray array;
    for (const Entry &entry : entries) {
        array.append(QJsonObject{{QStringLiteral("pid"), entry.pid},
                                 {QStringLiteral("startTime"), entry.startTime},
                                 {QStringLiteral("command"), entry.command}});
    }
    QString error;
    if (!writeFileAtomically(path, QJsonDocument(array).toJson(QJsonDocument::Compact), ownerOnly,
                             &error)) {
        qCWarning(lcPlatform) << "cannot write child ledger:" << error;
        return false;
    }
    return true;
}

void pause(long nanoseconds)
{
#ifdef Q_OS_UNIX
    struct timespec step = {0, nanoseconds};
    ::nanosleep(&step, nullptr);
#else
    Q_UNUSED(nanoseconds);
#endif
}

} // namespace

ChildLedger::ChildLedger(QString filePath) : m_filePath(std::move(filePath)) {}

void ChildLedger::record(qint64 pid, qint64 startTime, const QString &command)
{
    // Read-modify-write keeps entries of an earlier broker that have not been reaped yet.
    QList<Entry> entries = readEntries(m_filePath);
    entries.removeIf([pid](const Entry &entry) { return entry.pid == pid; });
    entries.append({pid, startTime, command});
    writeEntries(m_filePath, entries);
}

void ChildLedger::forget(qint64 pid)
{
    QList<Entry> entries = readEntries(m_filePath);
    if (entries.removeIf([pid](const Entry &entry) { return entry.pid == pid; }) > 0)
        writeEntries(m_filePath, entries);
}

int ChildLedger::reapLeftovers()
{
    if (!QFile::exists(m_filePath))
        return 0;
    int reaped = 0;
#ifdef Q_OS_UNIX
    for (const Entry &entry : readEntries(m_filePath)) {
        const qint64 startTime = processStartTime(entry.pid);
        if (startTime == -1) {
            // The leader is gone; survivors of its group can no longer be proven ours.
            if (processGroupAlive(entry.pid))
                qCWarning(lcPlatform).nospace()
                    << "process group " << entry.pid << " (" << entry.command
                    << ") outlived its leader; not touching it";
            continue;
        }
        if (entry.startTime == -1 || startTime != entry.startTime)
            continue; // pid recycled by an unrelated process
        qCInfo(lcPlatform).nospace()
            << "stopping leftover server " << entry.pid << " (" << entry.command << ")";
        signalProcessGroup(entry.pid, SIGTERM);
        // Not synchronisation with anything we control: give the group up to ~1 s to exit cleanly.
        for (int i = 0; i < 20 && processGroupAlive(entry.pid); ++i)
            pause(50 * 1000 * 1000);
        if (processGroupAlive(entry.pid))
            signalProcessGroup(entry.pid, SIGKILL);
        ++reaped;
    }
#endif
    writeEntries(m_filePath, {});
    return reaped;
}

} // namespace manifold::platform
