// The HTTP front door over real TCP: a Streamable HTTP session is a broker session of the shared
// child; Host, Origin and the token are checked before anything else.
#include "brokerfixture.h"
#include "testclient.h"

#include "http/frontdoor.h"
#include "http/tokenstore.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace manifold;

namespace {

// One HTTP exchange on a connection of its own: the raw response, read until it is complete
// (Content-Length, a stream's last chunk) or until() holds or the server closes.
QByteArray exchange(quint16 port, const QByteArray &request, const std::function<bool(const QByteArray &)> &until = {})
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    QByteArray response;
    QObject::connect(&socket, &QTcpSocket::readyRead, [&] { response += socket.readAll(); });
    socket.write(request);
    const auto complete = [&] {
        if (until && until(response))
            return true;
        const qsizetype headEnd = response.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return socket.state() == QAbstractSocket::UnconnectedState;
        const QByteArray head = response.left(headEnd).toLower();
        if (head.contains("transfer-encoding: chunked"))
            return response.endsWith("\r\n0\r\n\r\n");   // a POST's stream: its last chunk
        const qsizetype at = head.indexOf("content-length: ");
        if (at >= 0)
            return response.size() - headEnd - 4 >= head.mid(at + 16).split('\r').first().toLongLong();
        return socket.state() == QAbstractSocket::UnconnectedState;
    };
    if (!QTest::qWaitFor(complete, 10000))
        response += "\n[timed out]";
    return response;
}

QByteArray header(const QByteArray &response, const QByteArray &name)
{
    for (const QByteArray &line : response.left(response.indexOf("\r\n\r\n")).split('\n')) {
        if (line.toLower().startsWith(name.toLower() + ':'))
            return line.mid(name.size() + 1).trimmed();
    }
    return {};
}

int statusOf(const QByteArray &response)
{
    return response.mid(9, 3).toInt();
}

class FrontDoorTest : public BrokerFixture
{
protected:
    QByteArray post(const QByteArray &body, const QByteArray &extraHeaders = {})
    {
        return "POST /mcp/fake HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(m_door->port()) +
               "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n" + extraHeaders +
               "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    }
    void open(http::FrontDoor::Options options = {})
    {
        registerServer(fakeServer(QStringLiteral("fake")));
        startBroker();
        m_tokens = std::make_unique<http::TokenStore>(m_configDir);
        QString error;
        m_secret = m_tokens->add(QStringLiteral("sdk"), &error).toLatin1();
        m_door = std::make_unique<http::FrontDoor>(m_broker.get(), m_tokens.get(), options);
        ASSERT_TRUE(m_door->listen(&error)) << error.toStdString();
    }
    void TearDown() override
    {
        m_door.reset();
        BrokerFixture::TearDown();
    }
    QByteArray auth() const { return "Authorization: Bearer " + m_secret + "\r\n"; }

    std::unique_ptr<http::TokenStore> m_tokens;
    std::unique_ptr<http::FrontDoor> m_door;
    QByteArray m_secret;
};

const QByteArray Initialize =
    R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw-http","version":"1"}}})";

} // namespace

TEST_F(FrontDoorTest, RefusesBadHostBadOriginAndMissingTokensBeforeAnythingElse)
{
    open();
    const QByteArray port = QByteArray::number(m_door->port());
    QByteArray badHost = post(Initialize, auth());
    badHost.replace("Host: 127.0.0.1:" + port, "Host: evil.example.com");
    const QByteArray refusedHost = exchange(m_door->port(), badHost);
    EXPECT_EQ(statusOf(refusedHost), 403) << refusedHost.constData();
    EXPECT_TRUE(refusedHost.contains("\"error\"")) << refusedHost.constData();

    const QByteArray refusedOrigin = exchange(m_door->port(), post(Initialize, auth() + "Origin: http://evil.example.com\r\n"));
    EXPECT_EQ(statusOf(refusedOrigin), 403) << refusedOrigin.constData();

    const QByteArray noToken = exchange(m_door->port(), post(Initialize));
    EXPECT_EQ(statusOf(noToken), 401) << noToken.constData();
    EXPECT_EQ(header(noToken, "WWW-Authenticate"), "Bearer realm=\"manifold\"");
    const QByteArray wrongToken = exchange(m_door->port(), post(Initialize, "Authorization: Bearer mfd_nope\r\n"));
    EXPECT_EQ(statusOf(wrongToken), 401);

    const QByteArray unknown = exchange(m_door->port(), QByteArray(post(Initialize, auth())).replace("/mcp/fake", "/mcp/nope"));
    EXPECT_EQ(statusOf(unknown), 404);
    EXPECT_TRUE(unknown.contains("known: fake")) << unknown.constData();
    EXPECT_EQ(m_broker->sessionIds().size(), 0);
}

