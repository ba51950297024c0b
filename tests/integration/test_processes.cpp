// The real binaries: manifold-shim relaying for a client, manifold --headless as a process.
#include "brokerfixture.h"
#include "testclient.h"

#include "platform/childprocess.h"
#include "processhelpers.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonArray>
#include <QLocalServer>
#include <QLocalSocket>
#include <QProcess>
#include <QTest>

#include <csignal>

using namespace manifold;

using processhelpers::ClientProcess;
using processhelpers::HeadlessBroker;
using processhelpers::initializeLine;

namespace {

bool alive(qint64 pid)
{
    return testsupport::processRunning(pid);
}

} // namespace

TEST(ShimProcess, RelaysBytesExactlyBothWays)
{
    QTemporaryDir dir;
    const QString socketPath = dir.filePath(QStringLiteral("fake-broker.sock"));
    QLocalServer server;
    ASSERT_TRUE(server.listen(socketPath));
    QLocalSocket *peer = nullptr;
    QByteArray fromShim;
    QObject::connect(&server, &QLocalServer::newConnection, [&] {
        peer = server.nextPendingConnection();
        QObject::connect(peer, &QLocalSocket::readyRead, [&] {
            fromShim += peer->readAll();
            const qsizetype newline = fromShim.indexOf('\n');
            if (fromShim.startsWith("welcomed") || newline < 0)
                return;
            if (fromShim.left(newline).contains("\"manifold\":\"hello\"")) {
                peer->write(R"({"manifold":"welcome","version":1,"brokerPid":1,"brokerVersion":"0"})" "\n");
                fromShim.remove(0, newline + 1);
                fromShim.prepend("welcomed");
            }
        });
    });
    ClientProcess shim({QStringLiteral("--socket"), socketPath, QStringLiteral("anything")});
    // Non-ASCII, invalid UTF-8, CR, escapes and a 10 MB line: the shim must not re-encode anything.
    QByteArray payload = "{\"a\":\"\xc3\xbc\xe2\x9c\x93 \\u00fc\"}\r\n\xff\xfe not utf8\n";
    QByteArray big(10 * 1024 * 1024, 'z');
    big.prepend("{\"big\":\"");
    big.append("\"}\n");
    payload += big;
    shim.write(payload);
    ASSERT_TRUE(QTest::qWaitFor([&] { return fromShim.size() == qsizetype(strlen("welcomed")) + payload.size(); }, 20000))
        << fromShim.size();
    EXPECT_EQ(fromShim.mid(qsizetype(strlen("welcomed"))), payload);

    peer->write(payload);
    ASSERT_TRUE(QTest::qWaitFor([&] { return shim.out().size() >= payload.size(); }, 20000));
    EXPECT_EQ(shim.out(), payload);

    shim.process().closeWriteChannel();
    EXPECT_TRUE(shim.waitForExit());
    EXPECT_EQ(shim.process().exitCode(), 0);
}

TEST_F(BrokerFixture, ShimAnswersInitializeWithErrorForUnknownServer)
{
    registerServer(fakeServer(QStringLiteral("alpha")));
    startBroker();
    ClientProcess shim({QStringLiteral("--socket"), m_socketPath, QStringLiteral("nope")});
    shim.write(initializeLine("0"));
    const auto response = shim.waitForLineWith("\"error\"");
    ASSERT_TRUE(response);
    EXPECT_EQ(response->value(QStringLiteral("id")).toInt(-1), 0);
    const QString message = response->value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
    EXPECT_TRUE(message.contains(QStringLiteral("no server named 'nope'; known: alpha"))) << message.toStdString();
    ASSERT_TRUE(shim.waitForExit());
    EXPECT_NE(shim.process().exitCode(), 0);
    EXPECT_TRUE(shim.err().contains("no server named 'nope'; known: alpha")) << shim.err().constData();
}

