#pragma once

#include <QString>

class QProcessEnvironment;

namespace manifold::platform {

// The AppImage file this program was started from, or empty when it was not. The AppImage
// runtime exports APPIMAGE (the image file) and APPDIR (where its content is mounted) to the
// program and so to every descendant: a program from elsewhere (a deb's manifold-shim started by
// an editor that is itself an AppImage) must not take them as its own, so only an executable
// inside APPDIR counts.
QString appImageFile();
QString appImageFile(const QProcessEnvironment &env, const QString &executable);

} // namespace manifold::platform
