// The stable shim launcher: its text, its quoting (run through /bin/sh with hostile paths), and
// which real shim it names: $MANIFOLD_SHIM_BIN, the AppImage file inside an AppImage, or the
// manifold-shim beside the program.
#include "clients/shimlauncher.h"
#include "platform/appimage.h"

#include "testsupport.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <sys/stat.h>

using namespace manifold;
using testsupport::EnvGuard;

namespace {

struct LauncherRun
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

ino_t inodeOf(const QString &path)
{
    struct stat info = {};
    return ::stat(QFile::encodeName(path).constData(), &info) == 0 ? info.st_ino : 0;
}

LauncherRun runLauncher(const QString &launcher, const QStringList &arguments)
{
    QProcess process;
    process.start(launcher, arguments);
    LauncherRun run;
    if (!process.waitForFinished(10000))
        return run;
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

class ShimLauncher : public ::testing::Test
{
protected:
    void SetUp() override { ASSERT_TRUE(m_dir.isValid()); }

    QString path(const QString &relative) const
    {
        return m_dir.path() + QLatin1Char('/') + relative;
    }

    // A stand-in for the real shim that prints each argument it got on a line of its own.
    QString fakeShim(const QString &relative)
    {
        const QString file = path(relative);
        EXPECT_TRUE(QDir().mkpath(QFileInfo(file).absolutePath()));
        QFile out(file);
        EXPECT_TRUE(out.open(QIODevice::WriteOnly));
        out.write("#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n");
        out.close();
        out.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                           QFileDevice::ExeOwner);
        return file;
    }

    QTemporaryDir m_dir;
};

TEST_F(ShimLauncher, ScriptExecsTheRealShimWithTheClientsArguments)
{
    const QByteArray text = shimlauncher::script({QStringLiteral("/usr/bin/manifold-shim")});
    EXPECT_TRUE(text.startsWith("#!/bin/sh\n"));
    EXPECT_TRUE(text.endsWith("\nexec '/usr/bin/manifold-shim' \"$@\"\n")) << text.constData();
    EXPECT_TRUE(text.contains("if [ ! -x '/usr/bin/manifold-shim' ]; then\n"));
}

TEST_F(ShimLauncher, AppImageCommandPassesTheShimDispatchFirst)
{
    const QByteArray text = shimlauncher::script(
        {QStringLiteral("/home/me/Apps/Manifold-x86_64.AppImage"), QStringLiteral("shim")});
    EXPECT_TRUE(text.endsWith("\nexec '/home/me/Apps/Manifold-x86_64.AppImage' 'shim' \"$@\"\n"))
        << text.constData();

    const QString image = fakeShim(QStringLiteral("Apps/Manifold.AppImage"));
    const QString launcher = path(QStringLiteral("data/manifold/bin/manifold-shim"));
    QString error;
    ASSERT_TRUE(shimlauncher::install(launcher, {image, QStringLiteral("shim")}, &error))
        << qPrintable(error);
    const LauncherRun run = runLauncher(
        launcher, {QStringLiteral("--socket"), QStringLiteral("/s"), QStringLiteral("memory")});
    EXPECT_EQ(run.exitCode, 0) << run.err.constData();
    EXPECT_EQ(run.out, "shim\n--socket\n/s\nmemory\n");
}

TEST_F(ShimLauncher, HostilePathsAndArgumentsSurviveTheShell)
{
    // Spaces, both quotes, $, backquote, backslash, a glob and a newline in the directory name.
    const QString dir = QStringLiteral("it's a \"dir\" $HOME `id` \\ * \n end");
    const QString shim = fakeShim(dir + QStringLiteral("/manifold-shim"));
    const QString launcher = path(QStringLiteral("bin/manifold-shim"));
    QString error;
    ASSERT_TRUE(shimlauncher::install(launcher, {shim, QStringLiteral("it's")}, &error))
        << qPrintable(error);
    EXPECT_EQ(testsupport::modeOf(launcher), mode_t(0755));

    const QStringList arguments{QStringLiteral("a b"), QStringLiteral("$HOME"), QStringLiteral("'"),
                                QStringLiteral("\""), QString()};
    const LauncherRun run = runLauncher(launcher, arguments);
    EXPECT_EQ(run.exitCode, 0) << run.err.constData();
    EXPECT_EQ(run.out, "it's\na b\n$HOME\n'\n\"\n\n");
}

TEST_F(ShimLauncher, AMissingProgramIsReportedNotExecuted)
{
    const QString gone = path(QStringLiteral("moved away/Manifold.AppImage"));
    const QString launcher = path(QStringLiteral("bin/manifold-shim"));
    QString error;
    ASSERT_TRUE(shimlauncher::install(launcher, {gone, QStringLiteral("shim")}, &error));
    const LauncherRun run = runLauncher(launcher, {QStringLiteral("memory")});
    EXPECT_EQ(run.exitCode, 127);
    EXPECT_TRUE(run.err.contains(QFile::encodeName(gone) + " is gone; start Manifold once"))
        << run.err.constData();
}

TEST_F(ShimLauncher, InstallRewritesOnlyWhatChanged)
{
    const QString launcher = path(QStringLiteral("bin/manifold-shim"));
    QString error;
    ASSERT_TRUE(shimlauncher::install(launcher, {QStringLiteral("/a/manifold-shim")}, &error));
    const QDateTime first = QFileInfo(launcher).lastModified();
    const ino_t inode = inodeOf(launcher);
    ASSERT_TRUE(shimlauncher::install(launcher, {QStringLiteral("/a/manifold-shim")}, &error));
    EXPECT_EQ(inodeOf(launcher), inode) << "the same text is not written again";
    EXPECT_EQ(QFileInfo(launcher).lastModified(), first);

    ASSERT_TRUE(shimlauncher::install(
        launcher, {QStringLiteral("/b/Manifold.AppImage"), QStringLiteral("shim")}, &error));
    QFile file(launcher);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    EXPECT_TRUE(file.readAll().contains("exec '/b/Manifold.AppImage' 'shim' \"$@\""));
}

// --- which real shim ------------------------------------------------------------------------

QProcessEnvironment appImageEnv(const QString &image, const QString &appDir)
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("APPIMAGE"), image);
    env.insert(QStringLiteral("APPDIR"), appDir);
    return env;
}

