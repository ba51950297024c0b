#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace manifold {

// The per-user directories client config paths are built from. current() reads the process
// environment; tests point every field at a temporary home.
struct ClientEnvironment
{
    enum class Os { Linux, MacOs, Windows };

    Os os = Os::Linux;
    QString home;
    QString configHome; // Linux: $XDG_CONFIG_HOME or ~/.config
    QString
        appSupport; // macOS: ~/Library/Application Support; Windows: %APPDATA%; Linux: configHome
    QString codexHome; // $CODEX_HOME or ~/.codex
    QString dataHome;  // $XDG_DATA_HOME or ~/.local/share; Windows: %LOCALAPPDATA%

    static ClientEnvironment current();
    // For a given home on this OS, with XDG_CONFIG_HOME/CODEX_HOME taken from env only if set.
    static ClientEnvironment forHome(const QString &home);
};

enum class ConfigFormat { Json, Jsonc, Toml };

// How a client writes one stdio server entry.
enum class EntryShape {
    Standard, // {command, args, env, cwd, type?}
    Zed,      // Standard, or the older {source: "custom", command: {path, args, env}}
    Cline,    // {transport: {type: "stdio", command, args, cwd, env}}, or the old flat Standard
    OpenCode, // {type: "local", command: [program, args...], environment}
    Codex,    // [mcp_servers.<name>] tables in TOML
};

// How a client writes a URL (Streamable HTTP) server entry, for `setup --transport http`; the
// shapes are in docs/research/http-front-door.md §5.
enum class UrlShape {
    None,      // Manifold only gives it the shim (Claude Desktop skips URL entries in its file)
    TypedHttp, // {"type": "http", "url", "headers"} (Claude Code, VS Code, Gemini CLI)
    Url,       // {"url", "headers"}, no type (Cursor)
    ServerUrl, // {"serverUrl", "headers"} (Windsurf)
    OpenCode,  // {"type": "remote", "url", "headers", "oauth": false}
    Codex,     // url = "...", http_headers = { Authorization = "..." }
};

struct ClientKind
{
    QString id;          // "claude-desktop", used on the command line
    QString displayName; // "Claude Desktop"
    ConfigFormat format;
    EntryShape shape;
    QString serversKey;           // "mcpServers", "servers", "context_servers", "mcp"
    bool restartRequired = false; // picks up config changes only after a full restart
    UrlShape urlShape = UrlShape::None;
};

// One config file a client reads (it may not exist).
struct ClientConfigFile
{
    QString clientId;
    QString path;
    QString scope;      // "user" or "project"
    QString projectDir; // project files: the directory their servers run in
    QString installDir; // exists when the client is installed (user files only)
};

const QList<ClientKind> &clientKinds();
const ClientKind *findClientKind(const QString &id);

// Every user file of every client, then the project files of each directory in projectDirs, in
// catalog order. Callers check which exist.
QList<ClientConfigFile> clientConfigFiles(const ClientEnvironment &env,
                                          const QStringList &projectDirs);

} // namespace manifold
