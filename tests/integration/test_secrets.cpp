// Secret variables with an in-process broker and a MemorySecretStore: the value reaches the child
// and nothing else (status, logs, watch stream, servers.json); a missing secret fails the start
// clearly; the control methods set, mark, unmark, reveal and remove secrets.
#include "brokerfixture.h"
#include "testclient.h"

#include "control/localbrokerview.h"
#include "secrets/secretstore.h"

#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace manifold;
using State = ServerHost::State;

namespace {

const QString Secret = QStringLiteral("tok-5f1c9e-only-in-the-store");

struct Answer
{
    bool ok = false;
    QJsonObject result;
    QString error;
};

class SecretsTest : public BrokerFixture
{
protected:
    void SetUp() override
    {
        BrokerFixture::SetUp();
        m_options.secretStore = &m_store;
    }

    ServerConfig secretServer(const QString &name, const QStringList &secretEnv)
    {
        ServerConfig config = fakeServer(name);
        config.env.insert(QStringLiteral("MODE"), QStringLiteral("plain-mode"));
        config.secretEnv = secretEnv;
        return config;
    }

    void store(const QString &server, const QString &variable, const QString &value)
    {
        bool done = false;
        m_store.write(serverSecretKey(server, variable), value, [&](const SecretStore::Result &r) {
            EXPECT_EQ(r.status, SecretStore::Status::Ok);
            done = true;
        });
        ASSERT_TRUE(QTest::qWaitFor([&] { return done; }, 5000));
    }

    Answer control(BrokerView &view, const QString &method, const QJsonObject &params)
    {
        std::optional<Answer> answer;
        view.call(method, params, [&](bool ok, const QJsonObject &result, const QString &error) {
            answer = Answer{ok, result, error};
        });
        EXPECT_TRUE(QTest::qWaitFor([&] { return answer.has_value(); }, 10000))
            << method.toStdString();
        return answer.value_or(Answer{});
    }

    // The env tool of fake_mcp_server: the variable as the child sees it (null: unset).
    QJsonValue childEnv(TestClient &client, int id, const QString &variable)
    {
        client.sendJson(
            client.request(id, QStringLiteral("tools/call"),
                           callTool(QStringLiteral("env"), {{QStringLiteral("name"), variable}})));
        const auto response = client.waitForResponse(id);
        if (!response)
            return QStringLiteral("(no response)");
        return response->value(QStringLiteral("result"))
            .toObject()
            .value(QStringLiteral("structuredContent"))
            .toObject()
            .value(QStringLiteral("value"));
    }

    // Every file under the test's directory (config dir, socket's logs) that holds text.
    QStringList filesContaining(const QByteArray &text) const
    {
        QStringList found;
        QDirIterator it(m_dir.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile file(it.next());
            if (file.open(QIODevice::ReadOnly) && file.readAll().contains(text))
                found << file.fileName();
        }
        return found;
    }

