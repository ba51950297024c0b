#pragma once

#include <QString>

namespace manifold::platform {

// Directory for the broker socket and lock: $XDG_RUNTIME_DIR/manifold, else
// <tmp>/manifold-<uid>. Not created here.
QString runtimeDir();

// <runtimeDir>/broker.sock
QString defaultSocketPath();

// Creates dir (and parents) if needed, forces mode 0700 on the leaf, and checks that it is
// owned by the current user and not a symlink. False with *error on any failure.
bool ensurePrivateDirectory(const QString &dir, QString *error);

} // namespace manifold::platform
