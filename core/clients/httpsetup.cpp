#include "clients/httpsetup.h"

#include <QRegularExpression>
#include <QUrl>

namespace manifold::httpsetup {

namespace {

// "mfd_" and base64url: real secrets (43 characters) and placeholders alike.
const QRegularExpression &tokenPattern()
{
    static const QRegularExpression pattern(QStringLiteral("mfd_[A-Za-z0-9_-]{16,}"));
    return pattern;
}

} // namespace

QString transportName(SetupTransport transport)
{
    return transport == SetupTransport::Http ? QStringLiteral("http") : QStringLiteral("shim");
}

bool parseTransport(const QString &name, SetupTransport *transport)
{
    if (name == QLatin1String("shim"))
        *transport = SetupTransport::Shim;
    else if (name == QLatin1String("http"))
        *transport = SetupTransport::Http;
    else
        return false;
    return true;
}

QByteArray tokenPlaceholder(const QString &tokenName)
{
    return "mfd_new-token-for-" + tokenName.toUtf8();
}

QString shimOnlyReason(const ClientKind &kind)
{
    if (kind.id == QLatin1String("claude-desktop"))
        return QStringLiteral("%1 runs only stdio servers from its config file (it skips URL "
                              "entries): it keeps the shim")
            .arg(kind.displayName);
    return QStringLiteral("%1 gets no URL entries from Manifold yet: it keeps the shim")
        .arg(kind.displayName);
}

QString projectFileReason()
{
    return QStringLiteral("a project file may be committed to version control, so no token goes "
                          "into it: it keeps the shim");
}

QString serverOfUrl(const QString &url, const QString &baseUrl)
{
    if (baseUrl.isEmpty() || !url.startsWith(baseUrl))
        return QString();
    const QString name = url.mid(baseUrl.size());
    return name.isEmpty() || name.contains(QLatin1Char('/')) || name.contains(QLatin1Char('?'))
               ? QString()
               : name;
}

QString frontDoorServer(const QString &url)
{
    const QUrl parsed(url);
    const QString host = parsed.host();
    const bool loopback = host == QLatin1String("127.0.0.1") ||
                          host == QLatin1String("localhost") || host == QLatin1String("::1");
    const QString path = parsed.path();
    if (!parsed.isValid() || !loopback || !path.startsWith(QLatin1String("/mcp/")))
        return QString();
    const QString server = path.mid(5);
    return server.contains(QLatin1Char('/')) ? QString() : server;
}

bool isFrontDoorUrl(const QString &url, const QString &server)
{
    return !server.isEmpty() && frontDoorServer(url) == server;
}

QByteArray maskTokens(QByteArray text)
{
    const QString asText = QString::fromUtf8(text);
    QList<QByteArray> found;
    for (auto it = tokenPattern().globalMatch(asText); it.hasNext();) {
        const QByteArray match = it.next().captured().toUtf8();
        if (!found.contains(match))
            found.append(match);
    }
    for (const QByteArray &secret : found)
        text.replace(secret, "mfd_********");
    return text;
}

QList<QByteArray> tokenSecrets(const QByteArray &text)
{
    QList<QByteArray> secrets;
    for (auto it = tokenPattern().globalMatch(QString::fromUtf8(text)); it.hasNext();) {
        const QByteArray match = it.next().captured().toUtf8();
        if (!match.startsWith("mfd_new-token-for-") && !secrets.contains(match))
            secrets.append(match);
    }
    return secrets;
}

QString chooseTokenName(const QString &clientId, const HttpTarget &target, bool *replaces)
{
    for (int n = 1;; ++n) {
        const QString name = n == 1 ? clientId : QStringLiteral("%1-%2").arg(clientId).arg(n);
        if (!target.tokenNames.contains(name)) {
            *replaces = false;
            return name;
        }
        if (target.setupTokenNames.contains(name)) {
            *replaces = true;
            return name;
        }
    }
}

} // namespace manifold::httpsetup
