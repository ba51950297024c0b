// One version everywhere: the three binaries print the CMake project version, and the broker
// reports peers of another version (an unfinished upgrade) instead of misbehaving.
#include "brokerfixture.h"
#include "testclient.h"

#include "manifold/version.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLocalServer>
#include <QLocalSocket>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

namespace {

QString versionOutput(const QString &program)
{
    QProcess process;
    process.start(program, {QStringLiteral("--version")});
    if (!process.waitForFinished(10000) || process.exitCode() != 0)
        return QStringLiteral("<failed: %1>")
            .arg(QString::fromLocal8Bit(process.readAllStandardError()));
    return QString::fromUtf8(process.readAllStandardOutput()).trimmed();
}

QJsonObject sessionOf(const QJsonObject &status, const QString &clientName)
{
    for (const QJsonValue &value : status.value(QStringLiteral("sessions")).toArray()) {
        if (value.toObject().value(QStringLiteral("clientName")).toString() == clientName)
            return value.toObject();
    }
    return {};
}

} // namespace

TEST(Versions, EveryBinaryPrintsTheProjectVersion)
{
    const QString expected = QStringLiteral(MANIFOLD_PROJECT_VERSION);
    EXPECT_EQ(QLatin1String(manifold::versionString()), expected);
    EXPECT_EQ(versionOutput(QStringLiteral(MANIFOLD_PATH)), QStringLiteral("manifold ") + expected);
    EXPECT_EQ(versionOutput(QStringLiteral(MANIFOLD_SHIM_PATH)),
              QStringLiteral("manifold-shim ") + expected);
    EXPECT_EQ(versionOutput(QStringLiteral(MANIFOLDCTL_PATH)),
              QStringLiteral("manifoldctl ") + expected);
}

TEST_F(BrokerFixture, ShimOfAnotherVersionIsServedAndFlaggedInStatus)
{
    registerServer(fakeServer(QStringLiteral("fake")));
    startBroker();

    TestClient old(m_socketPath);
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return old.socket().state() == QLocalSocket::ConnectedState; }, 5000));
    old.sendJson({{QStringLiteral("manifold"), QStringLiteral("hello")},
                  {QStringLiteral("version"), 1},
                  {QStringLiteral("role"), QStringLiteral("shim")},
                  {QStringLiteral("server"), QStringLiteral("fake")},
                  {QStringLiteral("pid"), 4242},
                  {QStringLiteral("peerVersion"), QStringLiteral("0.0.1-old")}});
    const auto welcome =
        old.waitFor([](const QJsonObject &o) { return o.contains(QStringLiteral("manifold")); });
    ASSERT_TRUE(welcome);
    EXPECT_EQ(welcome->value(QStringLiteral("manifold")).toString(), QStringLiteral("welcome"));
    EXPECT_EQ(welcome->value(QStringLiteral("brokerVersion")).toString(),
              QLatin1String(manifold::versionString()));
    old.sendInitialize(1, QStringLiteral("old-client"));
    ASSERT_TRUE(old.waitForResponse(1));
    old.sendJson(old.request(
        2, QStringLiteral("tools/call"),
        callTool(QStringLiteral("echo"), {{QStringLiteral("message"), QStringLiteral("hi")}})));
    const auto echoed = old.waitForResponse(2);
    ASSERT_TRUE(echoed) << "a shim of another version keeps working";
    EXPECT_TRUE(echoed->contains(QStringLiteral("result")));

    TestClient current(m_socketPath);
    ASSERT_TRUE(
        current.connectAndInitialize(QStringLiteral("fake"), QStringLiteral("current-client")));

    const QJsonObject status = m_broker->status();
    const QJsonObject oldSession = sessionOf(status, QStringLiteral("old-client"));
    ASSERT_FALSE(oldSession.isEmpty()) << QJsonDocument(status).toJson().constData();
    EXPECT_EQ(oldSession.value(QStringLiteral("shimVersion")).toString(),
              QStringLiteral("0.0.1-old"));
    EXPECT_TRUE(oldSession.value(QStringLiteral("versionMismatch")).toBool());
    const QJsonObject currentSession = sessionOf(status, QStringLiteral("current-client"));
    ASSERT_FALSE(currentSession.isEmpty());
    EXPECT_FALSE(currentSession.value(QStringLiteral("versionMismatch")).toBool());
}

