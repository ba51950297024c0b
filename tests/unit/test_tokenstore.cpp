#include "http/tokenstore.h"

#include <QFile>
#include <QTemporaryDir>

#include "testsupport.h"

#include <gtest/gtest.h>

using manifold::http::TokenStore;

TEST(TokenStore, ASecretIsShownOnceAndOnlyItsHashIsSaved)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    TokenStore store(dir.path());
    QString error;
    ASSERT_TRUE(store.load(&error)) << error.toStdString();
    const QString secret = store.add(QStringLiteral("claude-code"), &error);
    ASSERT_TRUE(secret.startsWith(QStringLiteral("mfd_"))) << error.toStdString();
    EXPECT_EQ(secret.size(), 4 + 43);
    EXPECT_NE(store.add(QStringLiteral("cursor"), &error), secret);
    ASSERT_TRUE(store.save(&error)) << error.toStdString();

    QFile file(store.filePath());
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    EXPECT_FALSE(file.readAll().contains(secret.toLatin1()));
    EXPECT_EQ(testsupport::modeOf(store.filePath()), 0600);

    TokenStore reloaded(dir.path());
    ASSERT_TRUE(reloaded.load(&error)) << error.toStdString();
    ASSERT_EQ(reloaded.tokens().size(), 2);
    EXPECT_FALSE(reloaded.tokens().first().lastUsed.isValid());
    EXPECT_EQ(reloaded.verify(secret.toLatin1()), QStringLiteral("claude-code"));
    EXPECT_TRUE(reloaded.tokens().first().lastUsed.isValid());
    EXPECT_TRUE(reloaded.verify(secret.toLatin1().chopped(1) + 'x').isEmpty());
    EXPECT_TRUE(reloaded.verify("").isEmpty());

    ASSERT_TRUE(reloaded.revoke(QStringLiteral("claude-code"), &error));
    EXPECT_TRUE(reloaded.verify(secret.toLatin1()).isEmpty());
    EXPECT_FALSE(reloaded.revoke(QStringLiteral("claude-code"), &error));
}

TEST(TokenStore, NamesAreCheckedAndUnique)
{
    QTemporaryDir dir;
    TokenStore store(dir.path());
    QString error;
    EXPECT_TRUE(store.add(QStringLiteral("bad name"), &error).isEmpty());
    EXPECT_TRUE(error.contains(QStringLiteral("not a valid token name")));
    EXPECT_TRUE(store.add(QString(65, QLatin1Char('a')), &error).isEmpty());
    EXPECT_FALSE(store.add(QStringLiteral("vscode"), &error).isEmpty());
    EXPECT_TRUE(store.add(QStringLiteral("vscode"), &error).isEmpty());
    EXPECT_TRUE(error.contains(QStringLiteral("exists already")));
}

TEST(TokenStore, ABrokenFileIsReportedAndNeverOverwritten)
{
    QTemporaryDir dir;
    TokenStore store(dir.path());
    QFile file(store.filePath());
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write("{\"tokens\": [{\"name\": \"x\", \"sha256\": \"short\"}]}");
    file.close();
    QString error;
    EXPECT_FALSE(store.load(&error));
    EXPECT_TRUE(error.contains(store.filePath()));
    store.add(QStringLiteral("y"), &error);
    EXPECT_FALSE(store.save(&error));
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    EXPECT_EQ(file.readAll(), "{\"tokens\": [{\"name\": \"x\", \"sha256\": \"short\"}]}");
}

TEST(TokenStore, BearerSecretIsTakenOnlyFromTheBearerScheme)
{
    EXPECT_EQ(TokenStore::bearerSecret("Bearer mfd_abc"), "mfd_abc");
    EXPECT_EQ(TokenStore::bearerSecret("bearer   mfd_abc "), "mfd_abc");
    EXPECT_TRUE(TokenStore::bearerSecret("Basic dXNlcjpwYXNz").isEmpty());
    EXPECT_TRUE(TokenStore::bearerSecret("Bearer").isEmpty());
    EXPECT_TRUE(TokenStore::bearerSecret("Bearer a b").isEmpty());
    EXPECT_TRUE(TokenStore::bearerSecret("").isEmpty());
}