TEST_F(BrokerFixture, ShimCarriesTenMegabyteNonAsciiMessages)
{
    registerServer(fakeServer(QStringLiteral("fake")));
    startBroker();
    ClientProcess shim({QStringLiteral("--socket"), m_socketPath, QStringLiteral("fake")});
    shim.write(initializeLine("\"i\""));
    ASSERT_TRUE(shim.waitForLineWith("\"result\""));
    QString message = QStringLiteral("äöü ✓ 日本 ");
    message = message.repeated(10 * 1024 * 1024 / message.toUtf8().size());
    const QJsonObject call{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
                           {QStringLiteral("id"), 2},
                           {QStringLiteral("method"), QStringLiteral("tools/call")},
                           {QStringLiteral("params"), callTool(QStringLiteral("echo"), {{QStringLiteral("message"), message}})}};
    shim.out().clear();
    shim.write(QJsonDocument(call).toJson(QJsonDocument::Compact) + '\n');
    ASSERT_TRUE(QTest::qWaitFor([&] { return shim.out().endsWith('\n'); }, 30000));
    const QJsonObject response = QJsonDocument::fromJson(shim.out()).object();
    EXPECT_EQ(response.value(QStringLiteral("id")).toInt(), 2);
    EXPECT_EQ(response.value(QStringLiteral("result")).toObject().value(QStringLiteral("structuredContent")).toObject()
                  .value(QStringLiteral("message")).toString(), message);
}

TEST_F(BrokerFixture, ShimExitsWhenClientClosesStdinAndSessionIsDropped)
{
    registerServer(fakeServer(QStringLiteral("fake")));
    startBroker();
    ClientProcess shim({QStringLiteral("--socket"), m_socketPath, QStringLiteral("fake")});
    shim.write(initializeLine("1"));
    ASSERT_TRUE(shim.waitForLineWith("\"result\""));
    ASSERT_EQ(m_broker->status().value(QStringLiteral("sessions")).toArray().size(), 1);
    const QJsonObject session = m_broker->status().value(QStringLiteral("sessions")).toArray().first().toObject();
    EXPECT_EQ(session.value(QStringLiteral("shimPid")).toInteger(), shim.process().processId());
    EXPECT_EQ(session.value(QStringLiteral("clientName")).toString(), QStringLiteral("proc"));
    EXPECT_EQ(session.value(QStringLiteral("parentPid")).toInteger(), QCoreApplication::applicationPid());

    shim.process().closeWriteChannel();
    ASSERT_TRUE(shim.waitForExit(3000));
    EXPECT_EQ(shim.process().exitCode(), 0);
    EXPECT_TRUE(QTest::qWaitFor([&] { return m_broker->status().value(QStringLiteral("sessions")).toArray().isEmpty(); }, 3000));
}

TEST_F(BrokerFixture, HeadlessSecondStartFindsTheLiveBrokerAndExitsZero)
{
    registerServer(fakeServer(QStringLiteral("fake")));
    HeadlessBroker first(m_socketPath, m_configDir);
    ASSERT_TRUE(first.start());
    QProcess second;
    second.start(QStringLiteral(MANIFOLD_PATH), {QStringLiteral("--headless"), QStringLiteral("--socket"), m_socketPath,
                                                 QStringLiteral("--config-dir"), m_configDir});
    ASSERT_TRUE(second.waitForFinished(10000));
    EXPECT_EQ(second.exitStatus(), QProcess::NormalExit);
    EXPECT_EQ(second.exitCode(), 0);
    EXPECT_TRUE(second.readAllStandardOutput().contains("already running"));
    EXPECT_EQ(first.process().state(), QProcess::Running);
}

