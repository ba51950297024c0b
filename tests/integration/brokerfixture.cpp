#include "brokerfixture.h"

#include "config/serverregistry.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace manifold;

void BrokerFixture::SetUp()
{
    ASSERT_TRUE(m_dir.isValid());
    m_socketPath = m_dir.filePath(QStringLiteral("broker.sock"));
    m_configDir = m_dir.filePath(QStringLiteral("config"));
    m_options.configDir = m_configDir;
    m_options.socketPath = m_socketPath;
    m_options.useGuardian = false;
    m_options.timing.stdinGraceMs = 300;
    m_options.timing.termGraceMs = 300;
    m_options.timing.restart = {50, 400, 4, 60000};
}

void BrokerFixture::TearDown()
{
    if (!m_broker)
        return;
    bool done = false;
    m_broker->shutdown([&] { done = true; });
    EXPECT_TRUE(QTest::qWaitFor([&] { return done; }, 10000));
    m_broker.reset();
}

ServerConfig BrokerFixture::fakeServer(const QString &name, const QStringList &fakeArgs) const
{
    ServerConfig config;
    config.name = name;
    config.command = QStringLiteral(FAKE_MCP_SERVER_PATH);
    config.args = fakeArgs;
    config.heartbeatMs = 0;
    return config;
}

void BrokerFixture::registerServer(const ServerConfig &config)
{
    ServerRegistry registry(m_configDir);
    QString error;
    ASSERT_TRUE(registry.load(&error)) << error.toStdString();
    ASSERT_TRUE(registry.add(config, &error)) << error.toStdString();
    ASSERT_TRUE(registry.save(&error)) << error.toStdString();
}

void BrokerFixture::startBroker()
{
    m_broker = std::make_unique<Broker>(m_options);
    QString message;
    ASSERT_EQ(m_broker->listen(&message), Broker::ListenResult::Listening) << message.toStdString();
}

QJsonObject BrokerFixture::serverStatus(const QString &name) const
{
    for (const QJsonValue &value : m_broker->status().value(QStringLiteral("servers")).toArray()) {
        if (value.toObject().value(QStringLiteral("name")).toString() == name)
            return value.toObject();
    }
    return {};
}

bool BrokerFixture::waitForState(const QString &name, ServerHost::State state, int timeoutMs)
{
    return QTest::qWaitFor([&] { return host(name) && host(name)->state() == state; }, timeoutMs);
}

QList<QJsonObject> readRequestLog(const QString &file)
{
    QFile f(file);
    QList<QJsonObject> lines;
    if (!f.open(QIODevice::ReadOnly))
        return lines;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (!line.trimmed().isEmpty())
            lines.append(QJsonDocument::fromJson(line).object());
    }
    return lines;
}
