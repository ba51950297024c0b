// The real binaries against the real keychain: servers.json names a secret variable, its value
// is in the keychain; manifold-shim starts `manifold --headless`, whose child sees the value.
// Afterwards no file under the test's directory (config dir, socket dir, broker log) holds it.
#include "keychainsupport.h"

#include "config/serverregistry.h"
#include "control/remotebrokerview.h"
#include "secrets/secretstore.h"
#include "testsupport.h"

#include <QDirIterator>
#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include <csignal>
#include <optional>

using namespace manifold;

namespace {

// The broker a shim started runs detached: whatever a test asserts, it is stopped at the end.
// Its pid comes from its lock file, and only a process running our manifold binary is signalled.
class DetachedBroker final
{
public:
    explicit DetachedBroker(QString socketPath) : m_socketPath(std::move(socketPath)) {}
    ~DetachedBroker() { stop(); }

    qint64 pid() const
    {
        QFile lock(m_socketPath + QStringLiteral(".lock"));
        if (!lock.open(QIODevice::ReadOnly))
            return 0;
        const qint64 pid = lock.readLine().trimmed().toLongLong();
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
        if (pid <= 0 || !cmdline.open(QIODevice::ReadOnly) ||
            !cmdline.readAll().startsWith(MANIFOLD_PATH))
            return 0;
        return pid;
    }

    // SIGTERM (the broker stops its children), then waits until the process is gone.
    bool stop()
    {
        const qint64 broker = pid();
        if (broker <= 0)
            return true;
        ::kill(pid_t(broker), SIGTERM);
        return QTest::qWaitFor([broker] { return !testsupport::processRunning(broker); }, 15000);
    }

private:
    QString m_socketPath;
};

QStringList filesContaining(const QString &dir, const QByteArray &text)
{
    QStringList found;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile file(it.next());
        if (file.open(QIODevice::ReadOnly) && file.readAll().contains(text))
            found << file.fileName();
    }
    return found;
}

bool waitFor(const std::function<bool()> &condition, int timeoutMs = 40000)
{
    return QTest::qWaitFor(condition, timeoutMs);
}

} // namespace

TEST(KeychainBinaries, SecretFromTheKeychainReachesTheChildAndNoFile)
{
    const QString service = keychaintest::uniqueService();
    KeychainSecretStore store(service);
    REQUIRE_KEYCHAIN(store);

    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString configDir = dir.filePath(QStringLiteral("config"));
    const QString socketPath = dir.filePath(QStringLiteral("broker.sock"));
    const QString secret =
        QStringLiteral("ghp_keychain-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QString key = serverSecretKey(QStringLiteral("fake"), QStringLiteral("API_TOKEN"));

    ServerConfig config;
    config.name = QStringLiteral("fake");
    config.command = QStringLiteral(FAKE_MCP_SERVER_PATH);
    config.env.insert(QStringLiteral("MODE"), QStringLiteral("plain"));
    config.secretEnv = {QStringLiteral("API_TOKEN")};
    config.heartbeatMs = 0;
    ServerRegistry registry(configDir);
    QString error;
    ASSERT_TRUE(registry.load(&error) && registry.add(config, &error) && registry.save(&error))
        << error.toStdString();

    std::optional<SecretStore::Result> written;
    store.write(key, secret, [&](const SecretStore::Result &result) { written = result; });
    ASSERT_TRUE(waitFor([&] { return written.has_value(); }));
    ASSERT_EQ(written->status, SecretStore::Status::Ok) << written->error.toStdString();
    struct Forget
    {
        KeychainSecretStore &store;
        QString key;
        ~Forget()
        {
            bool done = false;
            store.remove(key, [&](const SecretStore::Result &) { done = true; });
            (void)QTest::qWaitFor([&] { return done; }, 40000);
        }
    } forget{store, key};

    // The entry is in the Secret Service itself (libsecret's own client finds it by service name).
    const QString secretTool = QStandardPaths::findExecutable(QStringLiteral("secret-tool"));
    if (!secretTool.isEmpty()) {
        QProcess lookup;
        lookup.start(secretTool, {QStringLiteral("search"), QStringLiteral("--all"),
                                  QStringLiteral("server"), service});
        ASSERT_TRUE(waitFor([&] { return lookup.state() == QProcess::NotRunning; }));
        const QByteArray found = lookup.readAllStandardOutput() + lookup.readAllStandardError();
        EXPECT_TRUE(found.contains(key.toUtf8())) << found.constData();
    }

    // A client starts the shim exactly as a client config would; the shim starts the broker.
    DetachedBroker broker(socketPath);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("MANIFOLD_CONFIG_DIR"), configDir);
    env.insert(QStringLiteral("MANIFOLD_KEYCHAIN_SERVICE"), service);
    env.insert(QStringLiteral("MANIFOLD_LAUNCH"), QStringLiteral("headless"));
    env.insert(QStringLiteral("MANIFOLD_BIN"), QStringLiteral(MANIFOLD_PATH));
    QProcess shim;
    shim.setProcessEnvironment(env);
    QByteArray out;
    QObject::connect(&shim, &QProcess::readyReadStandardOutput,
                     [&] { out += shim.readAllStandardOutput(); });
    shim.start(QStringLiteral(MANIFOLD_SHIM_PATH),
               {QStringLiteral("--socket"), socketPath, QStringLiteral("fake")});
    shim.write(
        R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"keychain-test","version":"1"}}})"
        "\n"
        R"({"jsonrpc":"2.0","method":"notifications/initialized"})"
        "\n"
        R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"env","arguments":{"name":"API_TOKEN"}}})"
        "\n");
    ASSERT_TRUE(waitFor([&] { return out.contains("\"id\":2"); }))
        << out.constData() << shim.readAllStandardError().constData();
    QJsonObject answer;
    for (const QByteArray &line : out.split('\n')) {
        if (line.contains("\"id\":2"))
            answer = QJsonDocument::fromJson(line).object();
    }
    EXPECT_EQ(answer.value(QStringLiteral("result"))
                  .toObject()
                  .value(QStringLiteral("structuredContent"))
                  .toObject()
                  .value(QStringLiteral("value"))
                  .toString(),
              secret)
        << out.constData();

    // What status and the watch stream say: the variable's name, never its value.
    RemoteBrokerView view(socketPath);
    QSignalSpy connected(&view, &BrokerView::connected);
    view.open();
    ASSERT_TRUE(connected.wait(10000));
    const QByteArray status = QJsonDocument(view.status()).toJson(QJsonDocument::Compact);
    EXPECT_TRUE(status.contains("\"secretEnv\":[\"API_TOKEN\"]")) << status.constData();
    EXPECT_FALSE(status.contains(secret.toUtf8()));

    shim.closeWriteChannel();
    ASSERT_TRUE(waitFor([&] { return shim.state() == QProcess::NotRunning; }, 15000));
    ASSERT_TRUE(broker.stop());

    const QString log = socketPath + QStringLiteral(".log");
    QFile logFile(log);
    ASSERT_TRUE(logFile.open(QIODevice::ReadOnly))
        << "the broker a shim starts logs to " << log.toStdString();
    EXPECT_TRUE(logFile.readAll().contains("reading secret API_TOKEN")) << "not the broker's log?";
    EXPECT_EQ(filesContaining(dir.path(), secret.toUtf8()), QStringList());
}
