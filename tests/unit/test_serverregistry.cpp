#include "config/serverregistry.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTemporaryDir>

#include "testsupport.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

using manifold::ServerConfig;
using manifold::ServerRegistry;

namespace {

ServerConfig makeServer(const QString &name)
{
    ServerConfig config;
    config.name = name;
    config.command = QStringLiteral("/usr/bin/%1-server").arg(name);
    config.args = {QStringLiteral("--stdio"), QStringLiteral("ünïcode arg with spaces")};
    config.env = {{QStringLiteral("API_KEY"), QStringLiteral("secret")},
                  {QStringLiteral("EMPTY"), QString()}};
    config.cwd = QStringLiteral("/srv/%1").arg(name);
    config.sharing = ServerConfig::Sharing::PerClient;
    config.lingerMs = -1;
    config.heartbeatMs = 0;
    config.maxLineBytes = 1234;
    return config;
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void writeAll(const QString &path, const QByteArray &data)
{
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    ASSERT_EQ(file.write(data), data.size());
}

using testsupport::EnvGuard;
using testsupport::modeOf;

} // namespace

TEST(ServerConfig, ValidNames)
{
    for (const char *name : {"a", "filesystem", "my-server", "my_server", "v1.2", "A9", "x-", "_x"})
        EXPECT_TRUE(ServerConfig::isValidName(QString::fromUtf8(name))) << name;
    EXPECT_TRUE(ServerConfig::isValidName(QString(64, QLatin1Char('a'))));
}

TEST(ServerConfig, InvalidNames)
{
    for (const char *name : {"", ".hidden", "-flag", "has space", "a/b", "..", "semi;colon",
                             "quote\"", "tab\t", "ünï", "a\nb"})
        EXPECT_FALSE(ServerConfig::isValidName(QString::fromUtf8(name))) << name;
    EXPECT_FALSE(ServerConfig::isValidName(QString(65, QLatin1Char('a'))));
}

TEST(ServerConfig, SharingNamesRoundTrip)
{
    for (auto sharing : {ServerConfig::Sharing::Shared, ServerConfig::Sharing::PerClient,
                         ServerConfig::Sharing::Isolated, ServerConfig::Sharing::PerProject}) {
        ServerConfig::Sharing parsed = ServerConfig::Sharing::Shared;
        ASSERT_TRUE(ServerConfig::parseSharing(ServerConfig::sharingName(sharing), &parsed));
        EXPECT_EQ(parsed, sharing);
    }
    EXPECT_EQ(ServerConfig::sharingName(ServerConfig::Sharing::PerClient),
              QStringLiteral("per-client"));
    EXPECT_EQ(ServerConfig::sharingName(ServerConfig::Sharing::PerProject),
              QStringLiteral("per-project"));
    ServerConfig::Sharing parsed = ServerConfig::Sharing::Isolated;
    EXPECT_FALSE(ServerConfig::parseSharing(QStringLiteral("Shared"), &parsed));
    EXPECT_FALSE(ServerConfig::parseSharing(QString(), &parsed));
    EXPECT_EQ(parsed, ServerConfig::Sharing::Isolated);
}

TEST(ServerConfig, JsonRoundTripWritesEveryField)
{
    const ServerConfig config = makeServer(QStringLiteral("demo"));
    const QJsonObject json = config.toJson();
    for (const char *key :
         {"command", "args", "env", "cwd", "sharing", "lingerMs", "heartbeatMs", "maxLineBytes",
          "maxInFlight", "maxQueuedBytes"})
        EXPECT_TRUE(json.contains(QLatin1String(key))) << key;
    EXPECT_EQ(ServerConfig::fromJson(config.name, json), config);
}

TEST(ServerConfig, FromJsonDefaultsMissingFields)
{
    const QJsonObject json{{QStringLiteral("command"), QStringLiteral("npx")}};
    const ServerConfig config = ServerConfig::fromJson(QStringLiteral("n"), json);
    ServerConfig expected;
    expected.name = QStringLiteral("n");
    expected.command = QStringLiteral("npx");
    EXPECT_EQ(config, expected);
    EXPECT_EQ(config.lingerMs, 60000);
    EXPECT_EQ(config.heartbeatMs, 30000);
    EXPECT_EQ(config.sharing, ServerConfig::Sharing::Shared);
}

TEST(ServerConfig, MaxQueuedBytesRoundTripsAndAlwaysFitsOneMaximalMessage)
{
    ServerConfig config = makeServer(QStringLiteral("demo"));
    EXPECT_EQ(config.maxQueuedBytes, 0);   // the broker-wide default
    config.maxQueuedBytes = 8 * 1024 * 1024;
    config.maxLineBytes = 1024 * 1024;
    const QJsonObject json = config.toJson();
    EXPECT_EQ(json.value(QLatin1String("maxQueuedBytes")).toInt(), 8 * 1024 * 1024);
    EXPECT_EQ(ServerConfig::fromJson(config.name, json), config);
    EXPECT_EQ(config.effectiveMaxQueuedBytes(64 * 1024 * 1024), 8 * 1024 * 1024);

    // 0 takes the broker default; a cap below one maximal message is raised to fit one.
    config.maxQueuedBytes = 0;
    EXPECT_EQ(config.effectiveMaxQueuedBytes(32 * 1024 * 1024), 32 * 1024 * 1024);
    config.maxQueuedBytes = 1024;
    EXPECT_EQ(config.effectiveMaxQueuedBytes(32 * 1024 * 1024),
              config.maxLineBytes + ServerConfig::QueueSlackBytes);
    EXPECT_EQ(ServerConfig().effectiveMaxQueuedBytes(ServerConfig::DefaultMaxQueuedBytes),
              64 * 1024 * 1024 + ServerConfig::QueueSlackBytes);

    // Negative values in a hand-edited file mean the default, like a missing key.
    QJsonObject negative = json;
    negative.insert(QStringLiteral("maxQueuedBytes"), -5);
    EXPECT_EQ(ServerConfig::fromJson(config.name, negative).maxQueuedBytes, 0);
}

TEST(ServerConfig, BrokerWideMaxQueuedBytesFromEnvironment)
{
    const QByteArray saved = qgetenv("MANIFOLD_MAX_QUEUED_BYTES");
    qputenv("MANIFOLD_MAX_QUEUED_BYTES", "134217728");
    EXPECT_EQ(ServerConfig::defaultMaxQueuedBytes(), 134217728);
    qputenv("MANIFOLD_MAX_QUEUED_BYTES", "12");   // under 1 MiB: ignored
    EXPECT_EQ(ServerConfig::defaultMaxQueuedBytes(), ServerConfig::DefaultMaxQueuedBytes);
    qputenv("MANIFOLD_MAX_QUEUED_BYTES", "lots");
    EXPECT_EQ(ServerConfig::defaultMaxQueuedBytes(), ServerConfig::DefaultMaxQueuedBytes);
    if (saved.isNull())
        qunsetenv("MANIFOLD_MAX_QUEUED_BYTES");
    else
        qputenv("MANIFOLD_MAX_QUEUED_BYTES", saved);
}

TEST(ServerRegistry, SetMaxQueuedBytesSurvivesSaveAndLoad)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    ServerRegistry registry(dir.path());
    ServerConfig config = makeServer(QStringLiteral("big"));
    config.maxQueuedBytes = 16 * 1024 * 1024;
    QString error;
    ASSERT_TRUE(registry.add(config, &error)) << error.toStdString();
    ASSERT_TRUE(registry.save(&error)) << error.toStdString();
    ServerRegistry reloaded(dir.path());
    ASSERT_TRUE(reloaded.load(&error)) << error.toStdString();
    ASSERT_NE(reloaded.find(QStringLiteral("big")), nullptr);
    EXPECT_EQ(reloaded.find(QStringLiteral("big"))->maxQueuedBytes, 16 * 1024 * 1024);
    EXPECT_EQ(*reloaded.find(QStringLiteral("big")), config);
}

