#include "clients/clientcatalog.h"

#include <QDir>
#include <QProcessEnvironment>

namespace manifold {

namespace {

QString join(const QString &dir, const QString &relative)
{
    return QDir::cleanPath(dir + QLatin1Char('/') + relative);
}

ClientEnvironment::Os hostOs()
{
#if defined(Q_OS_WIN)
    return ClientEnvironment::Os::Windows;
#elif defined(Q_OS_MACOS)
    return ClientEnvironment::Os::MacOs;
#else
    return ClientEnvironment::Os::Linux;
#endif
}

} // namespace

ClientEnvironment ClientEnvironment::forHome(const QString &home)
{
    const QProcessEnvironment system = QProcessEnvironment::systemEnvironment();
    ClientEnvironment env;
    env.os = hostOs();
    env.home = QDir::cleanPath(home);
    const QString xdg = system.value(QStringLiteral("XDG_CONFIG_HOME"));
    env.configHome = QDir::isAbsolutePath(xdg) ? QDir::cleanPath(xdg)
                                               : join(env.home, QStringLiteral(".config"));
    switch (env.os) {
    case Os::MacOs:
        env.appSupport = join(env.home, QStringLiteral("Library/Application Support"));
        break;
    case Os::Windows:
        env.appSupport = QDir::fromNativeSeparators(system.value(QStringLiteral("APPDATA")));
        if (env.appSupport.isEmpty())
            env.appSupport = join(env.home, QStringLiteral("AppData/Roaming"));
        break;
    case Os::Linux:
        env.appSupport = env.configHome;
        break;
    }
    const QString data = system.value(env.os == Os::Windows ? QStringLiteral("LOCALAPPDATA")
                                                            : QStringLiteral("XDG_DATA_HOME"));
    env.dataHome = QDir::isAbsolutePath(data) ? QDir::cleanPath(QDir::fromNativeSeparators(data))
                                              : join(env.home, QStringLiteral(".local/share"));
    const QString codex = system.value(QStringLiteral("CODEX_HOME"));
    env.codexHome = QDir::isAbsolutePath(codex) ? QDir::cleanPath(codex)
                                                : join(env.home, QStringLiteral(".codex"));
    return env;
}

ClientEnvironment ClientEnvironment::current()
{
    return forHome(QDir::homePath());
}

const QList<ClientKind> &clientKinds()
{
    using F = ConfigFormat;
    using S = EntryShape;
    using U = UrlShape;
    static const QList<ClientKind> kinds = {
        {QStringLiteral("claude-desktop"), QStringLiteral("Claude Desktop"), F::Json, S::Standard,
         QStringLiteral("mcpServers"), true},
        {QStringLiteral("claude-code"), QStringLiteral("Claude Code"), F::Json, S::Standard,
         QStringLiteral("mcpServers"), false, U::TypedHttp},
        {QStringLiteral("cursor"), QStringLiteral("Cursor"), F::Json, S::Standard,
         QStringLiteral("mcpServers"), false, U::Url},
        {QStringLiteral("vscode"), QStringLiteral("VS Code"), F::Jsonc, S::Standard,
         QStringLiteral("servers"), false, U::TypedHttp},
        {QStringLiteral("windsurf"), QStringLiteral("Windsurf"), F::Json, S::Standard,
         QStringLiteral("mcpServers"), false, U::ServerUrl},
        {QStringLiteral("zed"), QStringLiteral("Zed"), F::Jsonc, S::Zed,
         QStringLiteral("context_servers")},
        {QStringLiteral("cline"), QStringLiteral("Cline"), F::Json, S::Cline,
         QStringLiteral("mcpServers")},
        {QStringLiteral("gemini"), QStringLiteral("Gemini CLI"), F::Jsonc, S::Standard,
         QStringLiteral("mcpServers"), false, U::TypedHttp},
        {QStringLiteral("codex"), QStringLiteral("Codex CLI"), F::Toml, S::Codex,
         QStringLiteral("mcp_servers"), false, U::Codex},
        {QStringLiteral("lmstudio"), QStringLiteral("LM Studio"), F::Json, S::Standard,
         QStringLiteral("mcpServers")},
        {QStringLiteral("copilot"), QStringLiteral("GitHub Copilot CLI"), F::Json, S::Standard,
         QStringLiteral("mcpServers")},
        {QStringLiteral("amazonq"), QStringLiteral("Amazon Q Developer"), F::Json, S::Standard,
         QStringLiteral("mcpServers")},
        {QStringLiteral("opencode"), QStringLiteral("opencode"), F::Jsonc, S::OpenCode,
         QStringLiteral("mcp"), false, U::OpenCode},
    };
    return kinds;
}

const ClientKind *findClientKind(const QString &id)
{
    for (const ClientKind &kind : clientKinds()) {
        if (kind.id == id)
            return &kind;
    }
    return nullptr;
}

QList<ClientConfigFile> clientConfigFiles(const ClientEnvironment &env,
                                          const QStringList &projectDirs)
{
    using Os = ClientEnvironment::Os;
    const QString &home = env.home;
    const bool windows = env.os == Os::Windows;
    const QString claudeDir = join(env.appSupport, QStringLiteral("Claude"));
    const QString codeUser = join(env.appSupport, QStringLiteral("Code/User"));
    const QString zedDir = windows ? join(env.appSupport, QStringLiteral("Zed"))
                                   : join(env.configHome, QStringLiteral("zed"));
    const QString opencodeDir = join(env.configHome, QStringLiteral("opencode"));
    const auto user = [](const QString &id, const QString &path, const QString &installDir) {
        return ClientConfigFile{id, path, QStringLiteral("user"), QString(), installDir};
    };

    QList<ClientConfigFile> files = {
        user(QStringLiteral("claude-desktop"),
             join(claudeDir, QStringLiteral("claude_desktop_config.json")), claudeDir),
        user(QStringLiteral("claude-code"), join(home, QStringLiteral(".claude.json")),
             join(home, QStringLiteral(".claude"))),
        user(QStringLiteral("cursor"), join(home, QStringLiteral(".cursor/mcp.json")),
             join(home, QStringLiteral(".cursor"))),
        user(QStringLiteral("vscode"), join(codeUser, QStringLiteral("mcp.json")), codeUser),
        user(QStringLiteral("windsurf"),
             join(home, QStringLiteral(".codeium/windsurf/mcp_config.json")),
             join(home, QStringLiteral(".codeium/windsurf"))),
        user(QStringLiteral("zed"), join(zedDir, QStringLiteral("settings.json")), zedDir),
        user(QStringLiteral("cline"),
             join(home, QStringLiteral(".cline/data/settings/cline_mcp_settings.json")),
             join(home, QStringLiteral(".cline"))),
        user(QStringLiteral("cline"),
             join(codeUser,
                  QStringLiteral(
                      "globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json")),
             join(codeUser, QStringLiteral("globalStorage/saoudrizwan.claude-dev"))),
        user(QStringLiteral("gemini"), join(home, QStringLiteral(".gemini/settings.json")),
             join(home, QStringLiteral(".gemini"))),
        user(QStringLiteral("codex"), join(env.codexHome, QStringLiteral("config.toml")),
             env.codexHome),
        user(QStringLiteral("lmstudio"), join(home, QStringLiteral(".lmstudio/mcp.json")),
             join(home, QStringLiteral(".lmstudio"))),
        user(QStringLiteral("copilot"), join(home, QStringLiteral(".copilot/mcp-config.json")),
             join(home, QStringLiteral(".copilot"))),
        user(QStringLiteral("amazonq"), join(home, QStringLiteral(".aws/amazonq/mcp.json")),
             join(home, QStringLiteral(".aws/amazonq"))),
        user(QStringLiteral("opencode"), join(opencodeDir, QStringLiteral("opencode.json")),
             opencodeDir),
        user(QStringLiteral("opencode"), join(opencodeDir, QStringLiteral("opencode.jsonc")),
             opencodeDir),
    };

    static const struct
    {
        const char *client;
        const char *relative;
    } projectFiles[] = {
        {"claude-code", ".mcp.json"},    {"cursor", ".cursor/mcp.json"},
        {"vscode", ".vscode/mcp.json"},  {"gemini", ".gemini/settings.json"},
        {"copilot", ".github/mcp.json"}, {"amazonq", ".amazonq/mcp.json"},
        {"opencode", "opencode.json"},
    };
    for (const QString &dir : projectDirs) {
        const QString project = QDir::cleanPath(QDir(dir).absolutePath());
        for (const auto &file : projectFiles) {
            files.append({QLatin1String(file.client), join(project, QLatin1String(file.relative)),
                          QStringLiteral("project"), project, QString()});
        }
    }
    return files;
}

} // namespace manifold
