#pragma once

// Sessions for the clients map tests: who uses what, as the broker's status() reports it.
#include "fakebrokerview.h"

#include <QJsonObject>

namespace clientmapfixtures {

inline QJsonObject sessionJson(qint64 id, const QString &server, const QString &client,
                               const QString &exe, const QString &cwd,
                               const QString &instance = QStringLiteral("shared"),
                               qint64 requests = 0)
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("server"), server},
            {QStringLiteral("instance"), instance},
            {QStringLiteral("clientName"), client},
            {QStringLiteral("clientVersion"), QStringLiteral("1.0")},
            {QStringLiteral("parentExe"), exe},
            {QStringLiteral("cwd"), cwd},
            {QStringLiteral("transport"), QStringLiteral("shim")},
            {QStringLiteral("connectedSince"), QStringLiteral("2026-12-07T05:00:00.000+00:00")},
            {QStringLiteral("requestsServed"), requests}};
}

// Claude Desktop, Cursor and two Claude Code sessions share one `memory` instance; one of the
// Claude Code sessions also uses a per-project `git`.
inline void openFourClients(FakeBrokerView &view)
{
    const QString memory = QStringLiteral("memory");
    view.openSession(sessionJson(1, memory, QStringLiteral("Claude Desktop"),
                                 QStringLiteral("/opt/Claude/claude-desktop"), QString(),
                                 QStringLiteral("shared"), 4));
    view.openSession(sessionJson(2, memory, QStringLiteral("Cursor"),
                                 QStringLiteral("/opt/cursor/cursor"),
                                 QStringLiteral("/home/u/web"), QStringLiteral("shared"), 10));
    view.openSession(sessionJson(3, memory, QStringLiteral("claude-code"),
                                 QStringLiteral("/usr/bin/node"), QStringLiteral("/home/u/a"),
                                 QStringLiteral("shared"), 1));
    view.openSession(sessionJson(4, memory, QStringLiteral("claude-code"),
                                 QStringLiteral("/usr/bin/node"), QStringLiteral("/home/u/b"),
                                 QStringLiteral("shared"), 2));
    view.openSession(sessionJson(5, QStringLiteral("git"), QStringLiteral("claude-code"),
                                 QStringLiteral("/usr/bin/node"), QStringLiteral("/home/u/a"),
                                 QStringLiteral("project:/home/u/a"), 7));
}

} // namespace clientmapfixtures
