// The broker goes away under real manifold-shim processes: SIGKILLed (the shims answer what was
// in flight, start a new broker and carry on), shut down on purpose (they do not come back), or
// unreachable afterwards (they give up with a clear error).
#include "brokerfixture.h"
#include "processhelpers.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSet>
#include <QTest>

#include <csignal>
#include <memory>

using namespace manifold;
using processhelpers::ClientProcess;
using processhelpers::HeadlessBroker;

namespace {

QByteArray request(const QByteArray &rawId, const QByteArray &tool, const QByteArray &arguments)
{
    return R"({"jsonrpc":"2.0","id":)" + rawId + R"(,"method":"tools/call","params":{"name":")" +
           tool + R"(","arguments":)" + arguments + "}}\n";
}

QByteArray initializedLine()
{
    return R"({"jsonrpc":"2.0","method":"notifications/initialized"})"
           "\n";
}

// Every response the client got for id (the JSON value, so 2 and "2" stay apart).
QList<QJsonObject> responsesTo(const ClientProcess &client, const QJsonValue &id)
{
    QList<QJsonObject> found;
    for (const QJsonObject &line : client.lines()) {
        if (line.value(QStringLiteral("id")) == id && !line.contains(QStringLiteral("method")))
            found.append(line);
    }
    return found;
}

bool hasResponse(const ClientProcess &client, const QJsonValue &id)
{
    return !responsesTo(client, id).isEmpty();
}

QString errorMessage(const QJsonObject &response)
{
    return response.value(QStringLiteral("error"))
        .toObject()
        .value(QStringLiteral("message"))
        .toString();
}

QString echoed(const QJsonObject &response)
{
    return response.value(QStringLiteral("result"))
        .toObject()
        .value(QStringLiteral("structuredContent"))
        .toObject()
        .value(QStringLiteral("message"))
        .toString();
}

int countMethod(const QList<QJsonObject> &lines, const QString &method)
{
    return int(std::count_if(lines.cbegin(), lines.cend(), [&](const QJsonObject &line) {
        return line.value(QStringLiteral("method")).toString() == method;
    }));
}

int countTool(const QList<QJsonObject> &lines, const QString &tool)
{
    return int(std::count_if(lines.cbegin(), lines.cend(), [&](const QJsonObject &line) {
        return line.value(QStringLiteral("params"))
                   .toObject()
                   .value(QStringLiteral("name"))
                   .toString() == tool;
    }));
}

// Broker processes for the socket: a forked helper with the same command line (the watchdog)
// whose parent is one of them is not a second broker.
QList<qint64> brokersFor(const QString &socketPath)
{
    const QList<qint64> all = processhelpers::processesWithCommandLine(
        {QStringLiteral(MANIFOLD_PATH), QStringLiteral("--headless"), socketPath});
    QList<qint64> roots;
    for (qint64 pid : all) {
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray line = stat.readAll();
        const qint64 parent = line.mid(line.lastIndexOf(')') + 2).split(' ').value(1).toLongLong();
        if (!all.contains(parent))
            roots.append(pid);
    }
    return roots;
}

class BrokerRestartTest : public BrokerFixture
{
protected:
    void TearDown() override
    {
        m_shims.clear();
        // A broker some shim started is detached from the test: find it by its command line.
        for (qint64 pid : brokersFor(m_socketPath))
            EXPECT_TRUE(processhelpers::stopDetachedBroker(pid));
        BrokerFixture::TearDown();
    }

    ClientProcess &startShim()
    {
        m_shims.push_back(std::make_unique<ClientProcess>(
            QStringList{QStringLiteral("--socket"), m_socketPath, QStringLiteral("fake")},
            processhelpers::shimEnvironment(m_configDir)));
        return *m_shims.back();
    }

    std::vector<std::unique_ptr<ClientProcess>> m_shims;
};

} // namespace

