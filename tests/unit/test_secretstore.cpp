// SecretStore's contract (answers always later, batches collect every answer) on the memory
// store, and which variable names count as secrets.
#include "secrets/secretstore.h"

#include <QCoreApplication>
#include <QTest>

#include <gtest/gtest.h>

#include <optional>

using namespace manifold;

namespace {

class SecretStoreTest : public ::testing::Test
{
protected:
    static void SetUpTestSuite()
    {
        static int argc = 1;
        static char name[] = "test_secretstore";
        static char *argv[] = {name, nullptr};
        if (!QCoreApplication::instance())
            new QCoreApplication(argc, argv);
    }

    SecretStore::Result wait(const std::function<void(SecretStore::Callback)> &call)
    {
        std::optional<SecretStore::Result> result;
        call([&](const SecretStore::Result &r) { result = r; });
        EXPECT_FALSE(result) << "answered before the call returned";
        EXPECT_TRUE(QTest::qWaitFor([&] { return result.has_value(); }, 5000));
        return result.value_or(SecretStore::Result{});
    }

    MemorySecretStore m_store;
};

} // namespace

TEST_F(SecretStoreTest, MemoryStoreWritesReadsOverwritesAndRemoves)
{
    const QString key = serverSecretKey(QStringLiteral("github"), QStringLiteral("GITHUB_TOKEN"));
    EXPECT_EQ(key, QStringLiteral("server/github/env/GITHUB_TOKEN"));
    EXPECT_EQ(wait([&](auto done) { m_store.read(key, done); }).status,
              SecretStore::Status::NotFound);
    EXPECT_EQ(wait([&](auto done) { m_store.write(key, QStringLiteral("one"), done); }).status,
              SecretStore::Status::Ok);
    EXPECT_EQ(wait([&](auto done) { m_store.write(key, QStringLiteral("two"), done); }).status,
              SecretStore::Status::Ok);
    const SecretStore::Result read = wait([&](auto done) { m_store.read(key, done); });
    EXPECT_EQ(read.status, SecretStore::Status::Ok);
    EXPECT_EQ(read.value, QStringLiteral("two"));
    EXPECT_EQ(wait([&](auto done) { m_store.remove(key, done); }).status, SecretStore::Status::Ok);
    EXPECT_EQ(wait([&](auto done) { m_store.remove(key, done); }).status,
              SecretStore::Status::NotFound);
    EXPECT_TRUE(m_store.values().isEmpty());
}

TEST_F(SecretStoreTest, FailingStoreSaysWhy)
{
    m_store.setFailing(QStringLiteral("no Secret Service on the session bus: test"));
    const SecretStore::Result result =
        wait([&](auto done) { m_store.write(QStringLiteral("k"), QStringLiteral("v"), done); });
    EXPECT_EQ(result.status, SecretStore::Status::Failed);
    EXPECT_EQ(result.error, QStringLiteral("no Secret Service on the session bus: test"));
}

TEST_F(SecretStoreTest, EmptyBatchesStillAnswerLater)
{
    int answered = 0;
    m_store.readAll({}, [&](const QHash<QString, QString> &values, const QStringList &missing,
                            const QStringList &errors) {
        EXPECT_TRUE(values.isEmpty() && missing.isEmpty() && errors.isEmpty());
        ++answered;
    });
    m_store.writeAll({}, [&](const QStringList &errors) {
        EXPECT_TRUE(errors.isEmpty());
        ++answered;
    });
    m_store.removeAll({}, [&](const QStringList &errors) {
        EXPECT_TRUE(errors.isEmpty());
        ++answered;
    });
    EXPECT_EQ(answered, 0);
    ASSERT_TRUE(QTest::qWaitFor([&] { return answered == 3; }, 5000));
    QCoreApplication::processEvents();
    EXPECT_EQ(answered, 3); // once each
}

TEST_F(SecretStoreTest, BatchesCollectValuesMissingKeysAndErrors)
{
    bool written = false;
    m_store.writeAll(
        {{QStringLiteral("a"), QStringLiteral("1")}, {QStringLiteral("b"), QStringLiteral("2")}},
        [&](const QStringList &errors) {
            EXPECT_TRUE(errors.isEmpty());
            written = true;
        });
    ASSERT_TRUE(QTest::qWaitFor([&] { return written; }, 5000));

    bool read = false;
    m_store.readAll({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")},
                    [&](const QHash<QString, QString> &values, const QStringList &missing,
                        const QStringList &errors) {
                        EXPECT_EQ(values, (QHash<QString, QString>{
                                              {QStringLiteral("a"), QStringLiteral("1")},
                                              {QStringLiteral("b"), QStringLiteral("2")}}));
                        EXPECT_EQ(missing, QStringList{QStringLiteral("c")});
                        EXPECT_TRUE(errors.isEmpty());
                        read = true;
                    });
    ASSERT_TRUE(QTest::qWaitFor([&] { return read; }, 5000));

    // Removing what is not there is no error.
    bool removed = false;
    m_store.removeAll({QStringLiteral("a"), QStringLiteral("c")}, [&](const QStringList &errors) {
        EXPECT_TRUE(errors.isEmpty());
        removed = true;
    });
    ASSERT_TRUE(QTest::qWaitFor([&] { return removed; }, 5000));
    EXPECT_EQ(m_store.values().keys(), QStringList{QStringLiteral("b")});

    m_store.setFailing(QStringLiteral("locked"));
    QStringList readErrors;
    QStringList writeErrors;
    QStringList removeErrors;
    int answered = 0;
    m_store.readAll({QStringLiteral("b"), QStringLiteral("x")},
                    [&](const QHash<QString, QString> &values, const QStringList &missing,
                        const QStringList &errors) {
                        EXPECT_TRUE(values.isEmpty());
                        EXPECT_TRUE(missing.isEmpty());
                        readErrors = errors;
                        ++answered;
                    });
    m_store.writeAll({{QStringLiteral("b"), QStringLiteral("3")}}, [&](const QStringList &errors) {
        writeErrors = errors;
        ++answered;
    });
    m_store.removeAll({QStringLiteral("b")}, [&](const QStringList &errors) {
        removeErrors = errors;
        ++answered;
    });
    ASSERT_TRUE(QTest::qWaitFor([&] { return answered == 3; }, 5000));
    readErrors.sort();
    EXPECT_EQ(readErrors, (QStringList{QStringLiteral("b: locked"), QStringLiteral("x: locked")}));
    EXPECT_EQ(writeErrors, QStringList{QStringLiteral("b: locked")});
    EXPECT_EQ(removeErrors, QStringList{QStringLiteral("b: locked")});
}

TEST(SecretNames, LookLikeSecretsByTheirMarkers)
{
    for (const char *name :
         {"GITHUB_TOKEN", "OPENAI_API_KEY", "api_key", "ClientSecret", "DB_PASSWORD", "SMTP_PASSWD",
          "GOOGLE_APPLICATION_CREDENTIALS", "BRAVE_API_KEY", "Token"})
        EXPECT_TRUE(looksLikeSecretName(QString::fromLatin1(name))) << name;
    for (const char *name : {"PATH", "HOME", "DEBUG", "NODE_ENV", "LOG_LEVEL", "MODE", ""})
        EXPECT_FALSE(looksLikeSecretName(QString::fromLatin1(name))) << name;
}