TEST_F(BrokerFixture, SigkilledBrokerLeavesNoServerProcessBehind)
{
    registerServer(fakeServer(QStringLiteral("fake")));
    HeadlessBroker broker(m_socketPath, m_configDir);
    ASSERT_TRUE(broker.start());
    ClientProcess shim({QStringLiteral("--socket"), m_socketPath, QStringLiteral("fake")},
                       processhelpers::shimEnvironment(m_configDir));
    shim.write(initializeLine("1"));
    ASSERT_TRUE(shim.waitForLineWith("\"result\""));
    shim.write(R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"pid","arguments":{}}})" "\n");
    shim.write(R"({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"spawn_grandchild","arguments":{}}})" "\n");
    const auto pidResponse = shim.waitForLineWith("\"id\":2");
    const auto grandchildResponse = shim.waitForLineWith("\"id\":3");
    ASSERT_TRUE(pidResponse && grandchildResponse);
    const qint64 child = pidResponse->value(QStringLiteral("result")).toObject().value(QStringLiteral("structuredContent"))
                             .toObject().value(QStringLiteral("pid")).toInteger();
    const qint64 grandchild = grandchildResponse->value(QStringLiteral("result")).toObject()
                                  .value(QStringLiteral("structuredContent")).toObject().value(QStringLiteral("pid")).toInteger();
    ASSERT_TRUE(alive(child));
    ASSERT_TRUE(alive(grandchild));

    ::kill(pid_t(broker.process().processId()), SIGKILL);
    EXPECT_TRUE(QTest::qWaitFor([&] { return !alive(child) && !alive(grandchild); }, 5000))
        << "child alive: " << alive(child) << ", grandchild alive: " << alive(grandchild);
    // The shim starts a new broker and reconnects (test_brokerrestart.cpp covers that in depth);
    // when its client leaves it exits, and the broker it started is stopped here.
    EXPECT_TRUE(QTest::qWaitFor([&] { return shim.err().contains("reconnected"); }, 15000)) << shim.err().constData();
    shim.process().closeWriteChannel();
    EXPECT_TRUE(shim.waitForExit());
    EXPECT_EQ(shim.process().exitCode(), 0);
    const qint64 restarted = processhelpers::brokerLockHolder(m_socketPath);
    EXPECT_NE(restarted, broker.process().processId());
    EXPECT_TRUE(processhelpers::stopDetachedBroker(restarted));
}

using processhelpers::CtlResult;
using processhelpers::runCtl;

TEST_F(BrokerFixture, ManifoldctlAddPlainKeepsASecretLookingValueInTheRegistry)
{
    startBroker();
    CtlResult added = runCtl(m_socketPath, {QStringLiteral("add"), QStringLiteral("plain"), QStringLiteral("--env"),
                                            QStringLiteral("API_TOKEN=not-really-secret"), QStringLiteral("--plain"),
                                            QStringLiteral("API_TOKEN"), QStringLiteral("--"),
                                            QStringLiteral(FAKE_MCP_SERVER_PATH)});
    ASSERT_EQ(added.exitCode, 0) << added.err.constData();
    const ServerConfig *config = m_broker->registry().find(QStringLiteral("plain"));
    ASSERT_NE(config, nullptr);
    EXPECT_EQ(config->env.value(QStringLiteral("API_TOKEN")), QStringLiteral("not-really-secret"));
    EXPECT_TRUE(config->secretEnv.isEmpty());

    CtlResult wrong = runCtl(m_socketPath, {QStringLiteral("add"), QStringLiteral("other"), QStringLiteral("--plain"),
                                            QStringLiteral("MISSING"), QStringLiteral("--"), QStringLiteral("true")});
    EXPECT_EQ(wrong.exitCode, 2);
    EXPECT_TRUE(wrong.err.contains("MISSING is not set with --env")) << wrong.err.constData();
}

