// The per-user rendezvous rule (platform/runtimepaths.h): the default socket must come out the
// same whatever environment a client gives the shim, and overrides must say where they came from.
#include "platform/peercredentials.h"
#include "platform/runtimepaths.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include "testsupport.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

namespace platform = manifold::platform;
using testsupport::EnvGuard;

namespace {

platform::RendezvousInputs inputs(uint uid, bool runUserIsPrivate, QStringList *probed = nullptr)
{
    platform::RendezvousInputs in;
    in.uid = uid;
    in.isPrivateUserDirectory = [runUserIsPrivate, probed](const QString &dir, uint owner) {
        if (probed)
            probed->append(QStringLiteral("%1 uid %2").arg(dir).arg(owner));
        return runUserIsPrivate;
    };
    return in;
}

// Every variable a client may strip, set or change; restored afterwards.
class ClientEnvironment final
{
public:
    void apply(std::initializer_list<std::pair<const char *, const char *>> values)
    {
        for (const char *name :
             {"XDG_RUNTIME_DIR", "TMPDIR", "DISPLAY", "WAYLAND_DISPLAY", "MANIFOLD_SOCKET"})
            qunsetenv(name);
        for (const auto &[name, value] : values)
            qputenv(name, value);
    }

private:
    EnvGuard m_xdg{"XDG_RUNTIME_DIR"};
    EnvGuard m_tmp{"TMPDIR"};
    EnvGuard m_display{"DISPLAY"};
    EnvGuard m_wayland{"WAYLAND_DISPLAY"};
    EnvGuard m_socket{"MANIFOLD_SOCKET"};
};

} // namespace

// ---- the pure rule ----

TEST(Rendezvous, RunUserDirectoryWhenItIsTheUsersPrivateOne)
{
    QStringList probed;
    EXPECT_EQ(platform::rendezvousDirectory(inputs(1000, true, &probed)),
              QStringLiteral("/run/user/1000/manifold"));
    EXPECT_EQ(probed, QStringList{QStringLiteral("/run/user/1000 uid 1000")});
}

TEST(Rendezvous, FixedTmpDirectoryOtherwise)
{
    EXPECT_EQ(platform::rendezvousDirectory(inputs(1000, false)),
              QStringLiteral("/tmp/manifold-1000"));
    platform::RendezvousInputs noProbe;
    noProbe.uid = 42;
    EXPECT_EQ(platform::rendezvousDirectory(noProbe), QStringLiteral("/tmp/manifold-42"));
}

TEST(Rendezvous, TestRootReplacesOnlyTheFilesystemRoot)
{
    QStringList probed;
    platform::RendezvousInputs in = inputs(7, true, &probed);
    in.root = QStringLiteral("/scratch/root/");
    EXPECT_EQ(platform::rendezvousDirectory(in),
              QStringLiteral("/scratch/root/run/user/7/manifold"));
    EXPECT_EQ(probed, QStringList{QStringLiteral("/scratch/root/run/user/7 uid 7")});
    in = inputs(7, false);
    in.root = QStringLiteral("/scratch/root");
    EXPECT_EQ(platform::rendezvousDirectory(in), QStringLiteral("/scratch/root/tmp/manifold-7"));
}

TEST(Rendezvous, DarwinUserTempDirWins)
{
    platform::RendezvousInputs in = inputs(501, true);
    in.darwinUserTempDir = QStringLiteral("/var/folders/xy/abc123/T/");
    EXPECT_EQ(platform::rendezvousDirectory(in),
              QStringLiteral("/var/folders/xy/abc123/T/manifold"));
}

TEST(Rendezvous, CandidatesIncludeTheTmpDirectoryOfABrokerStartedBeforeLogin)
{
    EXPECT_EQ(platform::rendezvousCandidates(inputs(1000, true)),
              (QStringList{QStringLiteral("/run/user/1000/manifold"),
                           QStringLiteral("/tmp/manifold-1000")}));
    EXPECT_EQ(platform::rendezvousCandidates(inputs(1000, false)),
              QStringList{QStringLiteral("/tmp/manifold-1000")});
    platform::RendezvousInputs mac = inputs(501, false);
    mac.darwinUserTempDir = QStringLiteral("/var/folders/xy/abc123/T");
    EXPECT_EQ(platform::rendezvousCandidates(mac),
              QStringList{QStringLiteral("/var/folders/xy/abc123/T/manifold")});
}

