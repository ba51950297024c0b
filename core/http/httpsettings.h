#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace manifold::http {

// The front door's settings, servers.json "http": {"enabled", "address", "port", "allowNoToken",
// "tls": {"certificate", "key"}, "behindProxy", "hosts"}. An address other than loopback needs TLS (a PEM
// certificate chain and its private key the user provides) or behindProxy: the user's own reverse
// proxy terminates TLS in front of it.
struct HttpSettings
{
    static constexpr quint16 DefaultPort = 47821;   // unassigned by IANA, unused by common desktop software

    bool enabled = false;
    QString address = QStringLiteral("127.0.0.1");
    quint16 port = DefaultPort;
    bool allowNoToken = false;   // loopback only: every local user can then reach the servers
    QString tlsCertificate;      // PEM file: the certificate, then any intermediates
    QString tlsKey;              // PEM file: its private key (unencrypted)
    bool behindProxy = false;    // plain HTTP on a non-loopback address, for a TLS reverse proxy
    // Names clients use for it besides the listen address (a reverse proxy's public name, a DNS
    // name of this machine): Host and Origin may carry them, with any port.
    QStringList hosts;

    bool usesTls() const { return !tlsCertificate.isEmpty(); }

    static HttpSettings fromJson(const QJsonObject &object)
    {
        HttpSettings settings;
        settings.enabled = object.value(QStringLiteral("enabled")).toBool(false);
        settings.address = object.value(QStringLiteral("address")).toString(settings.address);
        const int port = object.value(QStringLiteral("port")).toInt(DefaultPort);
        settings.port = port > 0 && port < 65536 ? quint16(port) : DefaultPort;
        settings.allowNoToken = object.value(QStringLiteral("allowNoToken")).toBool(false);
        const QJsonObject tls = object.value(QStringLiteral("tls")).toObject();
        settings.tlsCertificate = tls.value(QStringLiteral("certificate")).toString();
        settings.tlsKey = tls.value(QStringLiteral("key")).toString();
        settings.behindProxy = object.value(QStringLiteral("behindProxy")).toBool(false);
        for (const QJsonValue &host : object.value(QStringLiteral("hosts")).toArray()) {
            if (!host.toString().trimmed().isEmpty())
                settings.hosts.append(host.toString().trimmed().toLower());
        }
        return settings;
    }
    QJsonObject toJson() const
    {
        QJsonObject object{{QStringLiteral("enabled"), enabled},
                           {QStringLiteral("address"), address},
                           {QStringLiteral("port"), port},
                           {QStringLiteral("allowNoToken"), allowNoToken}};
        if (usesTls() || !tlsKey.isEmpty())
            object.insert(QStringLiteral("tls"), QJsonObject{{QStringLiteral("certificate"), tlsCertificate},
                                                             {QStringLiteral("key"), tlsKey}});
        if (behindProxy)
            object.insert(QStringLiteral("behindProxy"), true);
        if (!hosts.isEmpty())
            object.insert(QStringLiteral("hosts"), QJsonArray::fromStringList(hosts));
        return object;
    }
};

} // namespace manifold::http
