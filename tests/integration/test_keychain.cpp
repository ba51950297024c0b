// KeychainSecretStore against the real Secret Service (gnome-keyring under dbus-run-session in
// scripts/test.sh), and the real binaries: a secret written to the keychain reaches the child
// that manifold-shim's broker starts, and appears in no file under the config dir or the log.
#include "keychainsupport.h"

#include "config/serverregistry.h"
#include "control/remotebrokerview.h"
#include "secrets/secretstore.h"

#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include <csignal>
#include <optional>

using namespace manifold;

namespace {

SecretStore::Result wait(const std::function<void(SecretStore::Callback)> &call)
{
    std::optional<SecretStore::Result> result;
    call([&](const SecretStore::Result &r) { result = r; });
    EXPECT_FALSE(result) << "answered before the call returned";
    EXPECT_TRUE(QTest::qWaitFor([&] { return result.has_value(); }, 40000));
    return result.value_or(
        SecretStore::Result{SecretStore::Status::Failed, {}, QStringLiteral("no answer")});
}

} // namespace

QString keychaintest::unavailableReason(KeychainSecretStore &store)
{
    if (!qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS"))
        return QStringLiteral(
            "no Secret Service on the session bus: DBUS_SESSION_BUS_ADDRESS is not set");
    store.setTimeoutMs(10000);
    const QString probe =
        QStringLiteral("probe/") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    const SecretStore::Result written =
        wait([&](auto done) { store.write(probe, QStringLiteral("probe"), done); });
    if (written.status != SecretStore::Status::Ok)
        return written.error;
    wait([&](auto done) { store.remove(probe, done); });
    return {};
}

TEST(Keychain, WritesReadsOverwritesAndRemovesEntries)
{
    KeychainSecretStore store(keychaintest::uniqueService());
    REQUIRE_KEYCHAIN(store);
    const QString key = serverSecretKey(QStringLiteral("github"), QStringLiteral("GITHUB_TOKEN"));
    const QString value = QStringLiteral("ghp_ünïcødé value with spaces & symbols %s \\n");

    EXPECT_EQ(wait([&](auto done) { store.read(key, done); }).status,
              SecretStore::Status::NotFound);
    ASSERT_EQ(wait([&](auto done) { store.write(key, value, done); }).status,
              SecretStore::Status::Ok);
    SecretStore::Result read = wait([&](auto done) { store.read(key, done); });
    ASSERT_EQ(read.status, SecretStore::Status::Ok) << read.error.toStdString();
    EXPECT_EQ(read.value, value);

    ASSERT_EQ(wait([&](auto done) { store.write(key, QStringLiteral("second"), done); }).status,
              SecretStore::Status::Ok);
    read = wait([&](auto done) { store.read(key, done); });
    EXPECT_EQ(read.value, QStringLiteral("second"));

    // Another service is another namespace: the same key is not there.
    KeychainSecretStore other(keychaintest::uniqueService());
    EXPECT_EQ(wait([&](auto done) { other.read(key, done); }).status,
              SecretStore::Status::NotFound);

    EXPECT_EQ(wait([&](auto done) { store.remove(key, done); }).status, SecretStore::Status::Ok);
    EXPECT_EQ(wait([&](auto done) { store.read(key, done); }).status,
              SecretStore::Status::NotFound);
}

TEST(Keychain, BatchesWorkAgainstTheRealStore)
{
    KeychainSecretStore store(keychaintest::uniqueService());
    REQUIRE_KEYCHAIN(store);
    bool written = false;
    store.writeAll(
        {{QStringLiteral("a"), QStringLiteral("1")}, {QStringLiteral("b"), QStringLiteral("2")}},
        [&](const QStringList &errors) {
            EXPECT_TRUE(errors.isEmpty()) << errors.join(QLatin1Char('\n')).toStdString();
            written = true;
        });
    ASSERT_TRUE(QTest::qWaitFor([&] { return written; }, 40000));
    std::optional<QHash<QString, QString>> values;
    QStringList missing;
    store.readAll({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")},
                  [&](const QHash<QString, QString> &found, const QStringList &notFound,
                      const QStringList &errors) {
                      EXPECT_TRUE(errors.isEmpty()) << errors.join(QLatin1Char('\n')).toStdString();
                      values = found;
                      missing = notFound;
                  });
    ASSERT_TRUE(QTest::qWaitFor([&] { return values.has_value(); }, 40000));
    EXPECT_EQ(*values, (QHash<QString, QString>{{QStringLiteral("a"), QStringLiteral("1")},
                                                {QStringLiteral("b"), QStringLiteral("2")}}));
    EXPECT_EQ(missing, QStringList{QStringLiteral("c")});
    bool removed = false;
    store.removeAll({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")},
                    [&](const QStringList &errors) {
                        EXPECT_TRUE(errors.isEmpty())
                            << errors.join(QLatin1Char('\n')).toStdString();
                        removed = true;
                    });
    ASSERT_TRUE(QTest::qWaitFor([&] { return removed; }, 40000));
}

TEST(Keychain, WithoutASessionBusTheErrorSaysSo)
{
    // This binary in --probe-keychain mode, with a D-Bus address nothing listens on: what a user
    // on a machine without a Secret Service sees.
    QProcess probe;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
               QStringLiteral("unix:path=/nonexistent/manifold-test-bus"));
    probe.setProcessEnvironment(env);
    probe.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--probe-keychain")});
    ASSERT_TRUE(QTest::qWaitFor([&] { return probe.state() == QProcess::NotRunning; }, 60000));
    const QByteArray out = probe.readAllStandardOutput();
    EXPECT_EQ(probe.exitCode(), 1) << out.constData();
    EXPECT_TRUE(out.startsWith("Failed: no Secret Service on the session bus: "))
        << out.constData();
}