TEST_F(BrokerFixture, ManifoldctlManagesServersAndReportsStatus)
{
    startBroker();
    CtlResult added = runCtl(m_socketPath, {QStringLiteral("add"), QStringLiteral("fake"), QStringLiteral("--env"),
                                            QStringLiteral("GREETING=hi there"), QStringLiteral("--"),
                                            QStringLiteral(FAKE_MCP_SERVER_PATH), QStringLiteral("--banner"),
                                            QStringLiteral("hello from fake")});
    ASSERT_EQ(added.exitCode, 0) << added.err.constData();
    QFile registry(m_configDir + QStringLiteral("/servers.json"));
    ASSERT_TRUE(registry.open(QIODevice::ReadOnly));
    EXPECT_TRUE(registry.readAll().contains("hello from fake"));

    TestClient client(m_socketPath);
    ASSERT_TRUE(client.connectAndInitialize(QStringLiteral("fake"), QStringLiteral("ctl-test")));
    client.sendJson(client.request(1, QStringLiteral("tools/call"),
                                   callTool(QStringLiteral("env"), {{QStringLiteral("name"), QStringLiteral("GREETING")}})));
    const auto env = client.waitForResponse(1);
    ASSERT_TRUE(env);
    EXPECT_EQ(env->value(QStringLiteral("result")).toObject().value(QStringLiteral("structuredContent")).toObject()
                  .value(QStringLiteral("value")).toString(), QStringLiteral("hi there"));

    CtlResult status = runCtl(m_socketPath, {QStringLiteral("status"), QStringLiteral("--json")});
    ASSERT_EQ(status.exitCode, 0) << status.err.constData();
    const QJsonObject server = status.json().value(QStringLiteral("servers")).toArray().first().toObject();
    EXPECT_EQ(server.value(QStringLiteral("name")).toString(), QStringLiteral("fake"));
    EXPECT_EQ(server.value(QStringLiteral("state")).toString(), QStringLiteral("running"));
    EXPECT_EQ(server.value(QStringLiteral("pid")).toInteger(), host(QStringLiteral("fake"))->pid());
    EXPECT_EQ(server.value(QStringLiteral("sessions")).toInt(), 1);
    for (const char *key : {"uptimeMs", "restarts", "inFlight", "lastHeartbeat"})
        EXPECT_TRUE(server.contains(QLatin1String(key))) << key;
    const QJsonObject session = status.json().value(QStringLiteral("sessions")).toArray().first().toObject();
    EXPECT_EQ(session.value(QStringLiteral("clientName")).toString(), QStringLiteral("ctl-test"));
    EXPECT_EQ(session.value(QStringLiteral("clientVersion")).toString(), QStringLiteral("1.0"));
    EXPECT_EQ(session.value(QStringLiteral("requestsServed")).toInt(), 1);
    for (const char *key : {"server", "shimPid", "connectedSince"})
        EXPECT_TRUE(session.contains(QLatin1String(key))) << key;

    CtlResult table = runCtl(m_socketPath, {QStringLiteral("status")});
    EXPECT_EQ(table.exitCode, 0);
    EXPECT_TRUE(table.out.contains("fake")) << table.out.constData();
    EXPECT_TRUE(table.out.contains("ctl-test")) << table.out.constData();

    const qint64 firstPid = host(QStringLiteral("fake"))->pid();
    EXPECT_EQ(runCtl(m_socketPath, {QStringLiteral("kill"), QStringLiteral("fake")}).exitCode, 0);
    ASSERT_TRUE(QTest::qWaitFor([&] {
        return host(QStringLiteral("fake"))->state() == ServerHost::State::Running && host(QStringLiteral("fake"))->pid() != firstPid;
    }, 10000));
    EXPECT_EQ(host(QStringLiteral("fake"))->restarts(), 1);

    CtlResult logs = runCtl(m_socketPath, {QStringLiteral("logs"), QStringLiteral("fake")});
    EXPECT_EQ(logs.exitCode, 0);
    EXPECT_TRUE(logs.out.contains("hello from fake")) << logs.out.constData();
    EXPECT_TRUE(logs.out.contains("killing process group")) << logs.out.constData();

    CtlResult unknown = runCtl(m_socketPath, {QStringLiteral("restart"), QStringLiteral("nope")});
    EXPECT_NE(unknown.exitCode, 0);
    EXPECT_TRUE(unknown.err.contains("no server named 'nope'; known: fake")) << unknown.err.constData();

    EXPECT_EQ(runCtl(m_socketPath, {QStringLiteral("remove"), QStringLiteral("fake")}).exitCode, 0);
    EXPECT_TRUE(client.waitForDisconnected());
    EXPECT_TRUE(m_broker->status().value(QStringLiteral("servers")).toArray().isEmpty());
}

TEST(ManifoldctlProcess, ExplainsWhenNoBrokerRuns)
{
    QTemporaryDir dir;
    CtlResult result = runCtl(dir.filePath(QStringLiteral("none.sock")), {QStringLiteral("status")});
    EXPECT_NE(result.exitCode, 0);
    EXPECT_TRUE(result.err.contains("no Manifold broker answers")) << result.err.constData();
}

namespace {
QProcessEnvironment offscreenEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    return env;
}
} // namespace