TEST(Rendezvous, PrivateUserDirectoryProbe)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("1000"));
    ASSERT_TRUE(QDir().mkdir(path));
    const uint me = uint(platform::currentUid());
    ASSERT_EQ(::chmod(QFile::encodeName(path).constData(), 0700), 0);
    EXPECT_TRUE(platform::isPrivateUserDirectory(path, me));
    EXPECT_FALSE(platform::isPrivateUserDirectory(path, me + 1)) << "owned by someone else";
    ASSERT_EQ(::chmod(QFile::encodeName(path).constData(), 0755), 0);
    EXPECT_FALSE(platform::isPrivateUserDirectory(path, me)) << "not mode 0700";
    ASSERT_EQ(::chmod(QFile::encodeName(path).constData(), 0700), 0);
    const QString link = dir.filePath(QStringLiteral("link"));
    ASSERT_TRUE(QFile::link(path, link));
    EXPECT_FALSE(platform::isPrivateUserDirectory(link, me)) << "a symlink";
    EXPECT_FALSE(platform::isPrivateUserDirectory(dir.filePath(QStringLiteral("missing")), me));
}

// ---- the rule in this process: independent of what clients strip or change ----

TEST(Rendezvous, SameSocketWhateverTheClientEnvironment)
{
    QTemporaryDir root;
    QTemporaryDir elsewhere;
    ASSERT_TRUE(root.isValid() && elsewhere.isValid());
    EnvGuard rootGuard("MANIFOLD_RUNTIME_ROOT");
    qputenv("MANIFOLD_RUNTIME_ROOT", QFile::encodeName(root.path()));
    const uint uid = uint(platform::currentUid());
    const QByteArray other = QFile::encodeName(elsewhere.path());

    const auto socketsFor = [&] {
        QStringList sockets;
        ClientEnvironment env;
        env.apply({{"XDG_RUNTIME_DIR", other.constData()},
                   {"DISPLAY", ":0"}}); // a desktop session elsewhere
        sockets << platform::defaultSocketPath();
        env.apply({}); // env -i HOME PATH
        sockets << platform::defaultSocketPath();
        env.apply({{"TMPDIR", other.constData()}}); // Codex: TMPDIR, no XDG_RUNTIME_DIR
        sockets << platform::defaultSocketPath();
        env.apply({{"XDG_RUNTIME_DIR", "/nonexistent/runtime"}, {"TMPDIR", "/var/tmp"}});
        sockets << platform::defaultSocketPath();
        return sockets;
    };

    // No /run/user/UID under the root: the fixed /tmp directory, never TMPDIR's.
    const QString fallback = root.path() + QStringLiteral("/tmp/manifold-%1/broker.sock").arg(uid);
    EXPECT_EQ(socketsFor(), QStringList(4, fallback));

    // A private /run/user/UID: used whether or not XDG_RUNTIME_DIR names it.
    const QString runUser = root.path() + QStringLiteral("/run/user/%1").arg(uid);
    ASSERT_TRUE(QDir().mkpath(runUser));
    ASSERT_EQ(::chmod(QFile::encodeName(runUser).constData(), 0700), 0);
    EXPECT_EQ(socketsFor(), QStringList(4, runUser + QStringLiteral("/manifold/broker.sock")));
    {
        ClientEnvironment env;
        env.apply({{"XDG_RUNTIME_DIR", QFile::encodeName(runUser).constData()}});
        EXPECT_EQ(platform::defaultSocketPath(), runUser + QStringLiteral("/manifold/broker.sock"));
        EXPECT_EQ(platform::runtimeDir(), runUser + QStringLiteral("/manifold"));
    }

    // One that others could write to is not trusted.
    ASSERT_EQ(::chmod(QFile::encodeName(runUser).constData(), 0777), 0);
    EXPECT_EQ(socketsFor(), QStringList(4, fallback));
}