TEST_F(BrokerRestartTest, ShimsAnswerInFlightRequestsThenReconnectToARestartedBrokerAfterSigkill)
{
    const QString requestLog = path(QStringLiteral("requests.log"));
    // --strict-init: a child that sees a second initialize exits, so a replay that reached the
    // child (rather than the broker's cache) would show.
    registerServer(
        fakeServer(QStringLiteral("fake"),
                   {QStringLiteral("--strict-init"), QStringLiteral("--request-log"), requestLog}));
    auto broker = std::make_unique<HeadlessBroker>(m_socketPath, m_configDir);
    ASSERT_TRUE(broker->start());
    const qint64 oldBroker = broker->process().processId();

    // Ids of each JSON type, colliding across the three clients on purpose.
    const QList<QByteArray> slowIds{"2", "\"2\"", "2"};
    const QList<QByteArray> echoIds{"3", "\"3\"", "\"three\""};
    for (int i = 0; i < 3; ++i) {
        ClientProcess &shim = startShim();
        shim.write(processhelpers::initializeLine("\"init\""));
        ASSERT_TRUE(shim.waitForLineWith("\"result\"")) << shim.err().constData();
        shim.write(initializedLine());
        shim.write(
            request("1", "echo", R"({"message":"before )" + QByteArray::number(i) + R"("})"));
        ASSERT_TRUE(QTest::qWaitFor([&] { return hasResponse(shim, 1); }, 10000));
        if (i == 0) {
            // Seen to complete without asking the client anything, slow_echo calls of different
            // clients may run at the same time (calls that may ask do not: README).
            shim.write(request("\"warm-up\"", "slow_echo", R"({"message":"quick","delayMs":0})"));
            ASSERT_TRUE(QTest::qWaitFor([&] { return hasResponse(shim, QStringLiteral("warm-up")); }, 10000));
        }
        shim.write(request(slowIds.at(i), "slow_echo", R"({"message":"never","delayMs":60000})"));
    }
    // Session state the new broker must learn again: a subscription and a log level.
    ClientProcess &subscriber = *m_shims.front();
    subscriber.write(
        R"({"jsonrpc":"2.0","id":10,"method":"resources/subscribe","params":{"uri":"file:///watched"}})"
        "\n");
    subscriber.write(
        R"({"jsonrpc":"2.0","id":11,"method":"logging/setLevel","params":{"level":"debug"}})"
        "\n");
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return hasResponse(subscriber, 10) && hasResponse(subscriber, 11); }, 10000));
    // All three slow calls reached the child: they are in flight when the broker dies.
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return countTool(readRequestLog(requestLog), QStringLiteral("slow_echo")) == 1 + 3; },
        10000));
    const QList<qint64> oldFamily = processhelpers::descendantsOf(oldBroker);
    ASSERT_GE(oldFamily.size(), 1) << "the broker runs the server";

    ::kill(pid_t(oldBroker), SIGKILL);
    // Sent once the shim knows the broker is gone, while it reconnects: it waits for the new
    // broker. (Sent earlier it could still go to the dead one, and fail like the calls above.)
    ClientProcess &early = *m_shims.back();
    ASSERT_TRUE(QTest::qWaitFor([&] { return early.err().contains("reconnecting"); }, 10000));
    early.write(request("\"meanwhile\"", "echo", R"({"message":"meanwhile"})"));

    // Each client's in-flight call is answered exactly once, with an error saying what happened.
    for (int i = 0; i < 3; ++i) {
        ClientProcess &shim = *m_shims.at(i);
        const QJsonValue id = QJsonDocument::fromJson("[" + slowIds.at(i) + "]").array().first();
        ASSERT_TRUE(QTest::qWaitFor([&] { return hasResponse(shim, id); }, 10000))
            << shim.err().constData();
        const QList<QJsonObject> answers = responsesTo(shim, id);
        ASSERT_EQ(answers.size(), 1);
        EXPECT_EQ(answers.first()
                      .value(QStringLiteral("error"))
                      .toObject()
                      .value(QStringLiteral("code"))
                      .toInt(),
                  -32000);
        const QString message = errorMessage(answers.first());
        EXPECT_TRUE(message.contains(QStringLiteral("Manifold broker went away")))
            << message.toStdString();
        EXPECT_TRUE(message.contains(QStringLiteral("not completed"))) << message.toStdString();
        EXPECT_TRUE(message.contains(QStringLiteral("'fake'"))) << message.toStdString();
    }

    // Nothing of the old broker is left: its server and its watchdog are gone.
    EXPECT_TRUE(QTest::qWaitFor(
        [&] {
            return std::none_of(oldFamily.cbegin(), oldFamily.cend(),
                                [](qint64 pid) { return testsupport::processRunning(pid); });
        },
        5000))
        << "still running: " << QString::number(oldFamily.first()).toStdString();
    EXPECT_FALSE(testsupport::processRunning(oldBroker));

    // The shims start a new broker (exactly one) and reconnect to it by themselves.
    for (const auto &shim : m_shims)
        ASSERT_TRUE(QTest::qWaitFor([&] { return shim->err().contains("reconnected"); }, 20000))
            << shim->err().constData();
    const QList<qint64> brokers = brokersFor(m_socketPath);
    ASSERT_EQ(brokers.size(), 1);
    EXPECT_NE(brokers.first(), oldBroker);
    EXPECT_EQ(processhelpers::brokerLockHolder(m_socketPath), brokers.first());

    // The same client sessions work again without initializing again.
    for (int i = 0; i < 3; ++i) {
        ClientProcess &shim = *m_shims.at(i);
        const QByteArray text = "after ü✓ " + QByteArray::number(i);
        shim.write(request(echoIds.at(i), "echo", R"({"message":")" + text + R"("})"));
        const QJsonValue id = QJsonDocument::fromJson("[" + echoIds.at(i) + "]").array().first();
        ASSERT_TRUE(QTest::qWaitFor([&] { return hasResponse(shim, id); }, 15000))
            << shim.err().constData();
        const QList<QJsonObject> answers = responsesTo(shim, id);
        ASSERT_EQ(answers.size(), 1);
        EXPECT_EQ(echoed(answers.first()), QString::fromUtf8(text))
            << QJsonDocument(answers.first()).toJson().constData();
        // The replayed initialize was the shim's own business: its answer never reached the client.
        EXPECT_EQ(responsesTo(shim, QStringLiteral("init")).size(), 1);
        for (const QJsonObject &line : shim.lines())
            EXPECT_FALSE(line.value(QStringLiteral("id"))
                             .toString()
                             .startsWith(QStringLiteral("manifold-shim")));
        EXPECT_EQ(countMethod(shim.lines(), QStringLiteral("notifications/tools/list_changed")), 1)
            << "the server announces tool list changes, so the client is told to list again";
        EXPECT_EQ(shim.process().state(), QProcess::Running);
    }

    // One initialize per broker lifetime reached a child: the second broker served the two
    // later sessions from its cache.
    const QList<QJsonObject> childSaw = readRequestLog(requestLog);
    EXPECT_EQ(countMethod(childSaw, QStringLiteral("initialize")), 2);
    EXPECT_EQ(countMethod(childSaw, QStringLiteral("notifications/initialized")), 2);
    // The subscription and the log level reached the new child too, replayed by the shim.
    EXPECT_EQ(countMethod(childSaw, QStringLiteral("resources/subscribe")), 2);
    EXPECT_EQ(countMethod(childSaw, QStringLiteral("logging/setLevel")), 2);

    const QList<QJsonObject> meanwhile = responsesTo(early, QStringLiteral("meanwhile"));
    ASSERT_EQ(meanwhile.size(), 1);
    EXPECT_EQ(echoed(meanwhile.first()), QStringLiteral("meanwhile"));

    // When the clients leave, the shims exit cleanly.
    for (const auto &shim : m_shims) {
        shim->process().closeWriteChannel();
        EXPECT_TRUE(shim->waitForExit());
        EXPECT_EQ(shim->process().exitCode(), 0) << shim->err().constData();
    }
}

