#include "config/learnedstate.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include "testsupport.h"

#include <gtest/gtest.h>

using manifold::LearnedState;

namespace {

const QJsonArray Askers{QStringLiteral("tools/call:sampleLLM"), QStringLiteral("prompts/get:ask")};

TEST(LearnedState, MissingFileIsNothingLearnedYet)
{
    QTemporaryDir dir;
    LearnedState state(dir.path());
    QString error;
    EXPECT_TRUE(state.load(&error)) << error.toStdString();
    EXPECT_TRUE(state.value(QStringLiteral("everything"), QStringLiteral("askingCalls")).isUndefined());
}

TEST(LearnedState, ValuesSurviveASaveAndKeepOtherServersAndKeys)
{
    QTemporaryDir dir;
    LearnedState state(dir.path());
    EXPECT_TRUE(state.setValue(QStringLiteral("everything"), QStringLiteral("askingCalls"), Askers));
    EXPECT_FALSE(state.setValue(QStringLiteral("everything"), QStringLiteral("askingCalls"), Askers));   // unchanged
    EXPECT_TRUE(state.setValue(QStringLiteral("everything"), QStringLiteral("usesRoots"), true));
    EXPECT_TRUE(state.setValue(QStringLiteral("memory"), QStringLiteral("askingCalls"), QJsonArray()));
    QString error;
    ASSERT_TRUE(state.save(&error)) << error.toStdString();
    EXPECT_EQ(testsupport::modeOf(state.filePath()), mode_t(0600));

    LearnedState again(dir.path());
    ASSERT_TRUE(again.load(&error)) << error.toStdString();
    EXPECT_EQ(again.value(QStringLiteral("everything"), QStringLiteral("askingCalls")), QJsonValue(Askers));
    EXPECT_EQ(again.value(QStringLiteral("everything"), QStringLiteral("usesRoots")), QJsonValue(true));
    EXPECT_EQ(again.value(QStringLiteral("memory"), QStringLiteral("askingCalls")), QJsonValue(QJsonArray()));

    QFile file(state.filePath());
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    const QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
    EXPECT_EQ(root.value("version").toInt(), 1);
    EXPECT_EQ(root.value("servers").toObject().value("everything").toObject().value("askingCalls"),
              QJsonValue(Askers));
}

TEST(LearnedState, BrokenFileIsReportedAndThenReplaced)
{
    QTemporaryDir dir;
    LearnedState state(dir.path());
    {
        QFile file(state.filePath());
        ASSERT_TRUE(file.open(QIODevice::WriteOnly));
        file.write("{not json");
    }
    QString error;
    EXPECT_FALSE(state.load(&error));
    EXPECT_TRUE(error.contains(QStringLiteral("learned.json"))) << error.toStdString();
    state.setValue(QStringLiteral("everything"), QStringLiteral("askingCalls"), Askers);
    ASSERT_TRUE(state.save(&error)) << error.toStdString();
    LearnedState again(dir.path());
    EXPECT_TRUE(again.load(&error)) << error.toStdString();
    EXPECT_EQ(again.value(QStringLiteral("everything"), QStringLiteral("askingCalls")), QJsonValue(Askers));
}

TEST(LearnedState, RootsAndAskersOfAServerLiveTogetherAndAreForgottenTogether)
{
    QTemporaryDir dir;
    QString error;
    {
        LearnedState state(dir.path());
        ASSERT_TRUE(state.load(&error)) << error.toStdString();
        EXPECT_FALSE(state.value(QStringLiteral("filesystem"), QStringLiteral("usesRoots")).toBool());
        EXPECT_TRUE(state.setValue(QStringLiteral("filesystem"), QStringLiteral("usesRoots"), true));
        EXPECT_FALSE(state.setValue(QStringLiteral("filesystem"), QStringLiteral("usesRoots"), true));
        state.setValue(QStringLiteral("filesystem"), QStringLiteral("askingCalls"), Askers);
        ASSERT_TRUE(state.save(&error)) << error.toStdString();
    }
    LearnedState again(dir.path());
    ASSERT_TRUE(again.load(&error)) << error.toStdString();
    EXPECT_TRUE(again.value(QStringLiteral("filesystem"), QStringLiteral("usesRoots")).toBool());
    EXPECT_EQ(again.value(QStringLiteral("filesystem"), QStringLiteral("askingCalls")), QJsonValue(Askers));
    EXPECT_FALSE(again.value(QStringLiteral("memory"), QStringLiteral("usesRoots")).toBool());

    EXPECT_TRUE(again.forget(QStringLiteral("filesystem")));
    EXPECT_FALSE(again.forget(QStringLiteral("filesystem")));
    ASSERT_TRUE(again.save(&error)) << error.toStdString();
    LearnedState afterRemoval(dir.path());
    ASSERT_TRUE(afterRemoval.load(&error)) << error.toStdString();
    EXPECT_TRUE(afterRemoval.value(QStringLiteral("filesystem"), QStringLiteral("usesRoots")).isUndefined());
    EXPECT_TRUE(afterRemoval.value(QStringLiteral("filesystem"), QStringLiteral("askingCalls")).isUndefined());
}

} // namespace
