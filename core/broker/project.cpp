#include "project.h"

#include "jsonrpc/jsonscan.h"

#include <QDir>
#include <QFileInfo>
#include <QUrl>

#include <algorithm>

namespace manifold::project {

namespace {
QString uriOf(QByteArrayView rootObject)
{
    const auto span = json::findPath(rootObject, {"uri"});
    const auto uri = span ? json::decodeString(span->in(rootObject)) : std::nullopt;
    return uri ? QString::fromUtf8(*uri) : QString();
}

QString cleanPath(const QString &path)
{
    QString cleaned = QDir::cleanPath(path);
    while (cleaned.size() > 1 && cleaned.endsWith(QLatin1Char('/')))
        cleaned.chop(1);
    return cleaned;
}
} // namespace

QString pathOfRoot(QByteArrayView rootObject)
{
    const QUrl url(uriOf(rootObject));
    if (!url.isValid() || !url.isLocalFile())
        return {};
    const QString path = url.toLocalFile();
    return path.isEmpty() ? QString() : cleanPath(path);
}

QString fromRoots(const QList<QByteArray> &roots)
{
    for (const QByteArray &root : roots) {
        const QString path = pathOfRoot(root);
        if (!path.isEmpty())
            return path;
    }
    return {};
}

QString fromWorkingDirectory(const QString &cwd)
{
    if (cwd.isEmpty())
        return {};
    const QString start = cleanPath(QDir(cwd).absolutePath());
    for (QString dir = start;;) {
        for (const char *marker : {".git", ".hg", ".jj"}) {
            if (QFileInfo::exists(dir + QLatin1Char('/') + QLatin1String(marker)))
                return dir;
        }
        const QString parent = QFileInfo(dir).path();
        if (parent == dir || parent.isEmpty())
            return start;
        dir = parent;
    }
}

QStringList normalizedRootUris(const QList<QByteArray> &roots)
{
    QStringList uris;
    for (const QByteArray &root : roots) {
        const QString path = pathOfRoot(root);
        const QString uri = path.isEmpty() ? uriOf(root) : QUrl::fromLocalFile(path).toString(QUrl::FullyEncoded);
        if (!uri.isEmpty() && !uris.contains(uri))
            uris.append(uri);
    }
    std::sort(uris.begin(), uris.end());
    return uris;
}

QByteArray rootObjectFor(const QString &directory)
{
    const QString path = cleanPath(directory);
    return "{\"uri\":" + json::encodeString(QUrl::fromLocalFile(path).toString(QUrl::FullyEncoded).toUtf8()) +
           ",\"name\":" + json::encodeString(QFileInfo(path).fileName().toUtf8()) + '}';
}

} // namespace manifold::project