TEST(ServerRegistry, DefaultsSurviveSaveAndLoadWithKeysThisBuildDoesNotKnow)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    ServerRegistry registry(dir.path());
    writeAll(registry.filePath(),
             R"({"version": 1, "defaults": {"maxQueuedBytes": 8388608, "fromANewerBuild": true}, "servers": {}})");
    QString error;
    ASSERT_TRUE(registry.load(&error)) << error.toStdString();
    EXPECT_EQ(registry.defaultMaxQueuedBytes(), 8 * 1024 * 1024);

    registry.setDefaultMaxQueuedBytes(16 * 1024 * 1024);
    ASSERT_TRUE(registry.save(&error)) << error.toStdString();
    const QJsonObject defaults = QJsonDocument::fromJson(readAll(registry.filePath())).object().value(QStringLiteral("defaults")).toObject();
    EXPECT_EQ(defaults.value(QStringLiteral("maxQueuedBytes")).toInteger(), 16 * 1024 * 1024);
    EXPECT_TRUE(defaults.value(QStringLiteral("fromANewerBuild")).toBool());

    registry.setDefaultMaxQueuedBytes(0);   // back to the built-in value: the key goes
    ASSERT_TRUE(registry.save(&error)) << error.toStdString();
    ServerRegistry reloaded(dir.path());
    ASSERT_TRUE(reloaded.load(&error)) << error.toStdString();
    EXPECT_EQ(reloaded.defaultMaxQueuedBytes(), 0);
}

