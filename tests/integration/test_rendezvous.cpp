// The default rendezvous with the real binaries: shims started from the environments real MCP
// clients give them (a terminal, `env -i`, Codex's short list, a session with another
// XDG_RUNTIME_DIR and no display) all reach ONE broker, which runs one child per server.
//
// The test never meets the user's real broker: every process it starts carries
// MANIFOLD_RUNTIME_ROOT=<a temp dir>, which moves /run/user and /tmp of the rule (and nothing
// else) under that dir. No process gets a socket path, so the shims and manifoldctl find the
// broker through the rule alone. HOME is a temp dir too, so a wrongly started broker would read a
// throw-away config. Only processes carrying this test's root in their environment are counted
// or stopped.
#include "config/serverregistry.h"
#include "platform/peercredentials.h"
#include "platform/runtimepaths.h"
#include "processhelpers.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include <sys/stat.h>

using processhelpers::ClientProcess;
using processhelpers::initializeLine;

namespace {

// Live processes running `program` (argv[0] exactly: manifold-shim starts with manifold's path)
// whose environment holds `entry` (exactly "NAME=value").
QList<qint64> processesWithEnvironment(const QByteArray &entry, const QString &program)
{
    QList<qint64> found;
    for (const qint64 pid : processhelpers::processesWithCommandLine({program})) {
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
        QFile environ(QStringLiteral("/proc/%1/environ").arg(pid));
        if (!cmdline.open(QIODevice::ReadOnly) || !environ.open(QIODevice::ReadOnly))
            continue;
        if (cmdline.readAll().split('\0').value(0) == QFile::encodeName(program) &&
            environ.readAll().split('\0').contains(entry))
            found.append(pid);
    }
    return found;
}

QList<qint64> withoutForkedHelpers(QList<qint64> pids)
{
    // The broker's Guardian is a fork of it: same command line and environment, parent a broker.
    const QSet<qint64> all(pids.cbegin(), pids.cend());
    pids.removeIf([&](qint64 pid) {
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            return true;
        const QByteArray line = stat.readAll();
        const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
        return fields.size() > 1 && all.contains(fields.at(1).toLongLong());
    });
    return pids;
}

struct Ctl
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Ctl runCtl(const QProcessEnvironment &env, const QStringList &args)
{
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(MANIFOLDCTL_PATH), args);
    (void)QTest::qWaitFor([&] { return process.state() == QProcess::NotRunning; }, 15000);
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            process.readAllStandardOutput(), process.readAllStandardError()};
}

