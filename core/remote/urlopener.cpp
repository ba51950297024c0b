#include "urlopener.h"

#include <QProcess>

#include "oauthlogging.h"

namespace manifold::remote {

bool openUrlWithOpener(const QUrl &url, const std::function<void(const QUrl &)> &fallback)
{
    const QString program = qEnvironmentVariable("MANIFOLD_URL_OPENER");
    if (program.isEmpty()) {
        if (fallback)
            fallback(url);
        return true;
    }
    if (!QProcess::startDetached(program, {url.toString(QUrl::FullyEncoded)})) {
        qCWarning(lcOAuth) << "cannot start MANIFOLD_URL_OPENER" << program;
        return false;
    }
    return true;
}

} // namespace manifold::remote