TEST(ServerRegistry, MissingFileIsAnEmptyRegistry)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    ServerRegistry registry(dir.filePath(QStringLiteral("nothing-here")));
    QString error;
    EXPECT_TRUE(registry.load(&error)) << error.toStdString();
    EXPECT_TRUE(registry.servers().isEmpty());
    EXPECT_EQ(registry.filePath(), dir.filePath(QStringLiteral("nothing-here/servers.json")));
}

TEST(ServerRegistry, SaveAndLoadRoundTrip)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString configDir = dir.filePath(QStringLiteral("deep/er/manifold"));
    QString error;
    {
        ServerRegistry registry(configDir);
        ASSERT_TRUE(registry.load(&error)) << error.toStdString();
        ASSERT_TRUE(registry.add(makeServer(QStringLiteral("zeta")), &error))
            << error.toStdString();
        ServerConfig plain;
        plain.name = QStringLiteral("alpha");
        plain.command = QStringLiteral("node");
        ASSERT_TRUE(registry.add(plain, &error)) << error.toStdString();
        EXPECT_EQ(registry.names(), QStringList({QStringLiteral("alpha"), QStringLiteral("zeta")}));
        ASSERT_TRUE(registry.save(&error)) << error.toStdString();
    }
    ServerRegistry reloaded(configDir);
    ASSERT_TRUE(reloaded.load(&error)) << error.toStdString();
    ASSERT_EQ(reloaded.names(), QStringList({QStringLiteral("alpha"), QStringLiteral("zeta")}));
    ASSERT_NE(reloaded.find(QStringLiteral("zeta")), nullptr);
    EXPECT_EQ(*reloaded.find(QStringLiteral("zeta")), makeServer(QStringLiteral("zeta")));
    EXPECT_EQ(reloaded.find(QStringLiteral("alpha"))->command, QStringLiteral("node"));
    EXPECT_EQ(reloaded.find(QStringLiteral("missing")), nullptr);

    const QJsonObject root = QJsonDocument::fromJson(readAll(reloaded.filePath())).object();
    EXPECT_EQ(root.value(QStringLiteral("version")).toInt(), 1);
    EXPECT_TRUE(root.value(QStringLiteral("servers")).toObject().contains(QStringLiteral("zeta")));
}

TEST(ServerRegistry, FileIsOwnerOnlyAndNewDirIsPrivate)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString configDir = dir.filePath(QStringLiteral("parent/manifold"));
    ServerRegistry registry(configDir);
    QString error;
    ASSERT_TRUE(registry.add(makeServer(QStringLiteral("s")), &error));
    const mode_t old = ::umask(0); // the modes must not depend on a friendly umask
    const bool saved = registry.save(&error);
    ::umask(old);
    ASSERT_TRUE(saved) << error.toStdString();
    EXPECT_EQ(modeOf(registry.filePath()), mode_t(0600));
    EXPECT_EQ(modeOf(configDir), mode_t(0700));

    // A second save replaces the file and keeps it owner-only.
    ASSERT_TRUE(registry.remove(QStringLiteral("s"), &error));
    ASSERT_TRUE(registry.save(&error)) << error.toStdString();
    EXPECT_EQ(modeOf(registry.filePath()), mode_t(0600));
}