class DefaultRendezvous : public ::testing::TestWithParam<bool>
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(m_root.isValid());
        m_rootEntry = "MANIFOLD_RUNTIME_ROOT=" + QFile::encodeName(m_root.path());
        const uint uid = uint(manifold::platform::currentUid());
        m_home = m_root.filePath(QStringLiteral("home"));
        m_otherTmp = m_root.filePath(QStringLiteral("other-tmp"));
        m_otherRuntime = m_root.filePath(QStringLiteral("other-runtime"));
        for (const QString &dir : {m_home, m_otherTmp, m_otherRuntime})
            ASSERT_TRUE(QDir().mkpath(dir));
        ASSERT_EQ(::chmod(QFile::encodeName(m_otherRuntime).constData(), 0700), 0);
        m_runUser = m_root.filePath(QStringLiteral("run/user/%1").arg(uid));
        if (GetParam()) { // a logind session: /run/user/UID exists, private
            ASSERT_TRUE(QDir().mkpath(m_runUser));
            ASSERT_EQ(::chmod(QFile::encodeName(m_runUser).constData(), 0700), 0);
            m_expectedSocket = m_runUser + QStringLiteral("/manifold/broker.sock");
        } else {
            m_expectedSocket =
                m_root.filePath(QStringLiteral("tmp/manifold-%1/broker.sock").arg(uid));
        }

        // Where the broker finds servers.json when its environment names no config dir: every
        // shim here could be the one that starts it.
        m_configDir = m_home + QStringLiteral("/.config/manifold");
        manifold::ServerRegistry registry(m_configDir);
        QString error;
        ASSERT_TRUE(registry.load(&error)) << error.toStdString();
        for (const QString &name : {QStringLiteral("alpha"), QStringLiteral("beta")}) {
            manifold::ServerConfig config;
            config.name = name;
            config.command = QStringLiteral(FAKE_MCP_SERVER_PATH);
            config.args = {QStringLiteral("--banner"), QStringLiteral("rendezvous-") + name};
            config.heartbeatMs = 0;
            ASSERT_TRUE(registry.add(config, &error)) << error.toStdString();
        }
        ASSERT_TRUE(registry.save(&error)) << error.toStdString();
        ASSERT_TRUE(brokers().isEmpty()) << "premise: no broker of this test yet";
    }

    void TearDown() override
    {
        m_shims.clear(); // closes their stdio, kills any still running (ours)
        for (const qint64 pid : brokers())
            EXPECT_TRUE(processhelpers::stopDetachedBroker(pid)) << pid;
    }

    // The bare environment every client keeps, plus the test-only root.
    QProcessEnvironment minimal() const
    {
        QProcessEnvironment env;
        env.insert(QStringLiteral("HOME"), m_home);
        env.insert(QStringLiteral("PATH"),
                   qEnvironmentVariable("PATH", QStringLiteral("/usr/bin:/bin")));
        env.insert(QStringLiteral("MANIFOLD_RUNTIME_ROOT"), m_root.path());
        return env;
    }

    // (a) A terminal: everything the test runs with (minus overrides), the desktop's
    // XDG_RUNTIME_DIR when there is a /run/user dir, a display, a pinned broker binary.
    QProcessEnvironment terminal() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char *name : {"MANIFOLD_SOCKET", "MANIFOLD_CONFIG_DIR", "XDG_CONFIG_HOME"})
            env.remove(QLatin1String(name));
        env.insert(QStringLiteral("HOME"), m_home);
        env.insert(QStringLiteral("MANIFOLD_RUNTIME_ROOT"), m_root.path());
        env.insert(QStringLiteral("MANIFOLD_BIN"), QStringLiteral(MANIFOLD_PATH));
        env.insert(QStringLiteral("MANIFOLD_LAUNCH"), QStringLiteral("headless"));
        env.insert(QStringLiteral("DISPLAY"), QStringLiteral(":99"));
        if (GetParam())
            env.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_runUser);
        return env;
    }

    // (c) What Codex CLI gives an MCP server: HOME, LANG, PATH, SHELL, TERM, TMPDIR (elsewhere).
    QProcessEnvironment codex() const
    {
        QProcessEnvironment env = minimal();
        env.insert(QStringLiteral("LANG"), QStringLiteral("C.UTF-8"));
        env.insert(QStringLiteral("SHELL"), QStringLiteral("/bin/bash"));
        env.insert(QStringLiteral("TERM"), QStringLiteral("xterm-256color"));
        env.insert(QStringLiteral("TMPDIR"), m_otherTmp);
        return env;
    }

    // (d) A session with its own XDG_RUNTIME_DIR and no display (a systemd user unit, ssh).
    QProcessEnvironment otherSession() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char *name : {"MANIFOLD_SOCKET", "MANIFOLD_CONFIG_DIR", "XDG_CONFIG_HOME",
                                 "DISPLAY", "WAYLAND_DISPLAY", "MANIFOLD_BIN", "MANIFOLD_LAUNCH"})
            env.remove(QLatin1String(name));
        env.insert(QStringLiteral("HOME"), m_home);
        env.insert(QStringLiteral("MANIFOLD_RUNTIME_ROOT"), m_root.path());
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_otherRuntime);
        return env;
    }

    QList<qint64> brokers() const
    {
        return withoutForkedHelpers(
            processesWithEnvironment(m_rootEntry, QStringLiteral(MANIFOLD_PATH)));
    }
    QList<qint64> children(const QString &server) const
    {
        QList<qint64> found;
        for (const qint64 pid :
             processesWithEnvironment(m_rootEntry, QStringLiteral(FAKE_MCP_SERVER_PATH))) {
            if (processhelpers::processesWithCommandLine({QStringLiteral("rendezvous-") + server})
                    .contains(pid))
                found.append(pid);
        }
        return found;
    }

    QTemporaryDir m_root;
    QByteArray m_rootEntry;
    QString m_home;
    QString m_configDir;
    QString m_otherTmp;
    QString m_otherRuntime;
    QString m_runUser;
    QString m_expectedSocket;
    std::vector<std::unique_ptr<ClientProcess>> m_shims;
};

} // namespace

