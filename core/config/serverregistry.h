#pragma once

#include "serverconfig.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace manifold {

// The servers.json registry in the per-user config dir: load, edit, save atomically (owner-only).
// A file that does not parse is reported and never overwritten.
class ServerRegistry final
{
public:
    explicit ServerRegistry(QString configDir);

    // Per-user config dir: $MANIFOLD_CONFIG_DIR, else QStandardPaths' GenericConfigLocation + "/manifold".
    static QString defaultConfigDir();

    QString filePath() const;   // <configDir>/servers.json

    // Missing file -> empty registry, true. Broken file -> false, *error says why, and the
    // registry refuses to save until a later load succeeds.
    bool load(QString *error);
    bool save(QString *error) const;   // QSaveFile, mode 0600, dir created 0700

    const QList<ServerConfig> &servers() const { return m_servers; }
    const ServerConfig *find(const QString &name) const;
    QStringList names() const;

    bool add(const ServerConfig &config, QString *error);   // refuses invalid or duplicate names
    bool update(const ServerConfig &config, QString *error);
    bool remove(const QString &name, QString *error);

    // servers.json's "defaults": what applies to every server that does not set its own. Only
    // maxQueuedBytes for now (0 = not set); other keys found there are kept as they are.
    qint64 defaultMaxQueuedBytes() const;
    void setDefaultMaxQueuedBytes(qint64 bytes);
    // The traffic view's memory per server (0 = not set: the built-in default).
    qint64 defaultTrafficMemoryBytes() const;
    void setDefaultTrafficMemoryBytes(qint64 bytes);
    // servers.json's "http": the HTTP front door's settings (see http::HttpSettings), kept whole.
    QJsonObject httpSettings() const { return m_http; }
    void setHttpSettings(const QJsonObject &settings) { m_http = settings; }

    // Exactly one of a command and a valid URL; headers the user may set.
    static bool hasValidTarget(const ServerConfig &config, QString *error);

private:
    QString m_configDir;
    QList<ServerConfig> m_servers;
    QJsonObject m_defaults;
    QJsonObject m_http;
    bool m_loadFailed = false;
};

} // namespace manifold