TEST(Rendezvous, RealRootIgnoresClientVariables)
{
    EnvGuard rootGuard("MANIFOLD_RUNTIME_ROOT");
    qunsetenv("MANIFOLD_RUNTIME_ROOT");
    const uint uid = uint(platform::currentUid());
    const QString runUser = QStringLiteral("/run/user/%1").arg(uid);
    const QString expected = platform::isPrivateUserDirectory(runUser, uid)
                                 ? runUser + QStringLiteral("/manifold/broker.sock")
                                 : QStringLiteral("/tmp/manifold-%1/broker.sock").arg(uid);
    QTemporaryDir elsewhere;
    ASSERT_TRUE(elsewhere.isValid());
    const QByteArray other = QFile::encodeName(elsewhere.path());
    ClientEnvironment env;
    env.apply({});
    EXPECT_EQ(platform::defaultSocketPath(), expected);
    env.apply({{"XDG_RUNTIME_DIR", other.constData()}, {"TMPDIR", other.constData()}});
    EXPECT_EQ(platform::defaultSocketPath(), expected);
}

// ---- overrides and where the socket came from ----

TEST(Rendezvous, ChooseSocketNamesItsSource)
{
    const QString def = QStringLiteral("/run/user/1000/manifold/broker.sock");
    const QString env = QStringLiteral("/srv/test/broker.sock");
    const QString opt = QStringLiteral("/home/u/other.sock");
    using platform::SocketSource;
    const auto check = [&](const QString &option, const QString &environment, const QString &path,
                           SocketSource source) {
        const platform::SocketChoice choice = platform::chooseSocket(option, environment, def);
        EXPECT_EQ(choice.path, path) << option.toStdString() << " / " << environment.toStdString();
        EXPECT_EQ(choice.source, source)
            << option.toStdString() << " / " << environment.toStdString();
    };
    check({}, {}, def, SocketSource::Default);
    check({}, env, env, SocketSource::Environment);
    check(opt, {}, opt, SocketSource::Option);
    check(opt, env, opt, SocketSource::Option);
    // A shim passes its socket to the broker it starts with --socket: the broker still reports
    // the reason the shim had.
    check(env, env, env, SocketSource::Environment);
    check(def, {}, def, SocketSource::Default);
    check(def, env, def, SocketSource::Default);
    check({}, def + QStringLiteral("/"), def + QStringLiteral("/"), SocketSource::Default);

    EXPECT_EQ(platform::socketSourceName(SocketSource::Default), QStringLiteral("default"));
    EXPECT_EQ(platform::socketSourceName(SocketSource::Environment),
              QStringLiteral("MANIFOLD_SOCKET"));
    EXPECT_EQ(platform::socketSourceName(SocketSource::Option), QStringLiteral("--socket"));
}

TEST(Rendezvous, ManifoldSocketIsHonouredAndReported)
{
    EnvGuard socketGuard("MANIFOLD_SOCKET");
    qunsetenv("MANIFOLD_SOCKET");
    EXPECT_EQ(platform::resolveSocket().path, platform::defaultSocketPath());
    EXPECT_EQ(platform::resolveSocket().source, platform::SocketSource::Default);
    qputenv("MANIFOLD_SOCKET", "/srv/test/broker.sock");
    EXPECT_EQ(platform::resolveSocket().path, QStringLiteral("/srv/test/broker.sock"));
    EXPECT_EQ(platform::resolveSocket().source, platform::SocketSource::Environment);
    EXPECT_EQ(platform::resolveSocket(QStringLiteral("/x/y.sock")).source,
              platform::SocketSource::Option);
    EXPECT_EQ(platform::resolveSocket(QStringLiteral("/srv/test/broker.sock")).source,
              platform::SocketSource::Environment);
}

TEST(Rendezvous, SidecarFilesFollowTheRendezvous)
{
    QTemporaryDir root;
    ASSERT_TRUE(root.isValid());
    EnvGuard rootGuard("MANIFOLD_RUNTIME_ROOT");
    EnvGuard tmpGuard("TMPDIR");
    qputenv("MANIFOLD_RUNTIME_ROOT", QFile::encodeName(root.path()));
    qputenv("TMPDIR", "/var/tmp");
    const QString dir =
        root.path() + QStringLiteral("/tmp/manifold-%1").arg(platform::currentUid());
    const QString socket = platform::defaultSocketPath();
    EXPECT_EQ(platform::socketDirectory(socket), dir);
    EXPECT_EQ(platform::sidecarPath(socket, QStringLiteral(".launch.lock")),
              dir + QStringLiteral("/broker.sock.launch.lock"));
    EXPECT_EQ(platform::sidecarPath(socket, QStringLiteral(".log")),
              dir + QStringLiteral("/broker.sock.log"));
    EXPECT_EQ(platform::sidecarPath(socket, QStringLiteral(".lock")),
              dir + QStringLiteral("/broker.sock.lock"));
}
