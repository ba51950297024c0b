// Broker: the HTTP front door (core/http) and its settings in servers.json "http".
#include "broker.h"

#include "http/frontdoor.h"
#include "http/httpsettings.h"
#include "http/tokenstore.h"

#include <QJsonArray>
#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcBroker)   // broker.cpp

namespace manifold {

void Broker::applyHttpSettings()
{
    const http::HttpSettings settings = http::HttpSettings::fromJson(m_registry.httpSettings());
    delete std::exchange(m_frontDoor, nullptr);   // its sessions stay until their streams end
    m_httpError.clear();
    if (!settings.enabled)
        return;
    if (!m_tokens) {
        m_tokens = std::make_unique<http::TokenStore>(m_configDir);
        if (QString error; !m_tokens->load(&error)) {
            m_httpError = error;
            qCWarning(lcBroker).noquote() << "HTTP front door off:" << error;
            return;
        }
    }
    http::FrontDoor::Options options;
    options.address = QHostAddress(settings.address);
    options.port = settings.port;
    options.requireToken = !settings.allowNoToken;
    options.tlsCertificate = settings.tlsCertificate;
    options.tlsKey = settings.tlsKey;
    options.behindProxy = settings.behindProxy;
    options.hosts = settings.hosts;
    auto *door = new http::FrontDoor(this, m_tokens.get(), options, this);
    if (QString error; !door->listen(&error)) {
        delete door;
        m_httpError = error;
        qCWarning(lcBroker).noquote() << "HTTP front door off:" << error;
        return;
    }
    m_frontDoor = door;
    qCInfo(lcBroker).noquote() << "HTTP front door at" << httpBaseUrl() << "NAME";
}

QString Broker::httpBaseUrl() const
{
    const http::HttpSettings settings = http::HttpSettings::fromJson(m_registry.httpSettings());
    const QString host = settings.address.contains(QLatin1Char(':')) ? QLatin1Char('[') + settings.address + QLatin1Char(']')
                                                                      : settings.address;
    return QStringLiteral("%1://%2:%3/mcp/").arg(settings.usesTls() ? QStringLiteral("https") : QStringLiteral("http"), host).arg(m_frontDoor ? m_frontDoor->port() : settings.port);
}

QJsonObject Broker::httpStatus() const
{
    const http::HttpSettings settings = http::HttpSettings::fromJson(m_registry.httpSettings());
    QJsonObject status = settings.toJson();
    status.insert(QStringLiteral("listening"), m_frontDoor != nullptr);
    status.insert(QStringLiteral("url"), httpBaseUrl() + QStringLiteral("NAME"));
    if (!m_httpError.isEmpty())
        status.insert(QStringLiteral("error"), m_httpError);
    QJsonArray tokens;
    if (m_tokens) {
        for (const http::TokenStore::Token &token : m_tokens->tokens()) {
            QJsonObject entry{{QStringLiteral("name"), token.name},
                              {QStringLiteral("created"), token.created.toString(Qt::ISODate)}};
            if (token.lastUsed.isValid())
                entry.insert(QStringLiteral("lastUsed"), token.lastUsed.toString(Qt::ISODate));
            tokens.append(entry);
        }
    }
    status.insert(QStringLiteral("tokens"), tokens);
    return status;
}

bool Broker::setHttpEnabled(bool enabled, const QJsonObject &changes, QString *error)
{
    QJsonObject settings = m_registry.httpSettings();
    const QJsonObject previous = settings;
    for (auto it = changes.begin(); it != changes.end(); ++it)
        settings.insert(it.key(), it.value());
    settings.insert(QStringLiteral("enabled"), enabled);
    m_registry.setHttpSettings(http::HttpSettings::fromJson(settings).toJson());
    if (!m_registry.save(error)) {
        m_registry.setHttpSettings(previous);
        return false;
    }
    applyHttpSettings();
    if (enabled && !m_frontDoor) {
        *error = m_httpError;
        return false;
    }
    return true;
}

http::TokenStore *Broker::httpTokens()
{
    if (!m_tokens) {
        m_tokens = std::make_unique<http::TokenStore>(m_configDir);
        QString ignored;
        m_tokens->load(&ignored);
    }
    return m_tokens.get();
}

} // namespace manifold