TEST_F(BrokerFixture, SecondTrayLaunchRaisesTheRunningWindow)
{
    registerServer(fakeServer(QStringLiteral("fake")));
    QProcess first;
    first.setProcessEnvironment(offscreenEnvironment());
    first.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    first.start(QStringLiteral(MANIFOLD_PATH), {QStringLiteral("--minimized"), QStringLiteral("--socket"), m_socketPath,
                                                QStringLiteral("--config-dir"), m_configDir});
    ASSERT_TRUE(QTest::qWaitFor([&] {
        QLocalSocket probe;
        probe.connectToServer(m_socketPath);
        return probe.waitForConnected(100);
    }, 15000));

    QProcess second;
    second.setProcessEnvironment(offscreenEnvironment());
    second.start(QStringLiteral(MANIFOLD_PATH), {QStringLiteral("--socket"), m_socketPath, QStringLiteral("--config-dir"), m_configDir});
    ASSERT_TRUE(QTest::qWaitFor([&] { return second.state() == QProcess::NotRunning; }, 15000));
    EXPECT_EQ(second.exitCode(), 0);
    EXPECT_TRUE(second.readAllStandardOutput().contains("raised the window")) << second.readAllStandardError().constData();
    EXPECT_EQ(first.state(), QProcess::Running);

    first.terminate();   // SIGTERM: stop the servers and leave
    EXPECT_TRUE(QTest::qWaitFor([&] { return first.state() == QProcess::NotRunning; }, 15000));
    EXPECT_EQ(first.exitStatus(), QProcess::NormalExit);
}

TEST_F(BrokerFixture, TrayAppAttachesToAHeadlessBrokerAndLeavesItRunning)
{
    registerServer(fakeServer(QStringLiteral("fake")));
    HeadlessBroker broker(m_socketPath, m_configDir);
    ASSERT_TRUE(broker.start());
    QProcess window;
    window.setProcessEnvironment(offscreenEnvironment());
    QByteArray err;
    QObject::connect(&window, &QProcess::readyReadStandardError, [&] { err += window.readAllStandardError(); });
    window.start(QStringLiteral(MANIFOLD_PATH), {QStringLiteral("--socket"), m_socketPath, QStringLiteral("--config-dir"), m_configDir});
    ASSERT_TRUE(QTest::qWaitFor([&] { return err.contains("attached to the running broker"); }, 15000)) << err.constData();
    EXPECT_EQ(window.state(), QProcess::Running);

    window.terminate();
    ASSERT_TRUE(QTest::qWaitFor([&] { return window.state() == QProcess::NotRunning; }, 15000));
    // Closing the attached window never stops the broker or its sessions.
    EXPECT_EQ(broker.process().state(), QProcess::Running);
    CtlResult status = runCtl(m_socketPath, {QStringLiteral("status"), QStringLiteral("--json")});
    EXPECT_EQ(status.exitCode, 0);
}

TEST(ShimProcess, RetriesABrokerThatClosesBeforeAnswering)
{
    QTemporaryDir dir;
    const QString socketPath = dir.filePath(QStringLiteral("flaky-broker.sock"));
    QLocalServer server;
    ASSERT_TRUE(server.listen(socketPath));
    int connections = 0;
    QByteArray relayed;
    QObject::connect(&server, &QLocalServer::newConnection, [&] {
        QLocalSocket *peer = server.nextPendingConnection();
        const int number = ++connections;
        auto buffer = std::make_shared<QByteArray>();
        QObject::connect(peer, &QLocalSocket::readyRead, [&, peer, number, buffer] {
            *buffer += peer->readAll();
            if (!buffer->contains('\n'))
                return;
            if (number == 1) {
                peer->disconnectFromServer();   // like a broker that is going away
                return;
            }
            if (!buffer->startsWith("welcomed")) {
                buffer->remove(0, buffer->indexOf('\n') + 1);
                buffer->prepend("welcomed");
                peer->write(R"({"manifold":"welcome","version":1,"brokerPid":1,"brokerVersion":"0"})" "\n");
            }
            relayed = buffer->mid(qsizetype(strlen("welcomed")));
        });
    });
    ClientProcess shim({QStringLiteral("--socket"), socketPath, QStringLiteral("anything")});
    shim.write(initializeLine("7"));
    ASSERT_TRUE(QTest::qWaitFor([&] { return relayed == initializeLine("7"); }, 10000)) << relayed.constData();
    EXPECT_EQ(connections, 2);
    EXPECT_EQ(shim.process().state(), QProcess::Running);
}
