#pragma once

#include <QString>
#include <QStringList>

namespace manifold {

struct ClientEntry;

// Whether setup imports an entry as a per-project server, why (shown in every plan), and the
// working directory the Manifold server gets.
//
// An entry is per-project when the client runs it where the project is: it comes from a
// project file (.mcp.json, .cursor/mcp.json, .vscode/mcp.json, .gemini/settings.json, ...) or
// from a project's local scope in ~/.claude.json; or it is a user-scope entry whose command,
// cwd or an argument is a relative path (isRelativePath), which the client resolves against
// the directory it runs in. A per-project server has no cwd: the broker starts each instance
// in its project, so the same definition in two projects is one server.
//
// A cwd of the entry's own (absolute, or a project entry's relative cwd that is not the project
// directory itself) anchors the entry: it runs there whichever project uses it, so it stays
// shared with that cwd (a per-project instance would run in the project instead).
struct SharingChoice
{
    bool perProject = false;
    QString reason; // "from project file /home/u/app/.mcp.json", "argument \"./data\" is a relative
                    // path"
    QString cwd;    // for the Manifold server: empty when per-project
};

// filePath: the client file the entry was read from.
SharingChoice chooseSharing(const ClientEntry &entry, const QString &filePath);

// An argument that names a path relative to the working directory. Never: an empty string, a
// flag (but the value of --flag=VALUE is checked), an absolute path (/x, ~/x, C:\x, \\host),
// a URL or scheme (anything with ':'), a package spec (@scope/pkg, pkg@1.2), an assignment
// (KEY=VALUE, pkg==1.0). Always: ".", "..", "./x", "../x". Otherwise a relative path is a word
// with a path separator whose first component is not a host name (src/index.js, data/db, but
// not ghcr.io/github/github-mcp-server), or a bare file name with a script or data extension
// (server.py, index.js, app.db).
bool isRelativePath(const QString &argument);

// The command when it is a relative path (./bin/server, bin/server: exec resolves those against
// the working directory, a bare name through PATH).
bool isRelativeCommand(const QString &command);

} // namespace manifold