TEST(ServerRegistry, BrokenFileIsReportedAndNeverOverwritten)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    ServerRegistry registry(dir.path());
    const QByteArray broken = "{\"version\": 1, \"servers\": {\"a\": {\"command\": \"x\",}}}";
    writeAll(registry.filePath(), broken);

    QString error;
    EXPECT_FALSE(registry.load(&error));
    EXPECT_TRUE(error.contains(registry.filePath())) << error.toStdString();
    EXPECT_TRUE(error.contains(QStringLiteral("offset"))) << error.toStdString();
    EXPECT_TRUE(registry.servers().isEmpty());

    ServerConfig config;
    config.name = QStringLiteral("new");
    config.command = QStringLiteral("cmd");
    ASSERT_TRUE(registry.add(config, &error));
    QString saveError;
    EXPECT_FALSE(registry.save(&saveError));
    EXPECT_FALSE(saveError.isEmpty());
    EXPECT_EQ(readAll(registry.filePath()), broken);

    // Once the user fixes the file, a fresh load unlocks saving again.
    writeAll(registry.filePath(), "{\"version\": 1, \"servers\": {}}");
    ASSERT_TRUE(registry.load(&error)) << error.toStdString();
    ASSERT_TRUE(registry.add(config, &error));
    EXPECT_TRUE(registry.save(&error)) << error.toStdString();
}

TEST(ServerRegistry, WrongShapesAreRejected)
{
    const QList<QByteArray> bad = {
        "[]",
        "{\"servers\": []}",
        "{\"version\": 2, \"servers\": {}}",
        "{\"servers\": {\"a\": \"not an object\"}}",
        "{\"servers\": {\"a\": {}}}",
        "{\"servers\": {\"a\": {\"command\": \"x\", \"args\": \"-v\"}}}",
        "{\"servers\": {\"a\": {\"command\": \"x\", \"args\": [1]}}}",
        "{\"servers\": {\"a\": {\"command\": \"x\", \"env\": {\"K\": 1}}}}",
        "{\"servers\": {\"a\": {\"command\": \"x\", \"sharing\": \"sometimes\"}}}",
        "{\"servers\": {\"a\": {\"command\": \"x\", \"lingerMs\": \"soon\"}}}",
        "{\"servers\": {\"bad name\": {\"command\": \"x\"}}}",
        "{\"defaults\": [], \"servers\": {}}",
        "{\"defaults\": {\"maxQueuedBytes\": \"64M\"}}",
        "{\"defaults\": {\"maxQueuedBytes\": -1}, \"servers\": {}}",
    };
    for (const QByteArray &content : bad) {
        QTemporaryDir dir;
        ASSERT_TRUE(dir.isValid());
        ServerRegistry registry(dir.path());
        writeAll(registry.filePath(), content);
        QString error;
        EXPECT_FALSE(registry.load(&error)) << content.constData();
        EXPECT_TRUE(error.contains(registry.filePath())) << error.toStdString();
        EXPECT_FALSE(registry.save(&error)) << content.constData();
        EXPECT_EQ(readAll(registry.filePath()), content);
    }
}

TEST(ServerRegistry, MissingFieldsInFileGetDefaults)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    ServerRegistry registry(dir.path());
    writeAll(registry.filePath(),
             "{\"servers\": {\"b\": {\"command\": \"run-b\"}, \"a\": {\"command\": \"run-a\"}}}");
    QString error;
    ASSERT_TRUE(registry.load(&error)) << error.toStdString();
    ASSERT_EQ(registry.names(), QStringList({QStringLiteral("a"), QStringLiteral("b")}));
    const ServerConfig &b = registry.servers().at(1);
    EXPECT_EQ(b.command, QStringLiteral("run-b"));
    EXPECT_TRUE(b.args.isEmpty());
    EXPECT_EQ(b.lingerMs, 60000);
    EXPECT_EQ(b.sharing, ServerConfig::Sharing::Shared);
}

