#pragma once

#include "clients/clientcatalog.h"
#include "clients/clientfile.h"
#include "clients/httpsetup.h"
#include "config/serverconfig.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace manifold {

// A client config file as read from disk, before anything is decided about it.
struct LoadedClientFile
{
    ClientConfigFile file;
    bool exists = false;
    QByteArray text;
    QString readError; // could not be read (permissions...)
};

// What setup does with one entry.
struct EntryPlan
{
    enum class Action {
        Import,          // becomes a new Manifold server (possibly under another name)
        Reuse,           // an identical definition already is (or becomes) a Manifold server
        ImportRemote,    // a URL entry or mcp-remote command: becomes a new remote server
        ReuseRemote,     // the same remote server (URL, headers) already is (or becomes) one
        AlreadyManaged,  // runs manifold-shim already, or reaches the front door (viaHttp)
        LeaveRemote,     // URL server or mcp-remote command that cannot be imported: note says why
        LeaveUnsupported // left alone, note says why
    };

    Action action = Action::LeaveUnsupported;
    ClientEntry entry;
    QString server;           // the Manifold server it runs after setup
    QString note;             // renamed / reused / why it is left alone
    QStringList secrets;      // env variables whose values go to the keychain
    QList<Span> secretSpans;  // more literals in the file holding moved secrets (headers, args)
    QStringList movedSecrets; // the values of every secret it moves (kept out of backups)
    QString perProjectReason; // Import/Reuse: why its definition is per-project (sharingchoice.h)
    bool viaHttp = false;     // after setup the entry is a URL entry of the front door
    bool rewritten = false;
};

struct FilePlan
{
    LoadedClientFile loaded;
    const ClientKind *kind = nullptr;
    QString error;    // does not parse or cannot be edited: the file is not touched
    QByteArray after; // the file after setup (== loaded.text when nothing changes)
    QList<EntryPlan> entries;
    QString transportNote; // --transport http on a client that keeps the shim: why

    bool changes() const { return error.isEmpty() && loaded.exists && after != loaded.text; }
    // Before/after with the literals of moved secrets shown as "********", for diffs on screen.
    // Front door secrets and token placeholders show as "mfd_********" in both.
    QByteArray maskedBefore() const;
    QByteArray maskedAfter() const;
};

struct SetupPlan
{
    QList<FilePlan> files;
    QList<ServerConfig> newServers;
    QHash<QString, QString> secretValues;      // serverSecretKey(server, variable) -> value
    QHash<QString, QString> perProjectReasons; // new per-project server -> why (its first entry)
    QString shimPath;
    SetupTransport transport = SetupTransport::Shim;
    QString httpBaseUrl;          // Http: where the URL entries point
    QList<PlannedToken> tokens;   // Http: one per client whose files change
    bool enableFrontDoor = false; // Http: the front door is off; applying turns it on

    bool changes() const;
    // New remote servers without a static Authorization header: the user signs in once.
    QStringList signInNotes() const;
};

struct PlanInput
{
    QList<ServerConfig> registry;
    QHash<QString, QString> registrySecrets; // serverSecretKey -> value, of registry servers
    QStringList extraSecretNames;            // variables the user marked as secret
    QString shimPath;                        // absolute, stable path written into configs
    ServerConfig defaults;                   // sharing, linger, heartbeat... of new servers
    SetupTransport transport = SetupTransport::Shim;
    HttpTarget http; // Http: the front door's URL and tokens
};

// Decides everything setup does, without touching anything: picks each server's sharing mode
// (per-project for project entries and relative paths, see chooseSharing), dedupes identical
// definitions (same sharing, command, args, env and cwd) across clients, projects and the
// registry, gives clashing names a distinct one, picks the secrets, and computes every file's
// new text. With SetupTransport::Http, clients that take URL servers get URL entries of the front
// door (with one new token per client whose files change: its placeholder until applied) and the
// others the shim. URL entries and mcp-remote commands become remote servers (remoteimport.h),
// deduped by normalised URL, header names and plain header values; those that cannot be imported stay as they are.
SetupPlan planSetup(const PlanInput &input, const QList<LoadedClientFile> &files);

bool isSecretVariable(const QString &variable, const QStringList &extraSecretNames);

// A name ServerConfig accepts, derived from a client's entry name.
QString sanitizedServerName(const QString &entryName);

} // namespace manifold
