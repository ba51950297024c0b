#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace manifold::project {

// Where a session works, for per-project sharing and roots keys. Pure: no I/O beyond looking
// for repository markers on the way up from a directory.

// The local path of a root object ({"uri":"file:///…","name":…}), cleaned, without a trailing
// slash; empty if it is not a file:// root.
QString pathOfRoot(QByteArrayView rootObject);

// The project a session's declared roots name: the first file:// root's path, else empty.
QString fromRoots(const QList<QByteArray> &roots);

// The project of a working directory: the nearest directory at or above it holding `.git`
// (a directory, or a file in worktrees and submodules), `.hg` or `.jj`; else the directory
// itself. Empty for an empty cwd.
QString fromWorkingDirectory(const QString &cwd);

// The URIs of root objects, normalized (file URIs re-encoded from their cleaned path, without
// a trailing slash), de-duplicated and sorted: two sessions with the same set get the same list.
QStringList normalizedRootUris(const QList<QByteArray> &roots);

// A root object for a directory, as a client would report it.
QByteArray rootObjectFor(const QString &directory);

} // namespace manifold::project
