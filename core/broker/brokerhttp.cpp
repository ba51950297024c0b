// Broker: the HTTP front door (core/http) and its settings in servers.json "http".
#include "broker.h"

#include "broker/clientsession.h"

#include "http/frontdoor.h"
#include "http/httpsettings.h"
#include "http/tokenstore.h"

#include <QHostAddress>
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
    http::TokenStore *tokens = httpTokens(&m_httpError);
    if (!tokens) {
        qCWarning(lcBroker).noquote() << "HTTP front door off:" << m_httpError;
        return;
    }
    http::FrontDoor::Options options;
    options.address = QHostAddress(settings.address);
    options.port = settings.port;
    options.requireToken = !settings.allowNoToken;
    options.tlsCertificate = settings.tlsCertificate;
    options.tlsKey = settings.tlsKey;
    options.behindProxy = settings.behindProxy;
    options.hosts = settings.hosts;
    auto *door = new http::FrontDoor(this, tokens, options, this);
    if (QString error; !door->listen(&error)) {
        delete door;
        m_httpError = error;
        qCWarning(lcBroker).noquote() << "HTTP front door off:" << error;
        return;
    }
    m_frontDoor = door;
    qCInfo(lcBroker).noquote() << "HTTP front door at" << httpBaseUrl() << "NAME";
}

// The URL a client on this machine uses: a wildcard listener is reached on loopback (or, with
// TLS, by the first configured name, the one its certificate is most likely for).
QString Broker::httpBaseUrl() const
{
    const http::HttpSettings settings = http::HttpSettings::fromJson(m_registry.httpSettings());
    const QHostAddress address(settings.address);
    QString host = settings.address;
    if (address == QHostAddress::AnyIPv4 || address == QHostAddress::AnyIPv6 || address == QHostAddress::Any) {
        host = settings.usesTls() && !settings.hosts.isEmpty()     ? settings.hosts.constFirst()
               : address.protocol() == QAbstractSocket::IPv6Protocol ? QStringLiteral("::1")
                                                                     : QStringLiteral("127.0.0.1");
    }
    if (host.contains(QLatin1Char(':')))
        host = QLatin1Char('[') + host + QLatin1Char(']');
    return QStringLiteral("%1://%2:%3/mcp/")
        .arg(settings.usesTls() ? QStringLiteral("https") : QStringLiteral("http"), host)
        .arg(m_frontDoor ? m_frontDoor->port() : settings.port);
}

QJsonObject Broker::httpStatus()
{
    const http::HttpSettings settings = http::HttpSettings::fromJson(m_registry.httpSettings());
    QJsonObject status = settings.toJson();
    status.insert(QStringLiteral("listening"), m_frontDoor != nullptr);
    status.insert(QStringLiteral("url"), httpBaseUrl() + QStringLiteral("NAME"));
    if (!m_httpError.isEmpty())
        status.insert(QStringLiteral("error"), m_httpError);
    QJsonArray tokens;
    QString tokensError;
    if (const http::TokenStore *store = httpTokens(&tokensError)) {
        for (const http::TokenStore::Token &token : store->tokens()) {
            QJsonObject entry{{QStringLiteral("name"), token.name},
                              {QStringLiteral("created"), token.created.toString(Qt::ISODate)}};
            if (token.lastUsed.isValid())
                entry.insert(QStringLiteral("lastUsed"), token.lastUsed.toString(Qt::ISODate));
            tokens.append(entry);
        }
    } else {
        status.insert(QStringLiteral("tokensError"), tokensError);
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
    applyHttpSettings();
    if (enabled && !m_frontDoor) {
        // Nothing is saved: the front door keeps running (or not) as before.
        *error = m_httpError;
        m_registry.setHttpSettings(previous);
        applyHttpSettings();
        return false;
    }
    if (!m_registry.save(error)) {
        m_registry.setHttpSettings(previous);
        applyHttpSettings();
        return false;
    }
    return true;
}

http::TokenStore *Broker::httpTokens(QString *error)
{
    if (!m_tokens || !m_tokensError.isEmpty()) {
        // Never replaced under a front door that uses it: one exists only after a good load.
        if (!m_frontDoor) {
            m_tokens = std::make_unique<http::TokenStore>(m_configDir);
            m_tokensError.clear();
            if (QString loadError; !m_tokens->load(&loadError))
                m_tokensError = loadError;
        }
    }
    if (!m_tokensError.isEmpty()) {
        if (error)
            *error = m_tokensError;
        return nullptr;
    }
    return m_tokens.get();
}

bool Broker::revokeHttpToken(const QString &name, QString *error)
{
    http::TokenStore *tokens = httpTokens(error);
    if (!tokens || !tokens->revoke(name, error) || !tokens->save(error))
        return false;
    // Its sessions end now, not when they next go idle.
    const QList<ClientSession *> sessions = m_sessions.values();
    for (ClientSession *session : sessions) {
        if (session->transport() != QLatin1String("shim") && session->tokenName() == name)
            session->close(QStringLiteral("its token '%1' was revoked").arg(name));
    }
    return true;
}

} // namespace manifold