TEST_F(BrokerRestartTest, ShimDoesNotComeBackWhenTheBrokerShutsDownOnPurpose)
{
    registerServer(fakeServer(QStringLiteral("fake")));
    HeadlessBroker broker(m_socketPath, m_configDir);
    ASSERT_TRUE(broker.start());
    ClientProcess &shim = startShim();
    shim.write(processhelpers::initializeLine("0"));
    ASSERT_TRUE(shim.waitForLineWith("\"result\""));
    shim.write(initializedLine());
    shim.write(request("7", "slow_echo", R"({"message":"never","delayMs":60000})"));
    shim.write(request("8", "echo", R"({"message":"fence"})"));
    ASSERT_TRUE(QTest::qWaitFor([&] { return hasResponse(shim, 8); }, 10000));

    broker.process().terminate(); // SIGTERM: the broker shuts down and says so to its sessions
    ASSERT_TRUE(shim.waitForExit(10000));
    EXPECT_EQ(shim.process().exitCode(), 1);
    EXPECT_TRUE(shim.err().contains("Manifold closed the session: Manifold is shutting down"))
        << shim.err().constData();
    const QList<QJsonObject> answers = responsesTo(shim, 7);
    ASSERT_EQ(answers.size(), 1);
    EXPECT_TRUE(
        errorMessage(answers.first())
            .contains(QStringLiteral("Manifold closed this session (Manifold is shutting down)")))
        << errorMessage(answers.first()).toStdString();
    // The closing notice itself is the shim's: the client never sees it.
    EXPECT_EQ(countMethod(shim.lines(), QStringLiteral("notifications/manifold/sessionClosing")),
              0);
    EXPECT_TRUE(
        QTest::qWaitFor([&] { return broker.process().state() == QProcess::NotRunning; }, 10000));
    EXPECT_TRUE(brokersFor(m_socketPath).isEmpty()) << "no broker was started again";
}

