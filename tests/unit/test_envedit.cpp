// What add and update requests do to plain and secret variables (EnvEdit::plan, pure).
#include "secrets/envedit.h"

#include <QJsonArray>

#include <gtest/gtest.h>

using namespace manifold;

namespace {

using Env = QMap<QString, QString>;

ServerConfig existing()
{
    ServerConfig config;
    config.name = QStringLiteral("github");
    config.command = QStringLiteral("npx");
    config.env = {{QStringLiteral("MODE"), QStringLiteral("fast")},
                  {QStringLiteral("API_KEY"), QStringLiteral("plain-key")}};
    config.secretEnv = {QStringLiteral("GITHUB_TOKEN")};
    return config;
}

} // namespace

TEST(EnvEdit, AddMarksNamesThatLookLikeSecrets)
{
    const EnvEdit edit = EnvEdit::plan(
        nullptr, {{QStringLiteral("env"),
                   QJsonObject{{QStringLiteral("GITHUB_TOKEN"), QStringLiteral("ghp_1")},
                               {QStringLiteral("MODE"), QStringLiteral("fast")}}}});
    EXPECT_TRUE(edit.error.isEmpty());
    EXPECT_EQ(edit.env, (Env{{QStringLiteral("MODE"), QStringLiteral("fast")}}));
    EXPECT_EQ(edit.secretEnv, QStringList{QStringLiteral("GITHUB_TOKEN")});
    EXPECT_EQ(edit.toWrite,
              (QHash<QString, QString>{{QStringLiteral("GITHUB_TOKEN"), QStringLiteral("ghp_1")}}));
    EXPECT_TRUE(edit.toRead.isEmpty());
    EXPECT_TRUE(edit.toRemove.isEmpty());
}

TEST(EnvEdit, AddWithAnExplicitListMarksExactlyThose)
{
    const EnvEdit edit = EnvEdit::plan(
        nullptr, {{QStringLiteral("env"),
                   QJsonObject{{QStringLiteral("GITHUB_TOKEN"), QStringLiteral("ghp_1")},
                               {QStringLiteral("DSN"), QStringLiteral("pg://u:p@h")}}},
                  {QStringLiteral("secretEnv"), QJsonArray{QStringLiteral("DSN")}}});
    EXPECT_EQ(edit.env, (Env{{QStringLiteral("GITHUB_TOKEN"), QStringLiteral("ghp_1")}}));
    EXPECT_EQ(edit.secretEnv, QStringList{QStringLiteral("DSN")});
    EXPECT_EQ(edit.toWrite.value(QStringLiteral("DSN")), QStringLiteral("pg://u:p@h"));
}

TEST(EnvEdit, RefusesSecretNamesEnvDoesNotHoldAndBadNames)
{
    EXPECT_FALSE(
        EnvEdit::plan(nullptr, {{QStringLiteral("env"), QJsonObject{}},
                                {QStringLiteral("secretEnv"), QJsonArray{QStringLiteral("X")}}})
            .error.isEmpty());
    EXPECT_FALSE(
        EnvEdit::plan(nullptr, {{QStringLiteral("env"),
                                 QJsonObject{{QStringLiteral("A=B"), QStringLiteral("1")}}}})
            .error.isEmpty());
    // A new secret needs a value: null only keeps one that exists.
    const ServerConfig config = existing();
    EXPECT_FALSE(
        EnvEdit::plan(&config, {{QStringLiteral("env"),
                                 QJsonObject{{QStringLiteral("NEW_TOKEN"), QJsonValue()}}}})
            .error.isEmpty());
}

TEST(EnvEdit, UpdateWithoutEnvKeepsEverything)
{
    const ServerConfig config = existing();
    const EnvEdit edit = EnvEdit::plan(&config, {{QStringLiteral("args"), QJsonArray{}}});
    EXPECT_TRUE(edit.error.isEmpty());
    EXPECT_EQ(edit.env, config.env); // API_KEY stays plain: the user chose so earlier
    EXPECT_EQ(edit.secretEnv, config.secretEnv);
    EXPECT_TRUE(edit.toWrite.isEmpty());
    EXPECT_TRUE(edit.toRead.isEmpty());
    EXPECT_TRUE(edit.toRemove.isEmpty());
}

