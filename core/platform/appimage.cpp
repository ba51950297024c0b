#include "appimage.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QProcessEnvironment>

namespace manifold::platform {

QString appImageFile()
{
    return appImageFile(QProcessEnvironment::systemEnvironment(),
                        QCoreApplication::applicationFilePath());
}

QString appImageFile(const QProcessEnvironment &env, const QString &executable)
{
    const QString image = env.value(QStringLiteral("APPIMAGE"));
    const QString appDir = env.value(QStringLiteral("APPDIR"));
    if (image.isEmpty() || appDir.isEmpty() || !QDir::isAbsolutePath(image) ||
        !QFileInfo(image).isFile())
        return QString();
    const QString root = QFileInfo(appDir).canonicalFilePath();
    const QString program = QFileInfo(executable).canonicalFilePath();
    if (root.isEmpty() || !program.startsWith(root + QLatin1Char('/')))
        return QString();
    return QDir::cleanPath(image);
}

} // namespace manifold::platform
