#include "platform/childledger.h"
#include "platform/childprocess.h"
#include "platform/peercredentials.h"
#include "platform/runtimepaths.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>

#include "testsupport.h"

#include <gtest/gtest.h>

#include <csignal>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace platform = manifold::platform;
using testsupport::EnvGuard;
using testsupport::modeOf;
using testsupport::processState;

namespace {



// Dead here means gone or a zombie nobody reaped yet: either way it no longer runs.
bool waitUntilDead(qint64 pid, int timeoutMs = 5000)
{
    QDeadlineTimer deadline(timeoutMs);
    for (;;) {
        const char state = processState(pid);
        if (state == 0 || state == 'Z' || state == 'X')
            return true;
        if (deadline.hasExpired())
            return false;
        QThread::msleep(10); // polling a condition with a deadline, not sleeping instead of waiting
    }
}

// Starts `sh -c script` in its own group and returns the first line it prints (a pid).
qint64 startShellReportingPid(QProcess &process, const QString &script)
{
    process.setProgram(QStringLiteral("/bin/sh"));
    process.setArguments({QStringLiteral("-c"), script});
    platform::placeInOwnProcessGroup(process);
    process.start();
    if (!process.waitForStarted(5000))
        return -1;
    while (!process.canReadLine()) {
        if (!process.waitForReadyRead(5000))
            return -1;
    }
    return process.readLine().trimmed().toLongLong();
}

void startSleeper(QProcess &process)
{
    process.setProgram(QStringLiteral("sleep"));
    process.setArguments({QStringLiteral("30")});
    platform::placeInOwnProcessGroup(process);
    process.start();
    ASSERT_TRUE(process.waitForStarted(5000)) << process.errorString().toStdString();
}

} // namespace

// ---- runtime paths ----

// The rendezvous rule itself (no XDG_RUNTIME_DIR, no TMPDIR) is tested in test_rendezvous.cpp.

TEST(RuntimePaths, SidecarFilesSitBesideAFileSocket)
{
    EXPECT_EQ(manifold::platform::sidecarPath(QStringLiteral("/run/user/1000/manifold/broker.sock"),
                                              QStringLiteral(".launch.lock")),
              QStringLiteral("/run/user/1000/manifold/broker.sock.launch.lock"));
    EXPECT_EQ(manifold::platform::socketDirectory(QStringLiteral("/tmp/x/broker.sock")), QStringLiteral("/tmp/x"));
    EXPECT_EQ(manifold::platform::sidecarPath(manifold::platform::defaultSocketPath(), QStringLiteral(".lock")),
              manifold::platform::defaultSocketPath() + QStringLiteral(".lock"));
    EXPECT_EQ(manifold::platform::socketDirectory(manifold::platform::defaultSocketPath()),
              manifold::platform::runtimeDir());
}

TEST(RuntimePaths, EnsurePrivateDirectoryCreatesMode0700)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("a/b/manifold"));
    QString error;
    ASSERT_TRUE(platform::ensurePrivateDirectory(path, &error)) << error.toStdString();
    EXPECT_TRUE(QFileInfo(path).isDir());
    EXPECT_EQ(modeOf(path), mode_t(0700));
}

TEST(RuntimePaths, EnsurePrivateDirectoryTightensExistingDir)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("open"));
    ASSERT_TRUE(QDir().mkdir(path));
    ASSERT_EQ(::chmod(QFile::encodeName(path).constData(), 0755), 0);
    QString error;
    ASSERT_TRUE(platform::ensurePrivateDirectory(path, &error)) << error.toStdString();
    EXPECT_EQ(modeOf(path), mode_t(0700));
}

TEST(RuntimePaths, EnsurePrivateDirectoryRejectsSymlink)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString target = dir.filePath(QStringLiteral("target"));
    const QString link = dir.filePath(QStringLiteral("link"));
    ASSERT_TRUE(QDir().mkdir(target));
    ASSERT_EQ(::chmod(QFile::encodeName(target).constData(), 0755), 0);
    ASSERT_TRUE(QFile::link(target, link));
    QString error;
    EXPECT_FALSE(platform::ensurePrivateDirectory(link, &error));
    EXPECT_TRUE(error.contains(link)) << error.toStdString();
    EXPECT_EQ(modeOf(target), mode_t(0755)); // the link's target was left alone
}

TEST(RuntimePaths, EnsurePrivateDirectoryRejectsFile)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("file"));
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.close();
    QString error;
    EXPECT_FALSE(platform::ensurePrivateDirectory(path, &error));
    EXPECT_FALSE(error.isEmpty());
}

