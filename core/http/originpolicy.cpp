#include "originpolicy.h"

namespace manifold::http {

QStringList OriginPolicy::loopbackNames()
{
    return {QStringLiteral("127.0.0.1"), QStringLiteral("localhost"), QStringLiteral("[::1]")};
}

OriginPolicy OriginPolicy::loopback(quint16 port)
{
    return OriginPolicy(loopbackNames(), port);
}

bool OriginPolicy::splitAuthority(QByteArrayView authority, quint16 defaultPort, QByteArray *host, quint16 *port)
{
    if (authority.isEmpty())
        return false;
    qsizetype hostEnd = 0;
    if (authority.front() == '[') {
        hostEnd = authority.indexOf(']');
        if (hostEnd < 0)
            return false;
        ++hostEnd;
    } else {
        hostEnd = authority.indexOf(':');
        if (hostEnd < 0)
            hostEnd = authority.size();
    }
    const QByteArrayView hostPart = authority.first(hostEnd);
    const QByteArrayView rest = authority.sliced(hostEnd);
    if (hostPart.isEmpty() || hostPart.contains('@') || hostPart.contains('/'))
        return false;
    *port = defaultPort;
    if (!rest.isEmpty()) {
        if (rest.front() != ':' || rest.size() == 1)
            return false;
        bool ok = false;
        const uint parsed = rest.sliced(1).toUInt(&ok);
        if (!ok || parsed == 0 || parsed > 65535)
            return false;
        *port = quint16(parsed);
    }
    *host = hostPart.toByteArray().toLower();
    return true;
}

bool OriginPolicy::allows(QByteArrayView authority, quint16 defaultPort) const
{
    QByteArray host;
    quint16 port = 0;
    if (!splitAuthority(authority, defaultPort, &host, &port))
        return false;
    const QString name = QString::fromLatin1(host);
    return (port == m_port && m_hostNames.contains(name)) || m_anyPortNames.contains(name);
}

OriginPolicy::Verdict OriginPolicy::check(QByteArrayView host, QByteArrayView origin) const
{
    if (!allows(host, 80))
        return Verdict::BadHost;
    if (origin.isEmpty())
        return Verdict::Allowed;   // not a browser, or a same-origin GET: nothing to check
    // "scheme://host[:port]"; "null" (sandboxed pages, file: URLs) is never one of ours.
    const qsizetype separator = origin.indexOf("://");
    if (separator < 0)
        return Verdict::BadOrigin;
    const QByteArrayView scheme = origin.first(separator);
    quint16 defaultPort = 0;
    if (scheme.compare("http", Qt::CaseInsensitive) == 0)
        defaultPort = 80;
    else if (scheme.compare("https", Qt::CaseInsensitive) == 0)
        defaultPort = 443;
    else
        return Verdict::BadOrigin;
    return allows(origin.sliced(separator + 3), defaultPort) ? Verdict::Allowed : Verdict::BadOrigin;
}

} // namespace manifold::http
