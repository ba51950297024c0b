#pragma once

#include "config/serverconfig.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace manifold {

// Which instance (child) of a server a session belongs to: the sharing mode's part (nothing,
// the project, the client or the session) plus, for a server known to ask for roots, the
// session's set of roots. Sessions with equal keys share an instance; no others do.
struct InstanceKey
{
    QString project;        // per-project: the project directory
    QString client;         // per-client: "client:NAME" or "exe:NAME"
    QString session;        // isolated: "session:ID"
    bool byRoots = false;   // the server asks for roots: `roots` is part of the key
    QStringList roots;      // byRoots: normalized, sorted root URIs; empty means "no roots"

    // The instance's child is initialized with the roots capability unless its key says it
    // has no roots (an unlearned server keeps it, so that asking for roots can be noticed).
    bool declaresRoots() const { return !byRoots || !roots.isEmpty(); }

    // Human-readable and unique: "shared", "project:/home/u/app", "client:cursor",
    // "session:4", "roots:file:///a,file:///b", "no roots", or parts joined by spaces.
    QString text() const;
    // {project, roots: [..] or null, client, session}: roots is null unless byRoots; empty
    // strings for the parts the mode does not use.
    QJsonObject partsJson() const;

    friend bool operator==(const InstanceKey &a, const InstanceKey &b)
    {
        return a.project == b.project && a.client == b.client && a.session == b.session && a.byRoots == b.byRoots &&
               a.roots == b.roots;
    }
};

// What the broker knows about a session when it picks its instance.
struct SessionFacts
{
    quint64 session = 0;
    QString client;                           // ServerGroup::clientKey
    QString cwd;                              // the shim's working directory (hello)
    bool rootsCapable = false;                // its initialize declared the roots capability
    std::optional<QList<QByteArray>> roots;   // raw root objects it reported; nullopt: not yet known
};

// The key for a session. Roots not known yet are guessed from the working directory (a
// roots-capable client usually reports the directory it runs in); a session that is not
// roots-capable has no roots.
InstanceKey instanceKeyFor(ServerConfig::Sharing sharing, const SessionFacts &facts, bool usesRoots);

// The roots a session has for its key: reported, guessed from its cwd while unknown, or none.
QList<QByteArray> effectiveRoots(const SessionFacts &facts);

// True if a session must wait for its roots before its instance is certain: its key depends on
// roots it has not reported yet.
bool keyAwaitsRoots(ServerConfig::Sharing sharing, const SessionFacts &facts, bool usesRoots);

} // namespace manifold