TEST_F(FrontDoorTest, AStreamableSessionIsABrokerSessionOfTheSharedChild)
{
    open();
    TestClient shim(m_socketPath);
    ASSERT_TRUE(shim.connectAndInitialize(QStringLiteral("fake"), QStringLiteral("shim-client")));

    const QByteArray initialized = exchange(m_door->port(), post(Initialize, auth()));
    ASSERT_EQ(statusOf(initialized), 200) << initialized.constData();
    EXPECT_EQ(header(initialized, "Content-Type"), "application/json");
    const QByteArray session = header(initialized, "Mcp-Session-Id");
    ASSERT_FALSE(session.isEmpty());
    EXPECT_TRUE(initialized.contains("\"result\"")) << initialized.constData();
    const QByteArray withSession = auth() + "Mcp-Session-Id: " + session + "\r\n";

    const QByteArray accepted =
        exchange(m_door->port(), post(R"({"jsonrpc":"2.0","method":"notifications/initialized"})", withSession));
    EXPECT_EQ(statusOf(accepted), 202) << accepted.constData();

    const QByteArray call =
        R"({"jsonrpc":"2.0","id":"c1","method":"tools/call","params":{"name":"echo","arguments":{"message":"over http"}}})";
    const QByteArray streamed = exchange(m_door->port(), post(call, withSession + "MCP-Protocol-Version: 2025-11-25\r\n"),
                                         [](const QByteArray &r) { return r.contains("over http"); });
    ASSERT_EQ(statusOf(streamed), 200) << streamed.constData();
    EXPECT_EQ(header(streamed, "Content-Type"), "text/event-stream");
    EXPECT_TRUE(streamed.contains("\"id\":\"c1\"")) << streamed.constData();
    EXPECT_TRUE(streamed.contains("event: message\ndata: {")) << streamed.constData();

    // One child for the shim's session and the HTTP one, each listed with its transport.
    EXPECT_EQ(serverStatus(QStringLiteral("fake")).value(QStringLiteral("sessions")).toInt(), 2);
    QStringList transports;
    for (const QJsonValue &value : m_broker->status().value(QStringLiteral("sessions")).toArray())
        transports.append(value.toObject().value(QStringLiteral("transport")).toString());
    transports.sort();
    EXPECT_EQ(transports, (QStringList{QStringLiteral("http"), QStringLiteral("shim")}));

    const QByteArray other = m_tokens->add(QStringLiteral("other"), nullptr).toLatin1();
    const QByteArray stolen = exchange(m_door->port(), post(call, "Authorization: Bearer " + other + "\r\nMcp-Session-Id: " + session + "\r\n"));
    EXPECT_EQ(statusOf(stolen), 404) << "a session is reachable only with the token that opened it";

    const QByteArray port = QByteArray::number(m_door->port());
    const QByteArray deleted = exchange(m_door->port(), "DELETE /mcp/fake HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n" +
                                                            withSession + "Content-Length: 0\r\n\r\n");
    EXPECT_EQ(statusOf(deleted), 200) << deleted.constData();
    EXPECT_TRUE(QTest::qWaitFor([&] { return m_broker->sessionIds().size() == 1; }, 5000));
    const QByteArray gone = exchange(m_door->port(), post(call, withSession));
    EXPECT_EQ(statusOf(gone), 404) << gone.constData();
}