TEST_F(BrokerFixture, HelloOfAnotherWireProtocolIsRefusedWithAClearError)
{
    registerServer(fakeServer(QStringLiteral("fake")));
    startBroker();
    TestClient future(m_socketPath);
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return future.socket().state() == QLocalSocket::ConnectedState; }, 5000));
    future.sendJson({{QStringLiteral("manifold"), QStringLiteral("hello")},
                     {QStringLiteral("version"), 2},
                     {QStringLiteral("role"), QStringLiteral("shim")},
                     {QStringLiteral("server"), QStringLiteral("fake")},
                     {QStringLiteral("pid"), 4243},
                     {QStringLiteral("peerVersion"), QStringLiteral("9.0.0")}});
    const auto reply =
        future.waitFor([](const QJsonObject &o) { return o.contains(QStringLiteral("manifold")); });
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->value(QStringLiteral("manifold")).toString(), QStringLiteral("refused"));
    EXPECT_TRUE(reply->value(QStringLiteral("error"))
                    .toString()
                    .contains(QStringLiteral("upgrade Manifold")))
        << reply->value(QStringLiteral("error")).toString().toStdString();
    EXPECT_TRUE(future.waitForDisconnected());
    EXPECT_TRUE(m_broker->status().value(QStringLiteral("sessions")).toArray().isEmpty());
}

// manifoldctl against a broker of another version: it still works, notes the difference on
// stderr, and `status` points at sessions whose shim is of yet another version.
TEST(Versions, ManifoldctlNotesABrokerOfAnotherVersion)
{
    QTemporaryDir dir;
    const QString socketPath = dir.filePath(QStringLiteral("older-broker.sock"));
    QLocalServer server;
    ASSERT_TRUE(server.listen(socketPath));
    QByteArray received;
    QObject::connect(&server, &QLocalServer::newConnection, [&] {
        QLocalSocket *peer = server.nextPendingConnection();
        QObject::connect(peer, &QLocalSocket::readyRead, [&, peer] {
            received += peer->readAll();
            for (qsizetype newline; (newline = received.indexOf('\n')) >= 0;) {
                const QJsonObject line = QJsonDocument::fromJson(received.left(newline)).object();
                received.remove(0, newline + 1);
                if (line.value(QStringLiteral("manifold")) == QStringLiteral("hello")) {
                    peer->write(
                        R"({"manifold":"welcome","version":1,"brokerPid":77,"brokerVersion":"0.0.9"})"
                        "\n");
                    continue;
                }
                const QJsonObject session{{QStringLiteral("id"), 5},
                                          {QStringLiteral("server"), QStringLiteral("fs")},
                                          {QStringLiteral("clientName"), QStringLiteral("Cursor")},
                                          {QStringLiteral("shimVersion"), QStringLiteral("0.0.8")},
                                          {QStringLiteral("versionMismatch"), true}};
                const QJsonObject status{
                    {QStringLiteral("broker"),
                     QJsonObject{{QStringLiteral("version"), QStringLiteral("0.0.9")},
                                 {QStringLiteral("pid"), 77}}},
                    {QStringLiteral("servers"), QJsonArray{}},
                    {QStringLiteral("sessions"), QJsonArray{session}}};
                const QJsonObject response{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
                                           {QStringLiteral("id"), line.value(QStringLiteral("id"))},
                                           {QStringLiteral("result"), status}};
                peer->write(QJsonDocument(response).toJson(QJsonDocument::Compact) + '\n');
            }
        });
    });
    QProcess ctl;
    ctl.start(QStringLiteral(MANIFOLDCTL_PATH),
              {QStringLiteral("--socket"), socketPath, QStringLiteral("status")});
    ASSERT_TRUE(QTest::qWaitFor([&] { return ctl.state() == QProcess::NotRunning; }, 20000));
    const QString out = QString::fromUtf8(ctl.readAllStandardOutput());
    const QString err = QString::fromUtf8(ctl.readAllStandardError());
    EXPECT_EQ(ctl.exitCode(), 0) << err.toStdString();
    EXPECT_TRUE(
        err.contains(QStringLiteral("the running broker is Manifold 0.0.9, this manifoldctl is %1")
                         .arg(QLatin1String(manifold::versionString()))))
        << err.toStdString();
    EXPECT_TRUE(out.contains(
        QStringLiteral("WARNING: session 5 runs manifold-shim 0.0.8, the broker is 0.0.9; "
                       "restart Cursor")))
        << out.toStdString();
}
