#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QStringList>

namespace manifold::http {

// Which Host and Origin headers the front door accepts, against DNS rebinding: a web page whose
// name was pointed at 127.0.0.1 sends its own name as Host, and a page of any other site sends
// its Origin. Loopback listening accepts the loopback names with the exact port listened on;
// another listen address accepts the names the user configured (and that address).
class OriginPolicy final
{
public:
    // hostNames: lower-case host names or IP literals ("127.0.0.1", "localhost", "[::1]"), with
    // exactly the port listened on; anyPortNames: names with any port (a reverse proxy's public
    // name: the port is the proxy's).
    OriginPolicy(QStringList hostNames, quint16 port, QStringList anyPortNames = {})
        : m_hostNames(std::move(hostNames)), m_anyPortNames(std::move(anyPortNames)), m_port(port)
    {
    }
    static OriginPolicy loopback(quint16 port);
    static QStringList loopbackNames();   // "127.0.0.1", "localhost", "[::1]"

    enum class Verdict { Allowed, BadHost, BadOrigin };
    // host: the Host header (required); origin: the Origin header, empty when absent.
    Verdict check(QByteArrayView host, QByteArrayView origin) const;

    // "host[:port]" -> host (lower case, IPv6 in brackets) and port (defaultPort without one);
    // false if it is not that shape.
    static bool splitAuthority(QByteArrayView authority, quint16 defaultPort, QByteArray *host, quint16 *port);

private:
    bool allows(QByteArrayView authority, quint16 defaultPort) const;

    QStringList m_hostNames;
    QStringList m_anyPortNames;
    quint16 m_port;
};

} // namespace manifold::http