// ---- peer credentials ----

TEST(PeerCredentials, SocketPairReportsOurselves)
{
    int fds[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    const auto peer = platform::peerCredentials(fds[0]);
    ::close(fds[0]);
    ::close(fds[1]);
    ASSERT_TRUE(peer.has_value());
    EXPECT_EQ(peer->uid, qint64(::getuid()));
    EXPECT_EQ(peer->pid, qint64(::getpid()));
    EXPECT_EQ(platform::currentUid(), qint64(::getuid()));
}

TEST(PeerCredentials, BadDescriptorGivesNothing)
{
    EXPECT_FALSE(platform::peerCredentials(-1).has_value());
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0); // not a socket
    EXPECT_FALSE(platform::peerCredentials(fds[0]).has_value());
    ::close(fds[0]);
    ::close(fds[1]);
}

// ---- /proc parsing ----

TEST(ChildProcess, ParsesStartTimeFromStat)
{
    const QByteArray plain =
        "1234 (sleep) S 1 1234 1234 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 987654 "
        "8192 100 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 3 0 0 0 0 0\n";
    EXPECT_EQ(platform::parseStartTimeFromStat(plain), 987654);

    // comm may contain spaces and parentheses; only the last ')' ends it.
    const QByteArray tricky =
        "77 (a) (b ) S 1 2 3) R 1 77 77 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 424242 "
        "8192 100 18446744073709551615\n";
    EXPECT_EQ(platform::parseStartTimeFromStat(tricky), 424242);
}

TEST(ChildProcess, MalformedStatGivesMinusOne)
{
    EXPECT_EQ(platform::parseStartTimeFromStat(QByteArrayView()), -1);
    EXPECT_EQ(platform::parseStartTimeFromStat("1234 sleep S 1 2 3"), -1);
    EXPECT_EQ(platform::parseStartTimeFromStat("1234 (sleep) S 1 2 3 4 5"), -1);
    EXPECT_EQ(
        platform::parseStartTimeFromStat("1 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 12x4 5"),
        -1);
}

TEST(ChildProcess, StartTimeOfSelfAndOfNobody)
{
    const qint64 self = platform::processStartTime(::getpid());
    EXPECT_GT(self, 0);
    EXPECT_EQ(platform::processStartTime(::getpid()), self); // stable
    EXPECT_EQ(platform::processStartTime(0), -1);
    EXPECT_EQ(platform::processStartTime(-5), -1);
    EXPECT_EQ(platform::processStartTime(99999999), -1); // above any pid_max
}

TEST(ChildProcess, ExecutableOfSelf)
{
    EXPECT_EQ(QFileInfo(platform::processExecutable(::getpid())).canonicalFilePath(),
              QFileInfo(QStringLiteral("/proc/self/exe")).canonicalFilePath());
    EXPECT_TRUE(platform::processExecutable(99999999).isEmpty());
}

TEST(ChildProcess, OwnProcessGroupIsSignalledAsAWhole)
{
    QProcess shell;
    const qint64 grandchild =
        startShellReportingPid(shell, QStringLiteral("sleep 30 >/dev/null 2>&1 & echo $!; wait"));
    ASSERT_GT(grandchild, 0);
    const qint64 leader = shell.processId();
    ASSERT_GT(leader, 0);
    EXPECT_EQ(::getpgid(pid_t(leader)), pid_t(leader));
    EXPECT_EQ(::getpgid(pid_t(grandchild)), pid_t(leader));
    EXPECT_NE(::getpgid(pid_t(leader)), ::getpgid(0));
    EXPECT_TRUE(platform::processGroupAlive(leader));

    EXPECT_TRUE(platform::signalProcessGroup(leader, SIGKILL));
    EXPECT_TRUE(shell.waitForFinished(5000));
    EXPECT_EQ(shell.exitStatus(), QProcess::CrashExit);
    EXPECT_TRUE(waitUntilDead(grandchild)) << "the backgrounded sleep survived the group kill";
}

TEST(ChildProcess, SignalingNoGroupFails)
{
    EXPECT_FALSE(platform::signalProcessGroup(0, 0));
    EXPECT_FALSE(platform::signalProcessGroup(1, 0));
    EXPECT_FALSE(platform::processGroupAlive(0));
    EXPECT_FALSE(platform::signalProcessGroup(99999999, 0));
    EXPECT_FALSE(platform::processGroupAlive(99999999));
}

// ---- child ledger ----