TEST(ServerRegistry, AddRejectsInvalidAndDuplicateNames)
{
    ServerRegistry registry(QStringLiteral("/nonexistent"));
    QString error;
    ASSERT_TRUE(registry.add(makeServer(QStringLiteral("one")), &error));
    EXPECT_FALSE(registry.add(makeServer(QStringLiteral("one")), &error));
    EXPECT_TRUE(error.contains(QStringLiteral("one"))) << error.toStdString();
    error.clear();
    EXPECT_FALSE(registry.add(makeServer(QStringLiteral("../escape")), &error));
    EXPECT_FALSE(error.isEmpty());
    EXPECT_FALSE(registry.add(makeServer(QString()), &error));
    ServerConfig noCommand = makeServer(QStringLiteral("two"));
    noCommand.command.clear();
    EXPECT_FALSE(registry.add(noCommand, &error));
    EXPECT_EQ(registry.names(), QStringList({QStringLiteral("one")}));
}

TEST(ServerRegistry, UpdateAndRemove)
{
    ServerRegistry registry(QStringLiteral("/nonexistent"));
    QString error;
    ASSERT_TRUE(registry.add(makeServer(QStringLiteral("one")), &error));
    ServerConfig changed = makeServer(QStringLiteral("one"));
    changed.args = {QStringLiteral("--other")};
    ASSERT_TRUE(registry.update(changed, &error)) << error.toStdString();
    EXPECT_EQ(registry.find(QStringLiteral("one"))->args, changed.args);
    EXPECT_FALSE(registry.update(makeServer(QStringLiteral("two")), &error));
    EXPECT_FALSE(registry.remove(QStringLiteral("two"), &error));
    ASSERT_TRUE(registry.remove(QStringLiteral("one"), &error));
    EXPECT_TRUE(registry.servers().isEmpty());
}

TEST(ServerRegistry, ConfigDirFromEnvironment)
{
    EnvGuard guard("MANIFOLD_CONFIG_DIR");
    qputenv("MANIFOLD_CONFIG_DIR", "/tmp/somewhere/else");
    EXPECT_EQ(ServerRegistry::defaultConfigDir(), QStringLiteral("/tmp/somewhere/else"));

    const QString fallback =
        QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
        QStringLiteral("/manifold");
    qputenv("MANIFOLD_CONFIG_DIR", "");
    EXPECT_EQ(ServerRegistry::defaultConfigDir(), fallback);
    qunsetenv("MANIFOLD_CONFIG_DIR");
    EXPECT_EQ(ServerRegistry::defaultConfigDir(), fallback);
}

// Remote servers (issue 15): a URL instead of a command.

TEST(RemoteServerConfig, JsonRoundTripKeepsUrlTransportHeadersAndOAuth)
{
    ServerConfig config;
    config.name = QStringLiteral("linear");
    config.url = QStringLiteral("https://mcp.linear.app/mcp");
    config.transport = ServerConfig::Transport::Sse;
    config.headers = {{QStringLiteral("X-Team"), QStringLiteral("core")}};
    config.secretHeaders = {QStringLiteral("Authorization")};
    config.oauth.clientId = QStringLiteral("abc");
    config.oauth.sendResource = false;
    config.oauth.authorizeParams = {{QStringLiteral("audience"), QStringLiteral("x")}};
    const QJsonObject json = config.toJson();
    EXPECT_FALSE(json.contains(QStringLiteral("command")));   // a remote server has none
    EXPECT_FALSE(json.contains(QStringLiteral("env")));
    EXPECT_EQ(json.value(QStringLiteral("transport")).toString(), QStringLiteral("sse"));
    const ServerConfig back = ServerConfig::fromJson(config.name, json);
    EXPECT_TRUE(back.isRemote());
    EXPECT_EQ(back, config);
    ServerConfig changed = back;
    changed.oauth.scope = QStringLiteral("read");
    EXPECT_FALSE(changed == config);
}