TEST_F(BrokerRestartTest, ShimEndsWhenItsSessionIsDisconnectedInManifold)
{
    registerServer(fakeServer(QStringLiteral("fake")));
    startBroker();
    ClientProcess &shim = startShim();
    shim.write(processhelpers::initializeLine("0"));
    ASSERT_TRUE(shim.waitForLineWith("\"result\""));
    shim.write(request("\"slow\"", "slow_echo", R"({"message":"never","delayMs":60000})"));
    ASSERT_TRUE(QTest::qWaitFor(
        [&] {
            return serverStatus(QStringLiteral("fake")).value(QStringLiteral("inFlight")).toInt() ==
                   1;
        },
        10000));
    const QJsonArray sessions = m_broker->status().value(QStringLiteral("sessions")).toArray();
    ASSERT_EQ(sessions.size(), 1);
    QString error;
    ASSERT_TRUE(m_broker->disconnectSession(
        sessions.first().toObject().value(QStringLiteral("id")).toInteger(), &error));

    ASSERT_TRUE(shim.waitForExit(10000));
    EXPECT_EQ(shim.process().exitCode(), 1);
    const QList<QJsonObject> answers = responsesTo(shim, QStringLiteral("slow"));
    ASSERT_EQ(answers.size(), 1);
    EXPECT_TRUE(errorMessage(answers.first())
                    .contains(QStringLiteral("the session was disconnected in Manifold")))
        << errorMessage(answers.first()).toStdString();
    EXPECT_TRUE(m_broker->status().value(QStringLiteral("sessions")).toArray().isEmpty())
        << "it did not reconnect";
}

TEST_F(BrokerRestartTest, ShimGivesUpWithAClearErrorWhenNoBrokerCanBeStartedAgain)
{
    const QString requestLog = path(QStringLiteral("requests.log"));
    registerServer(
        fakeServer(QStringLiteral("fake"), {QStringLiteral("--request-log"), requestLog}));
    HeadlessBroker broker(m_socketPath, m_configDir);
    ASSERT_TRUE(broker.start());
    QProcessEnvironment env = processhelpers::shimEnvironment(m_configDir);
    env.insert(QStringLiteral("MANIFOLD_BIN"), path(QStringLiteral("no-such-manifold")));
    ClientProcess shim({QStringLiteral("--socket"), m_socketPath, QStringLiteral("fake")}, env);
    shim.write(processhelpers::initializeLine("0"));
    ASSERT_TRUE(shim.waitForLineWith("\"result\""));
    shim.write(request("5", "slow_echo", R"({"message":"never","delayMs":60000})"));
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return countTool(readRequestLog(requestLog), QStringLiteral("slow_echo")) == 1; },
        10000));

    broker.process().kill();
    ASSERT_TRUE(shim.waitForExit(10000));
    EXPECT_EQ(shim.process().exitCode(), 1);
    const QList<QJsonObject> answers = responsesTo(shim, 5);
    ASSERT_EQ(answers.size(), 1);
    EXPECT_TRUE(
        errorMessage(answers.first()).contains(QStringLiteral("Manifold broker went away")));
    EXPECT_TRUE(shim.err().contains("could not be reached again")) << shim.err().constData();
    EXPECT_TRUE(shim.err().contains("no-such-manifold")) << shim.err().constData();
}
