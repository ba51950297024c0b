#pragma once

#include <QByteArray>
#include <QString>

namespace manifold {

struct LoadedClientFile;
struct ClientConfigFile;

// Reads a client config file (a missing file is not an error).
LoadedClientFile readClientFile(const ClientConfigFile &file);

// Replaces a client's file atomically: written next to it and renamed over it, with the file's
// mode kept. A symlinked file (dotfile managers) is written through to its target.
bool writeClientFile(const QString &path, const QByteArray &bytes, QString *error);

} // namespace manifold
