// `manifoldctl status` text: each server's instances under its row, with key, pid and sessions.

#include "statusprinter.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <gtest/gtest.h>

namespace {

QJsonObject parse(const char *json)
{
    return QJsonDocument::fromJson(json).object();
}

} // namespace

TEST(StatusPrinter, ListsEachInstanceUnderItsServer)
{
    const QJsonObject status = parse(R"({
      "broker": {"pid": 10, "version": "1.0", "socket": "/run/m.sock"},
      "servers": [
        {"name": "git", "state": "running", "pid": 900, "sessions": 1, "sharing": "shared",
         "instances": [{"key": "shared", "state": "running", "pid": 900, "sessions": [1]}]},
        {"name": "idle", "state": "stopped", "pid": null, "sessions": 0, "sharing": "shared",
         "instances": [{"key": "shared", "state": "stopped", "pid": null, "sessions": []}]},
        {"name": "memory", "state": "running", "pid": null, "sessions": 3, "sharing": "per-project",
         "instances": [
           {"key": "project /home/u/a", "state": "running", "pid": 1234, "sessions": [3, 5]},
           {"key": "project /home/u/b", "state": "starting", "pid": 1240, "sessions": [7]}]}
      ],
      "sessions": [
        {"id": 1, "server": "git", "instance": "shared", "clientName": "cursor"},
        {"id": 3, "server": "memory", "instance": "project /home/u/a", "clientName": "claude-code"},
        {"id": 5, "server": "memory", "instance": "project /home/u/a", "clientName": "",
         "parentExe": "/usr/bin/gemini"},
        {"id": 7, "server": "memory", "instance": "project /home/u/b", "clientName": "claude-code",
         "transport": "http", "tokenName": "claude-code", "remoteAddress": "127.0.0.1:50412"}
      ]})");
    const QString text = formatStatus(status);
    const QStringList lines = text.split(QLatin1Char('\n'));
    const auto lineOf = [&](const QString &start) {
        for (int i = 0; i < lines.size(); ++i) {
            if (lines.at(i).startsWith(start))
                return i;
        }
        return -1;
    };
    const int git = lineOf(QStringLiteral("git ")), idle = lineOf(QStringLiteral("idle ")),
              memory = lineOf(QStringLiteral("memory "));
    ASSERT_GE(git, 0) << text.toStdString();
    ASSERT_GE(memory, 0) << text.toStdString();
    EXPECT_EQ(lines.at(git + 1),
              QStringLiteral("  instance shared: running, pid 900, sessions 1 (cursor)"));
    EXPECT_EQ(idle, git + 2); // a stopped instance without sessions says nothing new
    EXPECT_EQ(lines.at(memory + 1), QStringLiteral("  instance project /home/u/a: running, pid "
                                                   "1234, sessions 3 (claude-code), 5 (gemini)"));
    EXPECT_EQ(lines.at(memory + 2),
              QStringLiteral(
                  "  instance project /home/u/b: starting, pid 1240, sessions 7 (claude-code)"));
    // The sessions table names each session's instance.
    EXPECT_TRUE(lines.at(lineOf(QStringLiteral("SESSION "))).startsWith(QStringLiteral(
        "SESSION  SERVER  INSTANCE           CLIENT       VIA  ")))
        << text.toStdString();
    // A shim's session shows its pid; an HTTP session its token and where it came from.
    EXPECT_TRUE(lines.at(lineOf(QStringLiteral("3 "))).contains(QStringLiteral(" shim - ")));
    EXPECT_TRUE(lines.at(lineOf(QStringLiteral("7 "))).contains(QStringLiteral(" http claude-code from 127.0.0.1:50412 ")))
        << text.toStdString();
}

TEST(StatusPrinter, InstanceSessionsFromABrokerThatCountsThem)
{
    // A broker whose instances count their sessions: the sessions name their instance.
    const QJsonObject status = parse(R"({
      "broker": {"pid": 10, "version": "1.0", "socket": "/run/m.sock"},
      "servers": [{"name": "fake", "state": "running", "sharing": "per-client",
        "instances": [{"key": "client alpha", "state": "running", "pid": 55, "sessions": 1}]}],
      "sessions": [{"id": 4, "server": "fake", "instance": "client alpha", "clientName": "alpha"}]})");
    EXPECT_TRUE(formatStatus(status).contains(
        QStringLiteral("  instance client alpha: running, pid 55, sessions 4 (alpha)\n")))
        << formatStatus(status).toStdString();
}

TEST(StatusPrinter, RemoteServerShowsItsUrlAndSignIn)
{
    const QJsonObject server{{QStringLiteral("name"), QStringLiteral("linear")},
                             {QStringLiteral("state"), QStringLiteral("sign-in-required")},
                             {QStringLiteral("url"), QStringLiteral("https://mcp.linear.app/mcp")},
                             {QStringLiteral("transport"), QStringLiteral("auto")},
                             {QStringLiteral("auth"), QJsonObject{{QStringLiteral("state"), QStringLiteral("sign-in-required")},
                                                                  {QStringLiteral("message"), QStringLiteral("sign in to linear again")}}}};
    const QString text = formatStatus({{QStringLiteral("servers"), QJsonArray{server}}});
    EXPECT_TRUE(text.contains(QStringLiteral("remote https://mcp.linear.app/mcp (auto), SIGN-IN REQUIRED: sign in to linear again")))
        << text.toStdString();
    QJsonObject signedIn = server;
    signedIn.insert(QStringLiteral("auth"), QJsonObject{{QStringLiteral("state"), QStringLiteral("signed-in")},
                                                        {QStringLiteral("issuer"), QStringLiteral("https://auth.example")}});
    EXPECT_TRUE(formatStatus({{QStringLiteral("servers"), QJsonArray{signedIn}}}).contains(QStringLiteral("signed in at https://auth.example")));
}