TEST(EnvEdit, UpdateSetsKeepsAndDropsValues)
{
    const ServerConfig config = existing();
    const EnvEdit edit = EnvEdit::plan(
        &config, {{QStringLiteral("env"),
                   QJsonObject{{QStringLiteral("GITHUB_TOKEN"), QStringLiteral("ghp_new")},
                               {QStringLiteral("MODE"), QJsonValue()},
                               {QStringLiteral("NEW_SECRET"), QStringLiteral("s")}}}});
    EXPECT_TRUE(edit.error.isEmpty());
    EXPECT_EQ(edit.env, (Env{{QStringLiteral("MODE"), QStringLiteral("fast")}}));
    EXPECT_EQ(edit.secretEnv,
              (QStringList{QStringLiteral("GITHUB_TOKEN"), QStringLiteral("NEW_SECRET")}));
    EXPECT_EQ(edit.toWrite,
              (QHash<QString, QString>{{QStringLiteral("GITHUB_TOKEN"), QStringLiteral("ghp_new")},
                                       {QStringLiteral("NEW_SECRET"), QStringLiteral("s")}}));
    EXPECT_TRUE(edit.toRemove.isEmpty());

    // Leaving a secret out of env drops its stored value.
    const EnvEdit dropped = EnvEdit::plan(
        &config, {{QStringLiteral("env"), QJsonObject{{QStringLiteral("MODE"), QJsonValue()}}}});
    EXPECT_TRUE(dropped.secretEnv.isEmpty());
    EXPECT_EQ(dropped.toRemove, QStringList{QStringLiteral("GITHUB_TOKEN")});
}

TEST(EnvEdit, MarkingMovesThePlainValueIntoTheStoreAndUnmarkingBringsItBack)
{
    const ServerConfig config = existing();
    const EnvEdit marked = EnvEdit::plan(
        &config, {{QStringLiteral("secretEnv"),
                   QJsonArray{QStringLiteral("API_KEY"), QStringLiteral("GITHUB_TOKEN")}}});
    EXPECT_TRUE(marked.error.isEmpty());
    EXPECT_EQ(marked.env, (Env{{QStringLiteral("MODE"), QStringLiteral("fast")}}));
    EXPECT_EQ(marked.secretEnv,
              (QStringList{QStringLiteral("API_KEY"), QStringLiteral("GITHUB_TOKEN")}));
    EXPECT_EQ(marked.toWrite,
              (QHash<QString, QString>{{QStringLiteral("API_KEY"), QStringLiteral("plain-key")}}));

    const EnvEdit unmarked = EnvEdit::plan(&config, {{QStringLiteral("secretEnv"), QJsonArray{}}});
    EXPECT_TRUE(unmarked.error.isEmpty());
    EXPECT_TRUE(unmarked.secretEnv.isEmpty());
    EXPECT_EQ(unmarked.toRead, QStringList{QStringLiteral("GITHUB_TOKEN")});
    EXPECT_EQ(unmarked.toRemove, QStringList{QStringLiteral("GITHUB_TOKEN")});
    EXPECT_FALSE(unmarked.env.contains(QStringLiteral("GITHUB_TOKEN"))); // filled in once read

    // Unmarked with a new value: no read needed.
    const EnvEdit replaced = EnvEdit::plan(
        &config, {{QStringLiteral("env"),
                   QJsonObject{{QStringLiteral("GITHUB_TOKEN"), QStringLiteral("visible")}}},
                  {QStringLiteral("secretEnv"), QJsonArray{}}});
    EXPECT_TRUE(replaced.toRead.isEmpty());
    EXPECT_EQ(replaced.env.value(QStringLiteral("GITHUB_TOKEN")), QStringLiteral("visible"));
    EXPECT_EQ(replaced.toRemove, QStringList{QStringLiteral("GITHUB_TOKEN")});
}

// A remote server's headers go through the same plan: Authorization and key/token-looking
// headers are secret unless the request lists the secret ones itself.
TEST(EnvEdit, HeadersOfARemoteServerAreMarkedLikeVariables)
{
    const EnvEdit edit = EnvEdit::planHeaders(
        nullptr, {{QStringLiteral("headers"), QJsonObject{{QStringLiteral("Authorization"), QStringLiteral("Bearer x")},
                                                          {QStringLiteral("X-Api-Key"), QStringLiteral("k")},
                                                          {QStringLiteral("X-Team"), QStringLiteral("core")}}}});
    ASSERT_TRUE(edit.error.isEmpty()) << edit.error.toStdString();
    EXPECT_EQ(edit.secretEnv, (QStringList{QStringLiteral("Authorization"), QStringLiteral("X-Api-Key")}));
    EXPECT_EQ(edit.env, (Env{{QStringLiteral("X-Team"), QStringLiteral("core")}}));
    EXPECT_EQ(edit.toWrite.value(QStringLiteral("Authorization")), QStringLiteral("Bearer x"));
}

TEST(EnvEdit, HeadersTheTransportOwnsAreRefused)
{
    const EnvEdit edit = EnvEdit::planHeaders(
        nullptr, {{QStringLiteral("headers"), QJsonObject{{QStringLiteral("Mcp-Session-Id"), QStringLiteral("x")}}}});
    EXPECT_TRUE(edit.error.contains(QStringLiteral("Manifold itself"))) << edit.error.toStdString();
    const EnvEdit unlisted = EnvEdit::planHeaders(
        nullptr, {{QStringLiteral("headers"), QJsonObject{{QStringLiteral("X-A"), QStringLiteral("1")}}},
                  {QStringLiteral("secretHeaders"), QJsonArray{QStringLiteral("X-B")}}});
    EXPECT_TRUE(unlisted.error.contains(QStringLiteral("secretHeaders names X-B"))) << unlisted.error.toStdString();
}
