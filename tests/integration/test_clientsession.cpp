// A session of another transport than the shim's (what the HTTP front door will add): adopted by
// the broker, it is routed like a shim's, listed with its transport, and closed the same ways.
#include "brokerfixture.h"
#include "processhelpers.h"
#include "testclient.h"

#include "broker/clientsession.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace manifold;

namespace {

// Lines in by hand, lines out into a list.
class MemorySession final : public ClientSession
{
public:
    using ClientSession::ClientSession;

    QString transport() const override { return QStringLiteral("memory"); }
    qint64 queuedBytes() const override { return 0; }
    void begin(const QByteArray &alreadyRead) override
    {
        for (const QByteArray &line : alreadyRead.split('\n')) {
            if (!line.isEmpty())
                emit lineReceived(id(), line);
        }
    }
    void send(const QByteArray &line) override { sent.append(QJsonDocument::fromJson(line).object()); }
    void close(const QString &reason) override
    {
        closedWith = reason;
        emit closed(id());
    }

    bool answered(const QJsonValue &requestId) const
    {
        return std::any_of(sent.cbegin(), sent.cend(), [&](const QJsonObject &m) {
            return m.value(QStringLiteral("id")) == requestId && m.contains(QStringLiteral("result"));
        });
    }

    QList<QJsonObject> sent;
    QString closedWith;
};

class ClientSessions : public BrokerFixture
{
};

} // namespace

TEST_F(ClientSessions, AnotherTransportsSessionIsRoutedListedAndClosedLikeAShims)
{
    registerServer(fakeServer(QStringLiteral("fake")));
    startBroker();
    TestClient shim(m_socketPath);
    ASSERT_TRUE(shim.connectAndInitialize(QStringLiteral("fake"), QStringLiteral("shim-client")));

    Hello hello;
    hello.role = QStringLiteral("memory");
    hello.server = QStringLiteral("fake");
    auto *session = new MemorySession(m_broker->nextSessionId(), hello, 1 << 20, m_broker.get());
    const SessionId id = session->id();
    m_broker->adoptSession(session, processhelpers::initializeLine("1") +
                                        R"({"jsonrpc":"2.0","method":"notifications/initialized"})" "\n");
    ASSERT_TRUE(QTest::qWaitFor([&] { return session->answered(1); }, 10000));
    const QJsonObject call{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")}, {QStringLiteral("id"), 2},
                           {QStringLiteral("method"), QStringLiteral("tools/call")},
                           {QStringLiteral("params"), callTool(QStringLiteral("echo"), {{QStringLiteral("message"), QStringLiteral("via memory")}})}};
    emit session->lineReceived(id, QJsonDocument(call).toJson(QJsonDocument::Compact));
    ASSERT_TRUE(QTest::qWaitFor([&] { return session->answered(2); }, 10000));
    EXPECT_TRUE(QJsonDocument(session->sent.last()).toJson().contains("via memory"));

    // One child for both, and the status says which transport each uses.
    EXPECT_EQ(serverStatus(QStringLiteral("fake")).value(QStringLiteral("sessions")).toInt(), 2);
    QStringList transports;
    for (const QJsonValue &value : m_broker->status().value(QStringLiteral("sessions")).toArray())
        transports.append(value.toObject().value(QStringLiteral("transport")).toString());
    transports.sort();
    EXPECT_EQ(transports, (QStringList{QStringLiteral("memory"), QStringLiteral("shim")}));

    QString error;
    ASSERT_TRUE(m_broker->disconnectSession(id, &error)) << error.toStdString();
    EXPECT_EQ(session->closedWith, QStringLiteral("the session was disconnected in Manifold"));
    EXPECT_EQ(m_broker->sessionIds(), QList<SessionId>{SessionId(1)});
}
