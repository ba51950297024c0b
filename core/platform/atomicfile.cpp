#include "platform/atomicfile.h"

#include <QSaveFile>

namespace manifold::platform {

bool writeFileAtomically(const QString &path, const QByteArray &bytes,
                         QFileDevice::Permissions permissions, QString *error)
{
    const auto fail = [&](const QString &what, const QString &why) {
        if (error)
            *error = QStringLiteral("%1: %2: %3").arg(path, what, why);
        return false;
    };
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(QStringLiteral("cannot write"), file.errorString());
    if (permissions && !file.setPermissions(permissions)) {
        file.cancelWriting();
        return fail(QStringLiteral("cannot restrict permissions"), file.errorString());
    }
    file.write(bytes);
    if (!file.commit())
        return fail(QStringLiteral("cannot write"), file.errorString());
    return true;
}

} // namespace manifold::platform
