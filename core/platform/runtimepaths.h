#pragma once

#include <QString>

namespace manifold::platform {

// Directory for the broker socket and lock: $XDG_RUNTIME_DIR/manifold, else
// <tmp>/manifold-<uid> (Windows: <tmp>/manifold). Not created here.
QString runtimeDir();

// <runtimeDir>/broker.sock; on Windows the named pipe \\.\pipe\manifold-<user>, which
// QLocalServer's UserAccessOption restricts to this user.
QString defaultSocketPath();

// A file that belongs with the broker at socketPath (suffix ".lock", ".launch.lock", ".log"):
// socketPath + suffix where the socket is a file; for a Windows pipe name, a file of the same
// name in runtimeDir().
QString sidecarPath(const QString &socketPath, const QString &suffix);

// The directory sidecar files and (on Unix) the socket live in.
QString socketDirectory(const QString &socketPath);

// Creates dir (and parents) if needed, forces mode 0700 on the leaf, and checks that it is
// owned by the current user and not a symlink. False with *error on any failure.
bool ensurePrivateDirectory(const QString &dir, QString *error);

} // namespace manifold::platform