TEST_F(FrontDoorTest, AClientThatNeverFinishesInitializingLosesItsSession)
{
    http::FrontDoor::Options options;
    options.setupTimeoutMs = 300;
    open(options);
    const QByteArray probe = exchange(m_door->port(), post(Initialize, auth()));
    ASSERT_EQ(statusOf(probe), 200) << probe.constData();
    const QByteArray finished = exchange(m_door->port(), post(Initialize, auth()));
    const QByteArray initialized = exchange(m_door->port(), post(R"({"jsonrpc":"2.0","method":"notifications/initialized"})",
                                                                 auth() + "Mcp-Session-Id: " + header(finished, "Mcp-Session-Id") + "\r\n"));
    ASSERT_EQ(statusOf(initialized), 202) << initialized.constData();
    EXPECT_EQ(m_broker->sessionIds().size(), 2);
    // The probe's session goes; the one that finished stays.
    ASSERT_TRUE(QTest::qWaitFor([&] { return m_broker->sessionIds().size() == 1; }, 5000));
    const QByteArray stale = exchange(m_door->port(), post(R"({"jsonrpc":"2.0","id":2,"method":"ping"})",
                                                           auth() + "Mcp-Session-Id: " + header(probe, "Mcp-Session-Id") + "\r\n"));
    EXPECT_EQ(statusOf(stale), 404) << stale.constData();
    const QByteArray alive = exchange(m_door->port(), post(R"({"jsonrpc":"2.0","id":2,"method":"ping"})",
                                                           auth() + "Mcp-Session-Id: " + header(finished, "Mcp-Session-Id") + "\r\n"),
                                      [](const QByteArray &r) { return r.contains("\"id\":2"); });
    EXPECT_EQ(statusOf(alive), 200) << alive.constData();
}

TEST_F(FrontDoorTest, SessionsAreListedWithTheirTokenAndRemoteAddress)
{
    open();
    const QByteArray initialized = exchange(m_door->port(), post(Initialize, auth()));
    ASSERT_EQ(statusOf(initialized), 200) << initialized.constData();
    const QJsonArray sessions = m_broker->status().value(QStringLiteral("sessions")).toArray();
    ASSERT_EQ(sessions.size(), 1);
    const QJsonObject session = sessions.first().toObject();
    EXPECT_EQ(session.value(QStringLiteral("transport")).toString(), QStringLiteral("http"));
    EXPECT_EQ(session.value(QStringLiteral("tokenName")).toString(), QStringLiteral("sdk"));
    EXPECT_TRUE(session.value(QStringLiteral("remoteAddress")).toString().startsWith(QStringLiteral("127.0.0.1:")))
        << session.value(QStringLiteral("remoteAddress")).toString().toStdString();
}

TEST_F(FrontDoorTest, BeyondLoopbackItNeedsTlsOrAReverseProxyAndATokenAlways)
{
    registerServer(fakeServer(QStringLiteral("fake")));
    startBroker();
    http::TokenStore tokens(m_configDir);
    QString error;
    http::FrontDoor::Options options;
    options.address = QHostAddress::AnyIPv4;
    http::FrontDoor plain(m_broker.get(), &tokens, options);
    EXPECT_FALSE(plain.listen(&error));
    EXPECT_TRUE(error.contains(QStringLiteral("--tls-cert")) && error.contains(QStringLiteral("--behind-proxy")))
        << error.toStdString();

    options.behindProxy = true;
    options.requireToken = false;
    http::FrontDoor open(m_broker.get(), &tokens, options);
    EXPECT_FALSE(open.listen(&error));
    EXPECT_TRUE(error.contains(QStringLiteral("loopback addresses only"))) << error.toStdString();

    // Behind a proxy: the proxy's public name is a Host it may send, with its own port.
    m_secret = tokens.add(QStringLiteral("proxy"), &error).toLatin1();
    options.requireToken = true;
    options.hosts = {QStringLiteral("mcp.example.com")};
    http::FrontDoor proxied(m_broker.get(), &tokens, options);
    ASSERT_TRUE(proxied.listen(&error)) << error.toStdString();
    const QByteArray body = Initialize;
    const auto request = [&](const QByteArray &host) {
        return "POST /mcp/fake HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\n"
               "Accept: application/json, text/event-stream\r\n" + auth() +
               "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    };
    const QByteArray viaProxy = exchange(proxied.port(), request("mcp.example.com"));
    EXPECT_EQ(statusOf(viaProxy), 200) << viaProxy.constData();
    const QByteArray rebound = exchange(proxied.port(), request("evil.example.com"));
    EXPECT_EQ(statusOf(rebound), 403) << rebound.constData();
}

TEST_F(FrontDoorTest, ServesHttpsWithTheUsersCertificate)
{
    http::FrontDoor::Options options;
    options.tlsCertificate = QStringLiteral(MANIFOLD_TLS_FIXTURES "/cert.pem");
    options.tlsKey = QStringLiteral(MANIFOLD_TLS_FIXTURES "/key.pem");
    open(options);
    ASSERT_TRUE(m_door->usesTls());

    QSslSocket socket;
    QSslConfiguration configuration = socket.sslConfiguration();
    configuration.setCaCertificates(QSslCertificate::fromPath(options.tlsCertificate));
    socket.setSslConfiguration(configuration);
    QByteArray response;
    QObject::connect(&socket, &QSslSocket::readyRead, [&] { response += socket.readAll(); });
    socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), m_door->port());
    ASSERT_TRUE(QTest::qWaitFor([&] { return socket.isEncrypted(); }, 10000)) << socket.errorString().toStdString();
    EXPECT_EQ(socket.peerCertificate(), QSslCertificate::fromPath(options.tlsCertificate).first());
    socket.write(post(Initialize, auth()));
    ASSERT_TRUE(QTest::qWaitFor([&] { return response.contains("\"result\""); }, 10000)) << response.constData();
    EXPECT_EQ(statusOf(response), 200) << response.constData();
    EXPECT_FALSE(header(response, "Mcp-Session-Id").isEmpty());

    // Plain HTTP to the TLS port gets no HTTP answer.
    const QByteArray plain = exchange(m_door->port(), post(Initialize, auth()));
    EXPECT_FALSE(plain.startsWith("HTTP/1.1")) << plain.constData();

    QString error;
    http::FrontDoor::Options wrongKey = options;
    wrongKey.tlsKey = options.tlsCertificate;
    http::FrontDoor broken(m_broker.get(), m_tokens.get(), wrongKey);
    EXPECT_FALSE(broken.listen(&error));
    EXPECT_TRUE(error.contains(QStringLiteral("private key"))) << error.toStdString();
}