TEST_P(DefaultRendezvous, ShimsFromEveryClientEnvironmentShareOneBroker)
{
    struct Start
    {
        const char *what;
        QString server;
        QProcessEnvironment env;
    };
    const QList<Start> starts{
        {"terminal", QStringLiteral("alpha"), terminal()},
        {"env -i HOME PATH", QStringLiteral("beta"), minimal()},
        {"Codex", QStringLiteral("alpha"), codex()},
        {"other XDG_RUNTIME_DIR, no display", QStringLiteral("beta"), otherSession()}};
    // All at once with no broker running: whichever environment wins the launch, there is one.
    for (const Start &start : starts)
        m_shims.push_back(std::make_unique<ClientProcess>(QStringList{start.server}, start.env));
    QSet<qint64> shimPids;
    for (size_t i = 0; i < m_shims.size(); ++i) {
        ClientProcess &shim = *m_shims[i];
        shim.write(initializeLine("1"));
        ASSERT_TRUE(shim.waitForLineWith("\"result\"", 30000))
            << starts[qsizetype(i)].what << ": " << shim.out().constData()
            << shim.err().constData();
        shimPids.insert(shim.process().processId());
    }

    const QList<qint64> running = brokers();
    ASSERT_EQ(running.size(), 1) << "brokers of this test: " << running.size();
    EXPECT_EQ(children(QStringLiteral("alpha")).size(), 1);
    EXPECT_EQ(children(QStringLiteral("beta")).size(), 1);
    EXPECT_TRUE(QFileInfo::exists(m_expectedSocket)) << m_expectedSocket.toStdString();
    // Nothing went where the stripped or changed variables point.
    EXPECT_TRUE(QDir(m_otherTmp).isEmpty());
    EXPECT_TRUE(QDir(m_otherRuntime).isEmpty());

    // manifoldctl, itself with a bare environment, finds the same broker through the rule.
    const Ctl status = runCtl(minimal(), {QStringLiteral("status"), QStringLiteral("--json")});
    ASSERT_EQ(status.exitCode, 0) << status.err.constData();
    const QJsonObject json = QJsonDocument::fromJson(status.out).object();
    const QJsonObject broker = json.value(QStringLiteral("broker")).toObject();
    EXPECT_EQ(broker.value(QStringLiteral("pid")).toInteger(), running.first());
    EXPECT_EQ(broker.value(QStringLiteral("socket")).toString(), m_expectedSocket);
    EXPECT_EQ(broker.value(QStringLiteral("socketSource")).toString(), QStringLiteral("default"));
    QSet<qint64> sessionShims;
    for (const QJsonValue &session : json.value(QStringLiteral("sessions")).toArray())
        sessionShims.insert(session.toObject().value(QStringLiteral("shimPid")).toInteger());
    EXPECT_EQ(sessionShims, shimPids);
    for (const QJsonValue &value : json.value(QStringLiteral("servers")).toArray()) {
        const QJsonObject server = value.toObject();
        const QString name = server.value(QStringLiteral("name")).toString();
        EXPECT_EQ(server.value(QStringLiteral("sessions")).toInt(), 2) << name.toStdString();
        const QList<qint64> child = children(name);
        EXPECT_EQ(child, QList<qint64>{server.value(QStringLiteral("pid")).toInteger()})
            << name.toStdString();
    }

    const Ctl text = runCtl(codex(), {QStringLiteral("status")});
    EXPECT_TRUE(
        text.out.contains(QStringLiteral("socket %1 (default)").arg(m_expectedSocket).toUtf8()))
        << text.out.constData();
}

INSTANTIATE_TEST_SUITE_P(Rendezvous, DefaultRendezvous, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool> &info) {
                             return info.param ? std::string("WithRunUserDir")
                                               : std::string("WithoutRunUserDir");
                         });

// A broker started before the user's login created /run/user/UID (from cron, a systemd unit
// without a session) keeps listening in /tmp/manifold-UID. After the login the rendezvous is
// /run/user/UID, and still no second broker appears: shims, manifoldctl and `manifold` look there.
class BrokerFromBeforeLogin : public DefaultRendezvous
{
};