TEST_F(ShimLauncher, AppImageFileOnlyForAProgramInsideAppDir)
{
    const QString image = fakeShim(QStringLiteral("Manifold.AppImage"));
    const QString exe = fakeShim(QStringLiteral("mount_abc/usr/bin/manifold"));
    const QString mount = path(QStringLiteral("mount_abc"));
    EXPECT_EQ(platform::appImageFile(appImageEnv(image, mount), exe), image);
    EXPECT_EQ(platform::appImageFile(appImageEnv(image, mount + QLatin1Char('/')), exe), image);

    // Another AppImage's variables, inherited by a Manifold installed elsewhere (an editor
    // shipped as an AppImage starting the deb's manifold-shim).
    EXPECT_EQ(platform::appImageFile(appImageEnv(image, path(QStringLiteral("mount_other"))), exe),
              QString());
    // A sibling whose name merely starts with APPDIR.
    ASSERT_TRUE(QDir().mkpath(path(QStringLiteral("mount_ab"))));
    EXPECT_EQ(platform::appImageFile(appImageEnv(image, path(QStringLiteral("mount_ab"))), exe),
              QString());
    // No image file, a relative one, or no APPDIR.
    EXPECT_EQ(
        platform::appImageFile(appImageEnv(path(QStringLiteral("gone.AppImage")), mount), exe),
        QString());
    EXPECT_EQ(platform::appImageFile(appImageEnv(QStringLiteral("Manifold.AppImage"), mount), exe),
              QString());
    EXPECT_EQ(platform::appImageFile(appImageEnv(image, QString()), exe), QString());
}

TEST_F(ShimLauncher, BundledShimPrefersTheEnvironmentThenTheAppImage)
{
    EnvGuard shimBin("MANIFOLD_SHIM_BIN");
    EnvGuard appImage("APPIMAGE");
    EnvGuard appDir("APPDIR");
    const QString image = fakeShim(QStringLiteral("Manifold.AppImage"));
    // This test binary plays the program inside the mounted AppImage.
    const QString mount = QFileInfo(QCoreApplication::applicationDirPath()).absolutePath();
    qputenv("APPIMAGE", QFile::encodeName(image));
    qputenv("APPDIR", QFile::encodeName(mount));

    qputenv("MANIFOLD_SHIM_BIN", "/opt/manifold/bin/manifold-shim");
    EXPECT_EQ(shimlauncher::bundledShim(), QStringList{"/opt/manifold/bin/manifold-shim"});

    qunsetenv("MANIFOLD_SHIM_BIN");
    EXPECT_EQ(shimlauncher::bundledShim(), (QStringList{image, "shim"}));

    // Not our AppImage: the shim beside this binary (there is none in the test directory).
    qputenv("APPDIR", QFile::encodeName(path(QStringLiteral("elsewhere"))));
    const QString sibling =
        QCoreApplication::applicationDirPath() + QStringLiteral("/manifold-shim");
    EXPECT_EQ(shimlauncher::bundledShim(),
              QFileInfo(sibling).isExecutable() ? QStringList{sibling} : QStringList());
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
