#pragma once

#include <QJsonObject>
#include <QString>

namespace manifold::http {

// The front door's settings, servers.json "http": {"enabled", "address", "port", "allowNoToken"}.
struct HttpSettings
{
    static constexpr quint16 DefaultPort = 47821;   // unassigned by IANA, unused by common desktop software

    bool enabled = false;
    QString address = QStringLiteral("127.0.0.1");
    quint16 port = DefaultPort;
    bool allowNoToken = false;   // loopback only: every local user can then reach the servers

    static HttpSettings fromJson(const QJsonObject &object)
    {
        HttpSettings settings;
        settings.enabled = object.value(QStringLiteral("enabled")).toBool(false);
        settings.address = object.value(QStringLiteral("address")).toString(settings.address);
        const int port = object.value(QStringLiteral("port")).toInt(DefaultPort);
        settings.port = port > 0 && port < 65536 ? quint16(port) : DefaultPort;
        settings.allowNoToken = object.value(QStringLiteral("allowNoToken")).toBool(false);
        return settings;
    }
    QJsonObject toJson() const
    {
        return {{QStringLiteral("enabled"), enabled},
                {QStringLiteral("address"), address},
                {QStringLiteral("port"), port},
                {QStringLiteral("allowNoToken"), allowNoToken}};
    }
};

} // namespace manifold::http