TEST_P(BrokerFromBeforeLogin, StaysTheOnlyBrokerAfterRunUserAppears)
{
    m_shims.push_back(
        std::make_unique<ClientProcess>(QStringList{QStringLiteral("alpha")}, minimal()));
    m_shims.back()->write(initializeLine("1"));
    ASSERT_TRUE(m_shims.back()->waitForLineWith("\"result\"", 30000))
        << m_shims.back()->err().constData();
    const QList<qint64> before = brokers();
    ASSERT_EQ(before.size(), 1);
    ASSERT_TRUE(QFileInfo::exists(m_expectedSocket))
        << "premise: the broker is on the /tmp rendezvous";

    ASSERT_TRUE(QDir().mkpath(m_runUser)); // the login
    ASSERT_EQ(::chmod(QFile::encodeName(m_runUser).constData(), 0700), 0);
    m_shims.push_back(
        std::make_unique<ClientProcess>(QStringList{QStringLiteral("beta")}, codex()));
    m_shims.back()->write(initializeLine("1"));
    ASSERT_TRUE(m_shims.back()->waitForLineWith("\"result\"", 30000))
        << m_shims.back()->err().constData();

    const Ctl status = runCtl(minimal(), {QStringLiteral("status"), QStringLiteral("--json")});
    ASSERT_EQ(status.exitCode, 0) << status.err.constData();
    const QJsonObject json = QJsonDocument::fromJson(status.out).object();
    EXPECT_EQ(
        json.value(QStringLiteral("broker")).toObject().value(QStringLiteral("pid")).toInteger(),
        before.first());
    EXPECT_EQ(json.value(QStringLiteral("sessions")).toArray().size(), 2);

    // A tray app or `manifold --headless` started now finds it instead of starting a second one.
    QProcess manifold;
    manifold.setProcessEnvironment(minimal());
    manifold.start(QStringLiteral(MANIFOLD_PATH), {QStringLiteral("--headless")});
    ASSERT_TRUE(QTest::qWaitFor([&] { return manifold.state() == QProcess::NotRunning; }, 15000));
    EXPECT_EQ(manifold.exitCode(), 0);
    EXPECT_TRUE(manifold.readAllStandardOutput().contains("already running"))
        << manifold.readAllStandardError().constData();
    EXPECT_EQ(brokers(), before);
    EXPECT_FALSE(QFileInfo::exists(m_runUser + QStringLiteral("/manifold/broker.sock")));
}

INSTANTIATE_TEST_SUITE_P(Rendezvous, BrokerFromBeforeLogin, ::testing::Values(false));

// An explicit socket is honoured and says where it came from.
TEST(RendezvousOverride, ManifoldSocketAndOptionAreReportedAsTheSource)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString configDir = dir.filePath(QStringLiteral("config"));
    QProcessEnvironment env = processhelpers::shimEnvironment(configDir);
    env.insert(QStringLiteral("MANIFOLD_RUNTIME_ROOT"),
               dir.path()); // the default is not this socket
    const QString viaEnv = dir.filePath(QStringLiteral("env.sock"));
    env.insert(QStringLiteral("MANIFOLD_SOCKET"), viaEnv);

    // A shim with MANIFOLD_SOCKET starts the broker (passing the socket on with --socket).
    ClientProcess shim({QStringLiteral("anything")}, env);
    shim.write(initializeLine("1"));
    ASSERT_TRUE(shim.waitForLineWith("\"error\"", 30000))
        << shim.err().constData(); // no such server
    const qint64 brokerPid = processhelpers::brokerLockHolder(viaEnv);
    ASSERT_GT(brokerPid, 0);
    const Ctl status = runCtl(env, {QStringLiteral("status"), QStringLiteral("--json")});
    const QJsonObject broker =
        QJsonDocument::fromJson(status.out).object().value(QStringLiteral("broker")).toObject();
    EXPECT_EQ(broker.value(QStringLiteral("socket")).toString(), viaEnv);
    EXPECT_EQ(broker.value(QStringLiteral("socketSource")).toString(),
              QStringLiteral("MANIFOLD_SOCKET"));
    const Ctl text = runCtl(env, {QStringLiteral("status")});
    EXPECT_TRUE(text.out.contains("(from MANIFOLD_SOCKET, not the per-user default)"))
        << text.out.constData();
    EXPECT_TRUE(processhelpers::stopDetachedBroker(brokerPid));

    const QString viaOption = dir.filePath(QStringLiteral("option.sock"));
    processhelpers::HeadlessBroker headless(viaOption, configDir);
    QProcessEnvironment brokerEnv = env;
    brokerEnv.remove(QStringLiteral("MANIFOLD_SOCKET"));
    headless.process().setProcessEnvironment(brokerEnv);
    ASSERT_TRUE(headless.start());
    const Ctl optionStatus =
        runCtl(brokerEnv, {QStringLiteral("--socket"), viaOption, QStringLiteral("status"),
                           QStringLiteral("--json")});
    EXPECT_EQ(QJsonDocument::fromJson(optionStatus.out)
                  .object()
                  .value(QStringLiteral("broker"))
                  .toObject()
                  .value(QStringLiteral("socketSource"))
                  .toString(),
              QStringLiteral("--socket"));
}
