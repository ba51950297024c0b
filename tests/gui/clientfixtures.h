#pragma once

#include "clients/clientcatalog.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QString>

// A temporary home with a Claude Desktop and a Cursor config in their real shapes, for the Clients
// page tests and screenshots. Every directory points inside the home.
namespace clientfixtures {

inline const QByteArray kSecret = "ghp_fixture_secret_1234567890";

inline QByteArray claudeDesktopConfig()
{
    return "{\n"
           "  \"mcpServers\": {\n"
           "    \"memory\": {\n"
           "      \"command\": \"npx\",\n"
           "      \"args\": [\"-y\", \"@modelcontextprotocol/server-memory\"]\n"
           "    },\n"
           "    \"github\": {\n"
           "      \"command\": \"npx\",\n"
           "      \"args\": [\"-y\", \"@modelcontextprotocol/server-github\"],\n"
           "      \"env\": {\n"
           "        \"GITHUB_PERSONAL_ACCESS_TOKEN\": \"" +
           kSecret +
           "\"\n"
           "      }\n"
           "    }\n"
           "  },\n"
           "  \"globalShortcut\": \"Ctrl+Space\"\n"
           "}\n";
}

inline QByteArray cursorConfig()
{
    return "{\n"
           "    \"mcpServers\": {\n"
           "        \"memory\": {\"command\": \"npx\", \"args\": [\"-y\", "
           "\"@modelcontextprotocol/server-memory\"]},\n"
           "        \"docs\": {\"url\": \"https://example.com/mcp\"}\n"
           "    }\n"
           "}\n";
}

inline manifold::ClientEnvironment environment(const QString &home)
{
    manifold::ClientEnvironment env;
    env.os = manifold::ClientEnvironment::Os::Linux;
    env.home = home;
    env.configHome = home + QStringLiteral("/.config");
    env.appSupport = env.configHome;
    env.codexHome = home + QStringLiteral("/.codex");
    env.dataHome = home + QStringLiteral("/.local/share");
    return env;
}

inline QString claudeDesktopPath(const QString &home)
{
    return home + QStringLiteral("/.config/Claude/claude_desktop_config.json");
}

inline QString cursorPath(const QString &home)
{
    return home + QStringLiteral("/.cursor/mcp.json");
}

inline QString shimPath(const QString &home)
{
    return home + QStringLiteral("/.local/share/manifold/bin/manifold-shim");
}

inline bool writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
           file.write(bytes) == bytes.size();
}

inline QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

inline bool writeFixtures(const QString &home)
{
    return writeFile(claudeDesktopPath(home), claudeDesktopConfig()) &&
           writeFile(cursorPath(home), cursorConfig());
}

} // namespace clientfixtures
