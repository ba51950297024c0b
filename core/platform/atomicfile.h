#pragma once

#include <QByteArray>
#include <QFileDevice>
#include <QString>

namespace manifold::platform {

// Replaces path with bytes atomically: written beside it, then renamed over it, so readers see
// the old or the new file, never half of one. A non-zero permissions is set before the rename
// (the file is never visible with wider ones); zero keeps what QSaveFile gives (the existing
// file's mode). The directory must exist. On failure *error says "<path>: <what>".
bool writeFileAtomically(const QString &path, const QByteArray &bytes,
                         QFileDevice::Permissions permissions, QString *error);

inline constexpr QFileDevice::Permissions ownerOnly =
    QFileDevice::ReadOwner | QFileDevice::WriteOwner;

} // namespace manifold::platform
