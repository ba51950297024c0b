#include "remoteaccess.h"

#include "broker/upstream.h"
#include "remote/remoteendpoint.h"
#include "remote/signin.h"
#include "remote/urlopener.h"

#include <QLoggingCategory>

#include <cstdio>

Q_LOGGING_CATEGORY(lcRemoteAccess, "manifold.broker.remote")

namespace manifold {

namespace {

// $MANIFOLD_OAUTH_CLIENT_METADATA_URL: the https URL of a Client ID Metadata Document the user
// or their organisation hosts for Manifold. Used as the client_id where the AS supports CIMD.
remote::SignIn::Options signInOptions()
{
    remote::SignIn::Options options;
    const QString documentUrl = qEnvironmentVariable("MANIFOLD_OAUTH_CLIENT_METADATA_URL").trimmed();
    if (documentUrl.isEmpty())
        return options;
    const QUrl url(documentUrl, QUrl::StrictMode);
    if (url.isValid() && url.scheme() == QLatin1String("https") && !url.host().isEmpty() && url.path().size() > 1)
        options.clientMetadataDocumentUrl = url;
    else
        qCWarning(lcRemoteAccess).noquote()
            << "$MANIFOLD_OAUTH_CLIENT_METADATA_URL is not an https URL with a path; not used:" << documentUrl;
    return options;
}

} // namespace

RemoteAccess::RemoteAccess(SecretStore *secrets, QObject *parent) : QObject(parent), m_secrets(secrets) {}

RemoteAccess::~RemoteAccess() = default;

ServerHost::RemoteFactory RemoteAccess::factory()
{
    return [this](const ServerConfig &config, const QMap<QString, QString> &secretHeaders, QObject *parent) -> Upstream * {
        remote::RemoteEndpoint endpoint;
        endpoint.serverName = config.name;
        endpoint.url = QUrl(config.url);
        endpoint.transport = int(config.transport);
        for (auto it = config.headers.cbegin(); it != config.headers.cend(); ++it)
            endpoint.headers.insert(it.key().toUtf8(), it.value().toUtf8());
        for (auto it = secretHeaders.cbegin(); it != secretHeaders.cend(); ++it)
            endpoint.headers.insert(it.key().toUtf8(), it.value().toUtf8());
        return remote::makeRemoteUpstream(endpoint, signIn(config), parent).release();
    };
}

remote::SignIn *RemoteAccess::existingSignIn(const QString &server) const
{
    return m_signIns.value(server).signIn;
}

remote::SignIn *RemoteAccess::signIn(const ServerConfig &config)
{
    if (!config.isRemote())
        return nullptr;
    Entry &entry = m_signIns[config.name];
    if (entry.signIn && entry.url == config.url && entry.oauth == config.oauth)
        return entry.signIn;
    if (entry.signIn) {
        // Another URL or client: the old sign-in does not apply (its tokens are for another
        // resource); the new one reads the keychain and discards what does not match.
        entry.signIn->deleteLater();
    }
    const QString name = config.name;
    auto *signIn = new remote::SignIn(name, QUrl(config.url), config.oauth, m_secrets,
                                      [this, name](const QUrl &url) { open(name, url); },
                                      signInOptions(), this);
    entry = {signIn, config.url, config.oauth};
    connect(signIn, &AuthGate::changed, this, [this, name] { emit authChanged(name); });
    signIn->load();
    return signIn;
}

void RemoteAccess::forget(const QString &server)
{
    const Entry entry = m_signIns.take(server);
    if (entry.signIn)
        entry.signIn->deleteLater();
    m_openElsewhere.remove(server);
}

QJsonObject RemoteAccess::authStatus(const QString &server) const
{
    const remote::SignIn *signIn = m_signIns.value(server).signIn;
    return signIn ? signIn->statusJson() : QJsonObject{{QStringLiteral("state"), QStringLiteral("none")}};
}

void RemoteAccess::open(const QString &server, const QUrl &url)
{
    emit signInNeeded(server, url);
    if (m_openElsewhere.remove(server)) {
        qCInfo(lcRemoteAccess).noquote() << "sign-in to" << server << "is opened by manifoldctl login";
        return;
    }
    const bool started = remote::openUrlWithOpener(url, [this, server](const QUrl &target) {
        if (m_opener) {
            m_opener(server, target);
            return;
        }
        // Headless: whoever reads the broker's output (or `manifoldctl status`) opens it.
        std::fprintf(stderr, "manifold: sign in to %s: open %s (or run: manifoldctl login %s)\n", qPrintable(server),
                     target.toEncoded().constData(), qPrintable(server));
    });
    if (!started)
        qCWarning(lcRemoteAccess).noquote() << "$MANIFOLD_URL_OPENER could not be started for the sign-in to" << server;
}

} // namespace manifold
