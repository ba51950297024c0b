#include "clients/clientwrite.h"

#include "clients/setupplanner.h"
#include "platform/atomicfile.h"

#include <QFile>
#include <QFileInfo>

namespace manifold {

LoadedClientFile readClientFile(const ClientConfigFile &file)
{
    LoadedClientFile loaded;
    loaded.file = file;
    const QFileInfo info(file.path);
    loaded.exists = info.exists();
    if (!loaded.exists)
        return loaded;
    QFile handle(file.path);
    if (!info.isFile())
        loaded.readError = QStringLiteral("is not a regular file");
    else if (!handle.open(QIODevice::ReadOnly))
        loaded.readError = QStringLiteral("cannot be read: %1").arg(handle.errorString());
    else
        loaded.text = handle.readAll();
    return loaded;
}

bool writeClientFile(const QString &path, const QByteArray &bytes, QString *error)
{
    const QFileInfo info(path);
    const QString target = info.exists() ? info.canonicalFilePath() : path;
    return platform::writeFileAtomically(target, bytes, QFile::permissions(target), error);
}

} // namespace manifold