    QByteArray serversJson() const
    {
        QFile file(m_configDir + QStringLiteral("/servers.json"));
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    MemorySecretStore m_store;
};

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace

TEST_F(SecretsTest, SecretValueReachesTheChildAndNothingElse)
{
    registerServer(secretServer(QStringLiteral("fake"), {QStringLiteral("API_TOKEN")}));
    store(QStringLiteral("fake"), QStringLiteral("API_TOKEN"), Secret);
    startBroker();
    LocalBrokerView view(m_broker.get());
    view.setCoalesceInterval(10);
    QByteArray seen; // everything a front end was told
    QObject::connect(&view, &BrokerView::serverChanged,
                     [&](const QJsonObject &s) { seen += compact(s); });
    QObject::connect(&view, &BrokerView::logAppended,
                     [&](const QString &, const QJsonObject &l) { seen += compact(l); });

    TestClient client(m_socketPath);
    ASSERT_TRUE(client.connectAndInitialize(QStringLiteral("fake")));
    EXPECT_EQ(childEnv(client, 1, QStringLiteral("API_TOKEN")).toString(), Secret);
    EXPECT_EQ(childEnv(client, 2, QStringLiteral("MODE")).toString(), QStringLiteral("plain-mode"));

    const QJsonObject server = serverStatus(QStringLiteral("fake"));
    EXPECT_EQ(server.value(QStringLiteral("secretEnv")).toArray(),
              QJsonArray{QStringLiteral("API_TOKEN")});
    EXPECT_FALSE(
        server.value(QStringLiteral("env")).toObject().contains(QStringLiteral("API_TOKEN")));
    const Answer logs =
        control(view, QStringLiteral("logs"), {{QStringLiteral("name"), QStringLiteral("fake")}});
    ASSERT_TRUE(logs.ok) << logs.error.toStdString();
    EXPECT_TRUE(compact(logs.result).contains("reading secret API_TOKEN"))
        << compact(logs.result).constData();
    ASSERT_TRUE(QTest::qWaitFor([&] { return seen.contains("\"running\""); }, 5000));

    EXPECT_FALSE(compact(m_broker->status()).contains(Secret.toUtf8()));
    EXPECT_FALSE(compact(logs.result).contains(Secret.toUtf8()));
    EXPECT_FALSE(seen.contains(Secret.toUtf8()));
    EXPECT_TRUE(serversJson().contains("\"secretEnv\""));
    EXPECT_EQ(filesContaining(Secret.toUtf8()), QStringList());
}

TEST_F(SecretsTest, MissingSecretFailsTheStartWithAnErrorNamingServerAndVariable)
{
    registerServer(secretServer(QStringLiteral("gh"), {QStringLiteral("GITHUB_TOKEN")}));
    startBroker();
    TestClient client(m_socketPath);
    ASSERT_TRUE(client.hello(QStringLiteral("gh")).contains("welcome"));
    client.sendInitialize(1);
    const auto response = client.waitForResponse(1);
    ASSERT_TRUE(response);
    const QString message = response->value(QStringLiteral("error"))
                                .toObject()
                                .value(QStringLiteral("message"))
                                .toString();
    EXPECT_TRUE(message.contains(QStringLiteral("'gh'"))) << message.toStdString();
    EXPECT_TRUE(message.contains(QStringLiteral("GITHUB_TOKEN"))) << message.toStdString();
    EXPECT_TRUE(message.contains(QStringLiteral("not in the keychain"))) << message.toStdString();
    EXPECT_EQ(host(QStringLiteral("gh"))->state(), State::Failed);
    EXPECT_EQ(serverStatus(QStringLiteral("gh")).value(QStringLiteral("lastExit")).toString(),
              message);

    // Once the secret is there, starting again reads it.
    store(QStringLiteral("gh"), QStringLiteral("GITHUB_TOKEN"), Secret);
    LocalBrokerView view(m_broker.get());
    ASSERT_TRUE(
        control(view, QStringLiteral("start"), {{QStringLiteral("name"), QStringLiteral("gh")}})
            .ok);
    TestClient again(m_socketPath);
    ASSERT_TRUE(again.connectAndInitialize(QStringLiteral("gh")));
    EXPECT_EQ(childEnv(again, 2, QStringLiteral("GITHUB_TOKEN")).toString(), Secret);
}

TEST_F(SecretsTest, StoreFailureFailsTheStartAndSaysWhy)
{
    registerServer(secretServer(QStringLiteral("gh"), {QStringLiteral("GITHUB_TOKEN")}));
    m_store.setFailing(QStringLiteral("no Secret Service on the session bus: test"));
    startBroker();
    TestClient client(m_socketPath);
    ASSERT_TRUE(client.hello(QStringLiteral("gh")).contains("welcome"));
    client.sendInitialize(1);
    const auto response = client.waitForResponse(1);
    ASSERT_TRUE(response);
    const QString message = response->value(QStringLiteral("error"))
                                .toObject()
                                .value(QStringLiteral("message"))
                                .toString();
    EXPECT_TRUE(message.contains(QStringLiteral("'gh'"))) << message.toStdString();
    EXPECT_TRUE(message.contains(QStringLiteral("GITHUB_TOKEN"))) << message.toStdString();
    EXPECT_TRUE(message.contains(QStringLiteral("no Secret Service on the session bus")))
        << message.toStdString();
    EXPECT_EQ(host(QStringLiteral("gh"))->state(), State::Failed);
}

TEST_F(SecretsTest, StopWhileReadingSecretsStartsNothing)
{
    registerServer(secretServer(QStringLiteral("fake"), {QStringLiteral("API_TOKEN")}));
    store(QStringLiteral("fake"), QStringLiteral("API_TOKEN"), Secret);
    startBroker();
    ServerHost *fake = host(QStringLiteral("fake"));
    fake->start();
    EXPECT_EQ(fake->state(), State::Starting);
    fake->stop();
    EXPECT_EQ(fake->state(), State::Stopped);
    // The store's answer comes and goes; no child appears.
    QSignalSpy changes(fake, &ServerHost::stateChanged);
    QCoreApplication::processEvents();
    QCoreApplication::processEvents();
    EXPECT_EQ(fake->state(), State::Stopped);
    EXPECT_EQ(fake->pid(), 0);
    EXPECT_EQ(changes.count(), 0);
}

TEST_F(SecretsTest, RestartReadsTheSecretAgain)
{
    registerServer(secretServer(QStringLiteral("fake"), {QStringLiteral("API_TOKEN")}));
    store(QStringLiteral("fake"), QStringLiteral("API_TOKEN"), QStringLiteral("first"));
    startBroker();
    LocalBrokerView view(m_broker.get());
    TestClient client(m_socketPath);
    ASSERT_TRUE(client.connectAndInitialize(QStringLiteral("fake")));
    EXPECT_EQ(childEnv(client, 1, QStringLiteral("API_TOKEN")).toString(), QStringLiteral("first"));

    const Answer updated =
        control(view, QStringLiteral("update"),
                {{QStringLiteral("name"), QStringLiteral("fake")},
                 {QStringLiteral("env"),
                  QJsonObject{{QStringLiteral("API_TOKEN"), QStringLiteral("second")},
                              {QStringLiteral("MODE"), QJsonValue()}}}});
    ASSERT_TRUE(updated.ok) << updated.error.toStdString();
    EXPECT_EQ(m_store.values().value(
                  serverSecretKey(QStringLiteral("fake"), QStringLiteral("API_TOKEN"))),
              QStringLiteral("second"));
    ASSERT_TRUE(
        control(view, QStringLiteral("restart"), {{QStringLiteral("name"), QStringLiteral("fake")}})
            .ok);
    ASSERT_TRUE(waitForState(QStringLiteral("fake"), State::Running));
    EXPECT_EQ(childEnv(client, 2, QStringLiteral("API_TOKEN")).toString(),
              QStringLiteral("second"));
    EXPECT_FALSE(serversJson().contains("second"));
}

TEST_F(SecretsTest, ControlMethodsAddRevealMarkUnmarkAndRemoveSecrets)
{
    startBroker();
    LocalBrokerView view(m_broker.get());
    const QString key = serverSecretKey(QStringLiteral("gh"), QStringLiteral("GITHUB_TOKEN"));

    // add: a name that looks like a secret goes to the store, the rest to servers.json.
    const Answer added =
        control(view, QStringLiteral("add"),
                {{QStringLiteral("name"), QStringLiteral("gh")},
                 {QStringLiteral("command"), QStringLiteral(FAKE_MCP_SERVER_PATH)},
                 {QStringLiteral("env"),
                  QJsonObject{{QStringLiteral("GITHUB_TOKEN"), Secret},
                              {QStringLiteral("MODE"), QStringLiteral("plain-mode")}}}});
    ASSERT_TRUE(added.ok) << added.error.toStdString();
    EXPECT_EQ(m_store.values().value(key), Secret);
    EXPECT_FALSE(serversJson().contains(Secret.toUtf8()));
    EXPECT_TRUE(serversJson().contains("plain-mode"));
    EXPECT_EQ(m_broker->registry().find(QStringLiteral("gh"))->secretEnv,
              QStringList{QStringLiteral("GITHUB_TOKEN")});
    EXPECT_EQ(serverStatus(QStringLiteral("gh")).value(QStringLiteral("secretEnv")).toArray(),
              QJsonArray{QStringLiteral("GITHUB_TOKEN")});

    // revealEnv: on purpose, one value.
    const Answer revealed = control(view, QStringLiteral("revealEnv"),
                                    {{QStringLiteral("name"), QStringLiteral("gh")},
                                     {QStringLiteral("key"), QStringLiteral("GITHUB_TOKEN")}});
    ASSERT_TRUE(revealed.ok) << revealed.error.toStdString();
    EXPECT_EQ(revealed.result.value(QStringLiteral("value")).toString(), Secret);

    // Mark MODE: its value moves out of servers.json into the store.
    const Answer marked =
        control(view, QStringLiteral("update"),
                {{QStringLiteral("name"), QStringLiteral("gh")},
                 {QStringLiteral("secretEnv"),
                  QJsonArray{QStringLiteral("GITHUB_TOKEN"), QStringLiteral("MODE")}}});
    ASSERT_TRUE(marked.ok) << marked.error.toStdString();
    EXPECT_FALSE(serversJson().contains("plain-mode"));
    EXPECT_EQ(m_store.values().value(serverSecretKey(QStringLiteral("gh"), QStringLiteral("MODE"))),
              QStringLiteral("plain-mode"));

    // Unmark GITHUB_TOKEN: back into servers.json (the user asked), gone from the store.
    const Answer unmarked =
        control(view, QStringLiteral("update"),
                {{QStringLiteral("name"), QStringLiteral("gh")},
                 {QStringLiteral("secretEnv"), QJsonArray{QStringLiteral("MODE")}}});
    ASSERT_TRUE(unmarked.ok) << unmarked.error.toStdString();
    EXPECT_TRUE(serversJson().contains(Secret.toUtf8()));
    EXPECT_FALSE(m_store.values().contains(key));
    EXPECT_EQ(
        m_broker->registry().find(QStringLiteral("gh"))->env.value(QStringLiteral("GITHUB_TOKEN")),
        Secret);

    // A secret whose store entry vanished cannot be revealed, and says so.
    m_store.setFailing(QStringLiteral("locked"));
    const Answer failedReveal = control(view, QStringLiteral("revealEnv"),
                                        {{QStringLiteral("name"), QStringLiteral("gh")},
                                         {QStringLiteral("key"), QStringLiteral("MODE")}});
    EXPECT_FALSE(failedReveal.ok);
    EXPECT_TRUE(failedReveal.error.contains(QStringLiteral("MODE")))
        << failedReveal.error.toStdString();
    // A failing store refuses an edit that needs it, and servers.json stays as it was.
    const QByteArray before = serversJson();
    const Answer refused = control(
        view, QStringLiteral("update"),
        {{QStringLiteral("name"), QStringLiteral("gh")},
         {QStringLiteral("env"), QJsonObject{{QStringLiteral("MODE"), QStringLiteral("new")}}}});
    EXPECT_FALSE(refused.ok);
    EXPECT_TRUE(refused.error.contains(QStringLiteral("locked"))) << refused.error.toStdString();
    EXPECT_EQ(serversJson(), before);
    m_store.setFailing({});

    // remove: the server's secrets leave the store too.
    const Answer removed =
        control(view, QStringLiteral("remove"), {{QStringLiteral("name"), QStringLiteral("gh")}});
    ASSERT_TRUE(removed.ok) << removed.error.toStdString();
    EXPECT_TRUE(m_store.values().isEmpty())
        << m_store.values().keys().join(QLatin1Char(' ')).toStdString();
}

TEST_F(SecretsTest, AddWithAFailingStoreAddsNothing)
{
    startBroker();
    LocalBrokerView view(m_broker.get());
    m_store.setFailing(QStringLiteral("no Secret Service on the session bus: test"));
    const Answer added =
        control(view, QStringLiteral("add"),
                {{QStringLiteral("name"), QStringLiteral("gh")},
                 {QStringLiteral("command"), QStringLiteral(FAKE_MCP_SERVER_PATH)},
                 {QStringLiteral("env"), QJsonObject{{QStringLiteral("GITHUB_TOKEN"), Secret}}}});
    EXPECT_FALSE(added.ok);
    EXPECT_TRUE(added.error.contains(QStringLiteral("GITHUB_TOKEN"))) << added.error.toStdString();
    EXPECT_TRUE(added.error.contains(QStringLiteral("no Secret Service")))
        << added.error.toStdString();
    EXPECT_EQ(m_broker->registry().find(QStringLiteral("gh")), nullptr);
    EXPECT_FALSE(serversJson().contains(Secret.toUtf8()));

    // Kept plain on purpose (an explicit, empty secretEnv): no store needed.
    const Answer plain =
        control(view, QStringLiteral("add"),
                {{QStringLiteral("name"), QStringLiteral("gh")},
                 {QStringLiteral("command"), QStringLiteral(FAKE_MCP_SERVER_PATH)},
                 {QStringLiteral("env"),
                  QJsonObject{{QStringLiteral("GITHUB_TOKEN"), QStringLiteral("visible")}}},
                 {QStringLiteral("secretEnv"), QJsonArray{}}});
    EXPECT_TRUE(plain.ok) << plain.error.toStdString();
}