TEST_F(FrontDoorTest, APortTakenByAnotherProgramIsNamedAsSuch)
{
    registerServer(fakeServer(QStringLiteral("fake")));
    startBroker();
    QTcpServer other;
    ASSERT_TRUE(other.listen(QHostAddress::LocalHost, 0));
    http::TokenStore tokens(m_configDir);
    http::FrontDoor::Options options;
    options.port = other.serverPort();
    http::FrontDoor door(m_broker.get(), &tokens, options);
    QString error;
    EXPECT_FALSE(door.listen(&error));
    EXPECT_TRUE(error.contains(QStringLiteral("already in use by another program")) &&
                error.contains(QString::number(other.serverPort())))
        << error.toStdString();
}

namespace {

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

} // namespace

TEST_F(FrontDoorTest, TheBrokerListsTokensWhileTheFrontDoorIsOff)
{
    registerServer(fakeServer(QStringLiteral("fake")));
    startBroker();
    QString error;
    ASSERT_FALSE(m_broker->httpTokens(&error)->add(QStringLiteral("cursor"), &error).isEmpty()) << error.toStdString();
    ASSERT_TRUE(m_broker->httpTokens()->save(&error)) << error.toStdString();
    m_broker.reset();
    startBroker();   // a new broker, front door off: the file is read for status all the same
    const QJsonObject status = m_broker->httpStatus();
    EXPECT_FALSE(status.value(QStringLiteral("enabled")).toBool());
    const QJsonArray tokens = status.value(QStringLiteral("tokens")).toArray();
    ASSERT_EQ(tokens.size(), 1);
    EXPECT_EQ(tokens.first().toObject().value(QStringLiteral("name")).toString(), QStringLiteral("cursor"));
}

