// The Qt-free shim's launch lock against QLockFile: during an upgrade an old (Qt) shim and a new
// one race for the same <socket>.launch.lock, so each must see the other's lock as held, and a
// lock left by a dead process must be taken over by either.
#include "posix/launchlock.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QProcess>
#include <QSysInfo>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using manifold::shim::posix::LaunchLock;

TEST(ShimLaunchLock, ExcludesAndIsExcludedByQLockFile)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("broker.sock.launch.lock"));
    {
        LaunchLock ours;
        ASSERT_TRUE(ours.tryLock(path.toStdString()));
        QLockFile qt(path);
        EXPECT_FALSE(qt.tryLock(0)) << "a Qt shim must see the new shim's lock as held";
        EXPECT_EQ(qt.error(), QLockFile::LockFailedError);
        qint64 pid = 0;
        QString host;
        QString app;
        ASSERT_TRUE(qt.getLockInfo(&pid, &host, &app));
        EXPECT_EQ(pid, QCoreApplication::applicationPid());
        EXPECT_EQ(host, QSysInfo::machineHostName());
        EXPECT_EQ(app, QFileInfo(QCoreApplication::applicationFilePath()).fileName());
        LaunchLock second;
        EXPECT_FALSE(second.tryLock(path.toStdString())) << "nor may a second new shim take it";
    }
    EXPECT_FALSE(QFile::exists(path)) << "released: the file is gone";

    QLockFile qt(path);
    ASSERT_TRUE(qt.tryLock(0));
    LaunchLock ours;
    EXPECT_FALSE(ours.tryLock(path.toStdString())) << "the new shim must see a Qt shim's lock";
    qt.unlock();
    EXPECT_TRUE(ours.tryLock(path.toStdString()));
}

TEST(ShimLaunchLock, ALockOfADeadProcessIsTakenOver)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("broker.sock.launch.lock"));
    // A pid that is certainly gone: a finished child's.
    QProcess gone;
    gone.start(QStringLiteral("/bin/true"));
    ASSERT_TRUE(gone.waitForFinished(5000));
    const qint64 deadPid = gone.processId() > 0 ? gone.processId() : 0;
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write(QByteArray::number(deadPid ? deadPid : 999999) + "\nmanifold-shim\n" +
               QSysInfo::machineHostName().toUtf8() + "\n");
    file.close();

    LaunchLock ours;
    EXPECT_TRUE(ours.tryLock(path.toStdString())) << "stale: its process is gone";
    QLockFile qt(path);
    EXPECT_FALSE(qt.tryLock(0)) << "and now it is ours";
}

TEST(ShimLaunchLock, ALockOfALiveProcessIsRespectedUntilItIsOld)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("broker.sock.launch.lock"));
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    // This test process is alive, under this program name: not stale while the file is fresh.
    file.write(QByteArray::number(QCoreApplication::applicationPid()) + "\n" +
               QFileInfo(QCoreApplication::applicationFilePath()).fileName().toUtf8() + "\n" +
               QSysInfo::machineHostName().toUtf8() + "\n");
    file.close();
    LaunchLock ours;
    EXPECT_FALSE(ours.tryLock(path.toStdString()));

    // Older than QLockFile's 30 s: stale whoever wrote it (nobody holds its flock).
    ASSERT_TRUE(file.open(QIODevice::ReadWrite));
    ASSERT_TRUE(file.setFileTime(QDateTime::currentDateTime().addSecs(-60),
                                 QFileDevice::FileModificationTime));
    file.close();
    EXPECT_TRUE(ours.tryLock(path.toStdString()));
}