TEST(RemoteServerConfig, UrlsAndHeadersAreValidated)
{
    QString why;
    EXPECT_TRUE(ServerConfig::isValidRemoteUrl(QStringLiteral("http://127.0.0.1:8080/mcp")));
    EXPECT_TRUE(ServerConfig::isValidRemoteUrl(QStringLiteral("https://example.com/sse?x=1")));
    EXPECT_FALSE(ServerConfig::isValidRemoteUrl(QStringLiteral("ftp://example.com/mcp"), &why));
    EXPECT_TRUE(why.contains(QStringLiteral("http or https"))) << why.toStdString();
    EXPECT_FALSE(ServerConfig::isValidRemoteUrl(QStringLiteral("/relative/mcp")));
    EXPECT_FALSE(ServerConfig::isValidRemoteUrl(QStringLiteral("https://user:pw@example.com/mcp"), &why));
    EXPECT_TRUE(why.contains(QStringLiteral("header"))) << why.toStdString();
    EXPECT_FALSE(ServerConfig::isValidRemoteUrl(QStringLiteral("https://example.com/mcp#top")));
    EXPECT_TRUE(ServerConfig::isSettableHeader(QStringLiteral("X-Api-Key")));
    EXPECT_TRUE(ServerConfig::isSettableHeader(QStringLiteral("Authorization")));
    EXPECT_FALSE(ServerConfig::isSettableHeader(QStringLiteral("Mcp-Session-Id"), &why));
    EXPECT_TRUE(why.contains(QStringLiteral("Manifold itself"))) << why.toStdString();
    EXPECT_FALSE(ServerConfig::isSettableHeader(QStringLiteral("content-type")));
    EXPECT_FALSE(ServerConfig::isSettableHeader(QStringLiteral("Bad Header")));
    EXPECT_FALSE(ServerConfig::isSettableHeader(QString()));
}

TEST(RemoteServerConfig, RegistryWantsExactlyOneOfCommandAndUrl)
{
    QTemporaryDir dir;
    ServerRegistry registry(dir.path());
    ServerConfig config;
    config.name = QStringLiteral("remote");
    QString error;
    EXPECT_FALSE(registry.add(config, &error));
    EXPECT_TRUE(error.contains(QStringLiteral("command or a URL"))) << error.toStdString();
    config.url = QStringLiteral("https://example.com/mcp");
    config.command = QStringLiteral("npx");
    EXPECT_FALSE(registry.add(config, &error));
    EXPECT_TRUE(error.contains(QStringLiteral("both"))) << error.toStdString();
    config.command.clear();
    config.headers.insert(QStringLiteral("Accept"), QStringLiteral("x"));
    EXPECT_FALSE(registry.add(config, &error));
    config.headers.clear();
    EXPECT_TRUE(registry.add(config, &error)) << error.toStdString();
    ASSERT_TRUE(registry.save(&error)) << error.toStdString();
    ServerRegistry reloaded(dir.path());
    ASSERT_TRUE(reloaded.load(&error)) << error.toStdString();
    ASSERT_NE(reloaded.find(QStringLiteral("remote")), nullptr);
    EXPECT_EQ(reloaded.find(QStringLiteral("remote"))->url, config.url);
}

TEST(RemoteServerConfig, WrongRemoteShapesInTheFileAreRejectedAndKept)
{
    const QList<QByteArray> bad = {
        "{\"servers\": {\"a\": {\"url\": 5}}}",
        "{\"servers\": {\"a\": {\"url\": \"mailto:x@example.com\"}}}",
        "{\"servers\": {\"a\": {\"url\": \"https://example.com/mcp\", \"command\": \"npx\"}}}",
        "{\"servers\": {\"a\": {\"url\": \"https://example.com/mcp\", \"transport\": \"websocket\"}}}",
        "{\"servers\": {\"a\": {\"url\": \"https://example.com/mcp\", \"headers\": {\"X\": 1}}}}",
        "{\"servers\": {\"a\": {\"url\": \"https://example.com/mcp\", \"headers\": {\"Host\": \"x\"}}}}",
        "{\"servers\": {\"a\": {\"url\": \"https://example.com/mcp\", \"oauth\": []}}}",
    };
    for (const QByteArray &content : bad) {
        QTemporaryDir dir;
        ServerRegistry registry(dir.path());
        writeAll(registry.filePath(), content);
        QString error;
        EXPECT_FALSE(registry.load(&error)) << content.constData();
        EXPECT_TRUE(error.contains(QStringLiteral("'a'"))) << error.toStdString();
        EXPECT_EQ(readAll(registry.filePath()), content);
    }
}