TEST_F(FrontDoorTest, AFailedEnableChangesNothingAndARevokedTokensSessionsEnd)
{
    registerServer(fakeServer(QStringLiteral("fake")));
    startBroker();
    QTcpServer taken;
    ASSERT_TRUE(taken.listen(QHostAddress::LocalHost, 0));
    QString error;
    EXPECT_FALSE(m_broker->setHttpEnabled(true, {{QStringLiteral("port"), taken.serverPort()}}, &error));
    EXPECT_TRUE(error.contains(QStringLiteral("already in use"))) << error.toStdString();
    EXPECT_FALSE(m_broker->httpStatus().value(QStringLiteral("enabled")).toBool());
    QFile saved(m_configDir + QStringLiteral("/servers.json"));
    ASSERT_TRUE(saved.open(QIODevice::ReadOnly));
    EXPECT_FALSE(QJsonDocument::fromJson(saved.readAll()).object().value(QStringLiteral("http")).toObject()
                     .value(QStringLiteral("enabled")).toBool())
        << "a failed enable is not saved";

    const quint16 port = freePort();
    ASSERT_TRUE(m_broker->setHttpEnabled(true, {{QStringLiteral("port"), port}}, &error)) << error.toStdString();
    const QByteArray secret = m_broker->httpTokens()->add(QStringLiteral("doomed"), &error).toLatin1();
    ASSERT_TRUE(m_broker->httpTokens()->save(&error));
    const QByteArray body = Initialize;
    const QByteArray request = "POST /mcp/fake HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port) +
                               "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
                               "Authorization: Bearer " + secret + "\r\nContent-Length: " + QByteArray::number(body.size()) +
                               "\r\n\r\n" + body;
    const QByteArray opened = exchange(port, request);
    ASSERT_EQ(statusOf(opened), 200) << opened.constData();
    ASSERT_EQ(m_broker->sessionIds().size(), 1);

    ASSERT_TRUE(m_broker->revokeHttpToken(QStringLiteral("doomed"), &error)) << error.toStdString();
    EXPECT_TRUE(QTest::qWaitFor([&] { return m_broker->sessionIds().isEmpty(); }, 5000)) << "its session ends at once";
    const QByteArray refused = exchange(port, request);
    EXPECT_EQ(statusOf(refused), 401) << refused.constData();
}

TEST_F(FrontDoorTest, ACancelledRequestsStreamEndsAtOnce)
{
    open();
    const QByteArray initialized = exchange(m_door->port(), post(Initialize, auth()));
    const QByteArray withSession = auth() + "Mcp-Session-Id: " + header(initialized, "Mcp-Session-Id") + "\r\n";
    exchange(m_door->port(), post(R"({"jsonrpc":"2.0","method":"notifications/initialized"})", withSession));

    QTcpSocket call;
    QByteArray streamed;
    QObject::connect(&call, &QTcpSocket::readyRead, [&] { streamed += call.readAll(); });
    call.connectToHost(QHostAddress::LocalHost, m_door->port());
    call.write(post(R"({"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"slow_echo","arguments":{"message":"never","delayMs":60000}}})",
                    withSession));
    ASSERT_TRUE(QTest::qWaitFor([&] { return streamed.contains("text/event-stream"); }, 5000)) << streamed.constData();

    const QByteArray cancelled = exchange(
        m_door->port(), post(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":7,"reason":"user"}})", withSession));
    EXPECT_EQ(statusOf(cancelled), 202) << cancelled.constData();
    // The call is never answered: its stream ends with the cancel (the last chunk), and the
    // kept-alive connection serves the next request.
    EXPECT_TRUE(QTest::qWaitFor([&] { return streamed.endsWith("\r\n0\r\n\r\n"); }, 5000)) << streamed.constData();
    EXPECT_FALSE(streamed.contains("never"));
    EXPECT_EQ(call.state(), QAbstractSocket::ConnectedState);
    streamed.clear();
    call.write(post(R"({"jsonrpc":"2.0","id":8,"method":"ping"})", withSession));
    EXPECT_TRUE(QTest::qWaitFor([&] { return streamed.contains("\"id\":8"); }, 5000)) << streamed.constData();
    EXPECT_EQ(m_broker->sessionIds().size(), 1) << "the session itself stays";
}

TEST_F(FrontDoorTest, ConnectionsPastTheCapAreToldToComeBackLater)
{
    http::FrontDoor::Options options;
    options.maxConnections = 2;
    open(options);
    QTcpSocket first, second;
    for (QTcpSocket *socket : {&first, &second}) {
        socket->connectToHost(QHostAddress::LocalHost, m_door->port());
        ASSERT_TRUE(socket->waitForConnected(5000));
    }
    // Both held open and idle: a third connection gets 503 at once.
    const QByteArray refused = exchange(m_door->port(), post(Initialize, auth()));
    EXPECT_EQ(statusOf(refused), 503) << refused.constData();
    first.abort();
    QByteArray served;
    EXPECT_TRUE(QTest::qWaitFor([&] {
        served = exchange(m_door->port(), post(Initialize, auth()));
        return statusOf(served) == 200;
    }, 5000));
    EXPECT_EQ(statusOf(served), 200) << "a place is free again once a connection closes: " << served.constData();
}