TEST(ChildLedger, ReapsRecordedChild)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("children.json"));
    QProcess child;
    startSleeper(child);
    const qint64 pid = child.processId();
    const qint64 startTime = platform::processStartTime(pid);
    ASSERT_GT(startTime, 0);

    platform::ChildLedger ledger(path);
    ledger.record(pid, startTime, QStringLiteral("sleep"));
    EXPECT_EQ(modeOf(path), mode_t(0600));

    // A fresh ledger on the same file stands in for the next broker after a crash.
    platform::ChildLedger next(path);
    EXPECT_EQ(next.reapLeftovers(), 1);
    EXPECT_TRUE(child.waitForFinished(5000));
    EXPECT_EQ(child.exitStatus(), QProcess::CrashExit);

    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    EXPECT_TRUE(QJsonDocument::fromJson(file.readAll()).array().isEmpty());
    EXPECT_EQ(next.reapLeftovers(), 0);
}

TEST(ChildLedger, MismatchedStartTimeIsNotKilled)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    QProcess child;
    startSleeper(child);
    const qint64 pid = child.processId();
    const qint64 startTime = platform::processStartTime(pid);
    ASSERT_GT(startTime, 0);

    platform::ChildLedger ledger(dir.filePath(QStringLiteral("children.json")));
    ledger.record(pid, startTime + 1, QStringLiteral("recycled pid"));
    EXPECT_EQ(ledger.reapLeftovers(), 0);
    EXPECT_EQ(child.state(), QProcess::Running);
    EXPECT_EQ(processState(pid) == 'Z' || processState(pid) == 0, false);
    EXPECT_EQ(platform::processStartTime(pid), startTime);

    child.kill();
    EXPECT_TRUE(child.waitForFinished(5000));
}

TEST(ChildLedger, UnknownStartTimeIsNotKilled)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    QProcess child;
    startSleeper(child);
    const qint64 pid = child.processId();

    platform::ChildLedger ledger(dir.filePath(QStringLiteral("children.json")));
    ledger.record(pid, -1, QStringLiteral("no start time"));
    EXPECT_EQ(ledger.reapLeftovers(), 0);
    EXPECT_NE(processState(pid), 'Z');
    EXPECT_NE(processState(pid), 0);

    child.kill();
    EXPECT_TRUE(child.waitForFinished(5000));
}

TEST(ChildLedger, GroupWithoutLeaderIsNotKilled)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    QProcess shell;
    const qint64 orphan =
        startShellReportingPid(shell, QStringLiteral("sleep 30 >/dev/null 2>&1 & echo $!"));
    ASSERT_GT(orphan, 0);
    const qint64 leader = shell.processId();
    const qint64 leaderStart = platform::processStartTime(leader);
    ASSERT_TRUE(shell.waitForFinished(5000)); // reaps the leader; its sleep lives on in the group
    ASSERT_EQ(platform::processStartTime(leader), -1);
    ASSERT_TRUE(platform::processGroupAlive(leader));

    platform::ChildLedger ledger(dir.filePath(QStringLiteral("children.json")));
    ledger.record(leader, leaderStart, QStringLiteral("sh"));
    EXPECT_EQ(ledger.reapLeftovers(), 0);
    EXPECT_NE(processState(orphan), 'Z');
    EXPECT_NE(processState(orphan), 0);

    ::kill(pid_t(orphan), SIGKILL);
    EXPECT_TRUE(waitUntilDead(orphan));
}

TEST(ChildLedger, ForgetRemovesOnlyThatEntry)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("children.json"));
    platform::ChildLedger ledger(path);
    ledger.record(4242, 1, QStringLiteral("one"));
    ledger.record(4343, 2, QStringLiteral("two"));
    ledger.record(4242, 3, QStringLiteral("one again")); // same pid replaces, not duplicates
    ledger.forget(4343);

    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    const QJsonArray entries = QJsonDocument::fromJson(file.readAll()).array();
    ASSERT_EQ(entries.size(), 1);
    EXPECT_EQ(entries.at(0).toObject().value(QStringLiteral("pid")).toInteger(), 4242);
    EXPECT_EQ(entries.at(0).toObject().value(QStringLiteral("startTime")).toInteger(), 3);
    EXPECT_EQ(entries.at(0).toObject().value(QStringLiteral("command")).toString(),
              QStringLiteral("one again"));
}

TEST(ChildLedger, MissingOrGarbageFileReapsNothing)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("children.json"));
    EXPECT_EQ(platform::ChildLedger(path).reapLeftovers(), 0);
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write("not json");
    file.close();
    EXPECT_EQ(platform::ChildLedger(path).reapLeftovers(), 0);
}
