#include "signin.h"

#include <QDateTime>
#include <QTimer>

#include "loopbackreceiver.h"
#include "oauthlogging.h"
#include "secrets/secretstore.h"
#include "wwwauthenticate.h"

namespace manifold::remote {

namespace {

// Step-ups (403 insufficient_scope) with the browser between two explicit sign-ins: a server
// that keeps asking for new scopes cannot open the browser again and again.
constexpr int MaxStepUps = 3;

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace

// One interactive sign-in: discovery, the client, the browser, the code exchange.
struct SignIn::Flow
{
    quint64 id = 0;
    OAuthPkce pkce;
    QByteArray state;
    OAuthClient::Discovery discovery;
    ClientIdentity client;
    QString scope;
    QString resource;
    QString redirectUri; // kept: a closed receiver no longer knows its port
    QPointer<LoopbackReceiver> receiver;
};

SignIn::SignIn(const QString &serverName, const QUrl &serverUrl,
               const ServerConfig::OAuth &settings, SecretStore *store, Opener opener,
               QObject *parent)
    : SignIn(serverName, serverUrl, settings, store, std::move(opener), Options(), parent)
{
}

SignIn::SignIn(const QString &serverName, const QUrl &serverUrl,
               const ServerConfig::OAuth &settings, SecretStore *store, Opener opener,
               const Options &options, QObject *parent)
    : AuthGate(parent), m_name(serverName), m_serverUrl(serverUrl), m_settings(settings),
      m_store(store), m_opener(std::move(opener)), m_options(options),
      m_client(new OAuthClient(this)), m_refreshTimer(new QTimer(this)),
      m_retryTimer(new QTimer(this))
{
    m_refreshTimer->setSingleShot(true);
    m_retryTimer->setSingleShot(true);
    connect(m_refreshTimer, &QTimer::timeout, this, [this]() { startRefresh(false); });
    connect(m_retryTimer, &QTimer::timeout, this, [this]() { startRefresh(false); });
}

SignIn::~SignIn()
{
    endFlow();
}

QByteArray SignIn::authorizationHeader() const
{
    if (m_record.accessToken.isEmpty())
        return {};
    return "Bearer " + m_record.accessToken.toLatin1();
}

QString SignIn::waitingMessage() const
{
    if (m_state == State::SigningIn || m_state == State::SignInRequired)
        return m_message;
    return {};
}

QString SignIn::stateName(State state)
{
    switch (state) {
    case State::Unknown:
        return QStringLiteral("none");
    case State::SignedIn:
        return QStringLiteral("signed-in");
    case State::Refreshing:
        return QStringLiteral("refreshing");
    case State::SigningIn:
        return QStringLiteral("signing-in");
    case State::SignInRequired:
        return QStringLiteral("sign-in-required");
    }
    return QStringLiteral("none");
}

QJsonObject SignIn::statusJson() const
{
    QJsonObject status{{QStringLiteral("state"), stateName(m_state)}};
    const QString issuer =
        m_record.issuer.isEmpty() && m_flow ? m_flow->discovery.server.issuer : m_record.issuer;
    if (!issuer.isEmpty())
        status.insert(QStringLiteral("issuer"), issuer);
    if (m_record.hasAccessToken() && m_record.expiresAt > 0)
        status.insert(
            QStringLiteral("expiresAt"),
            QDateTime::fromMSecsSinceEpoch(m_record.expiresAt, Qt::UTC).toString(Qt::ISODate));
    if (m_record.hasAccessToken() && !m_record.scope.isEmpty())
        status.insert(QStringLiteral("scope"), m_record.scope);
    if (m_state == State::SigningIn && m_signInUrl.isValid())
        status.insert(QStringLiteral("signInUrl"), m_signInUrl.toString(QUrl::FullyEncoded));
    if (!m_message.isEmpty() && (m_state == State::SigningIn || m_state == State::SignInRequired))
        status.insert(QStringLiteral("message"), m_message);
    return status;
}

void SignIn::setState(State state, const QString &message)
{
    m_state = state;
    m_message = message;
    emit changed();
}

QString SignIn::againMessage() const
{
    return QStringLiteral("sign in to %1 again: manifoldctl login %1 (or the tray menu)")
        .arg(m_name);
}

// --- loading -----------------------------------------------------------------------------------

void SignIn::load()
{
    if (m_loadState != LoadState::NotLoaded)
        return;
    m_loadState = LoadState::Loading;
    if (!m_store) {
        QTimer::singleShot(0, this, [this]() { onLoaded({}); });
        return;
    }
    QStringList keys = {SignInRecord::blobKey(m_name), SignInRecord::refreshKey(m_name)};
    if (m_settings.clientSecret)
        keys.append(SignInRecord::clientSecretKey(m_name));
    QPointer<SignIn> self(this);
    m_store->readAll(keys, [self](const QHash<QString, QString> &values, const QStringList &,
                                  const QStringList &errors) {
        if (!self)
            return;
        if (!errors.isEmpty())
            qCWarning(lcOAuth) << "cannot read the stored sign-in of" << self->m_name << errors;
        self->onLoaded(values);
    });
}

void SignIn::onLoaded(const QHash<QString, QString> &values)
{
    m_loadState = LoadState::Loaded;
    m_userClientSecret = values.value(SignInRecord::clientSecretKey(m_name));
    const QString blob = values.value(SignInRecord::blobKey(m_name));
    if (!blob.isEmpty()) {
        bool ok = false;
        SignInRecord record = SignInRecord::fromBlob(blob, &ok);
        const bool sameServer = record.serverUrl == m_serverUrl.toString();
        const bool resourceFits =
            record.resource.isEmpty() ||
            ProtectedResourceMetadata::resourceCovers(QUrl(record.resource), m_serverUrl);
        if (ok && sameServer && resourceFits) {
            record.refreshToken = values.value(SignInRecord::refreshKey(m_name));
            m_record = record;
        } else {
            qCInfo(lcOAuth) << "discarding the stored sign-in of" << m_name
                            << "(it was for another URL or resource)";
            if (m_store)
                m_store->removeAll(
                    {SignInRecord::blobKey(m_name), SignInRecord::refreshKey(m_name)},
                    [](const QStringList &) {});
        }
    }
    ++m_epoch;
    if (m_record.hasAccessToken() || !m_record.refreshToken.isEmpty()) {
        m_state = State::SignedIn;
        if (!m_record.refreshToken.isEmpty() &&
            (m_record.isExpired(nowMs()) || !m_record.hasAccessToken()))
            startRefresh(false);
        else
            scheduleRefresh();
    }
    emit changed();
    emit loaded();
    if (m_pendingLogin) {
        m_pendingLogin = false;
        login();
    } else if (m_pendingChallenge) {
        const Challenge challenge = *std::exchange(m_pendingChallenge, std::nullopt);
        challenged(challenge.usedHeader, challenge.status, challenge.wwwAuthenticate);
    }
}

// --- challenges and explicit sign-ins ----------------------------------------------------------

void SignIn::challenged(const QByteArray &usedHeader, int status, const QByteArray &wwwAuthenticate)
{
    if (m_loadState != LoadState::Loaded) {
        m_pendingChallenge = Challenge{usedHeader, status, wwwAuthenticate};
        load();
        return;
    }
    if (m_flow || m_refreshing)
        return; // joined: the sign-in or refresh under way ends with changed()
    const std::optional<WwwAuthenticate::Bearer> bearer = WwwAuthenticate::bearer(wwwAuthenticate);
    const QUrl metadataUrl = bearer ? QUrl(QString::fromUtf8(bearer->resourceMetadata)) : QUrl();
    const QString scope = bearer ? QString::fromUtf8(bearer->scope) : QString();
    const bool insufficientScope = status == 403 && bearer && bearer->error == "insufficient_scope";

    if (m_record.hasAccessToken() && usedHeader != authorizationHeader()) {
        emit changed(); // a newer token exists: try again with it
        return;
    }
    if (m_state == State::SignInRequired)
        return; // the user must act (login); no browser opens by itself again
    if (insufficientScope) {
        if (m_stepUpScopes.contains(scope) || m_stepUpScopes.size() >= MaxStepUps) {
            const QString message =
                m_stepUpScopes.contains(scope)
                    ? QStringLiteral("%1 still refuses (403 insufficient_scope, scope \"%2\") after "
                                     "a sign-in that asked for that scope; the account may lack "
                                     "the permission (manifoldctl login %1 signs in again)")
                          .arg(m_name, scope)
                    : QStringLiteral("%1 asks for yet another scope (\"%2\") after %3 step-up "
                                     "sign-ins; not opening the browser again (manifoldctl login "
                                     "%1 signs in again)")
                          .arg(m_name, scope)
                          .arg(MaxStepUps);
            qCWarning(lcOAuth).noquote() << message;
            emit declined(usedHeader, message);
            return;
        }
        m_stepUpScopes.insert(scope);
        startInteractive(metadataUrl, scope);
        return;
    }
    if (!m_record.refreshToken.isEmpty() && m_record.accessToken != m_challengeRefreshedToken) {
        startRefresh(true);
        return;
    }
    startInteractive(metadataUrl, scope);
}

void SignIn::login(const QString &clientId)
{
    if (!clientId.isEmpty())
        m_clientIdOverride = clientId;
    m_stepUpScopes.clear(); // the user acts: step-ups may open the browser again
    if (m_loadState != LoadState::Loaded) {
        m_pendingLogin = true;
        load();
        return;
    }
    if (m_flow) {
        if (m_signInUrl.isValid())
            emit signInUrl(m_signInUrl);
        return;
    }
    startInteractive(QUrl(), QString());
}

bool SignIn::isCurrent(quint64 flowId) const
{
    return m_flow && m_flow->id == flowId;
}

void SignIn::startInteractive(const QUrl &resourceMetadataUrl, const QString &challengedScope)
{
    m_flow = std::make_unique<Flow>();
    m_flow->id = m_nextFlowId++;
    m_flow->pkce = OAuthPkce::generate();
    m_flow->state = OAuthPkce::newState();
    m_signInUrl.clear();
    qCInfo(lcOAuth) << "signing in to" << m_name;
    setState(State::SigningIn,
             QStringLiteral("sign in to %1: manifoldctl login %1 (the sign-in is starting)")
                 .arg(m_name));
    const quint64 flowId = m_flow->id;
    m_client->discover(m_serverUrl, resourceMetadataUrl,
                       [this, flowId, challengedScope](const OAuthClient::Discovery &discovery,
                                                       const QString &error) {
                           if (!isCurrent(flowId))
                               return;
                           if (!error.isEmpty())
                               failInteractive(
                                   QStringLiteral("cannot sign in to %1: %2").arg(m_name, error));
                           else
                               onDiscovered(discovery, challengedScope);
                       });
}

void SignIn::onDiscovered(const OAuthClient::Discovery &discovery, const QString &challengedScope)
{
    m_flow->discovery = discovery;
    m_flow->resource = m_settings.sendResource ? discovery.resource.resource : QString();
    m_flow->scope =
        selectScope(m_settings.scope, challengedScope, discovery.resource.scopesSupported);

    auto *receiver = new LoopbackReceiver(m_name, m_flow->state, discovery.server.issuer,
                                          discovery.server.issParameterSupported, this);
    m_flow->receiver = receiver;
    QString error;
    if (!receiver->listen(&error, m_options.callbackTimeoutMs)) {
        failInteractive(error);
        return;
    }
    m_flow->redirectUri = receiver->redirectUri();
    const quint64 flowId = m_flow->id;
    connect(receiver, &LoopbackReceiver::codeReceived, this, [this, flowId](const QString &code) {
        if (isCurrent(flowId))
            onCode(code);
    });
    connect(receiver, &LoopbackReceiver::failed, this, [this, flowId](const QString &message) {
        if (isCurrent(flowId))
            failInteractive(message);
    });
    withClient([this, flowId](const ClientIdentity &client, const QString &clientError) {
        if (!isCurrent(flowId))
            return;
        if (!clientError.isEmpty())
            failInteractive(clientError);
        else
            openAuthorization(client);
    });
}

// Client identity, in the spec's order: the user's client id, CIMD, dynamic registration.
void SignIn::withClient(std::function<void(const ClientIdentity &, const QString &)> done)
{
    const AuthServerMetadata &server = m_flow->discovery.server;
    const QString userClientId =
        m_clientIdOverride.isEmpty() ? m_settings.clientId : m_clientIdOverride;
    if (!userClientId.isEmpty()) {
        ClientIdentity client;
        client.clientId = userClientId;
        if (userClientId == m_settings.clientId && m_settings.clientSecret &&
            !m_userClientSecret.isEmpty()) {
            client.clientSecret = m_userClientSecret;
            client.authMethod =
                server.tokenEndpointAuthMethods.contains(QLatin1String("client_secret_post"))
                    ? QStringLiteral("client_secret_post")
                    : QStringLiteral("client_secret_basic");
        }
        done(client, QString());
        return;
    }
    if (m_options.clientMetadataDocumentUrl.isValid() && server.clientIdMetadataDocumentSupported) {
        ClientIdentity client;
        client.clientId = m_options.clientMetadataDocumentUrl.toString();
        done(client, QString());
        return;
    }
    if (server.registrationEndpoint.isValid()) {
        m_client->registerClient(server, m_flow->redirectUri, m_flow->scope, std::move(done));
        return;
    }
    done({},
         QStringLiteral(
             "the sign-in server of %1 (%2) does not register clients by itself; register Manifold "
             "there and give its client id: manifoldctl login %1 --client-id ID")
             .arg(m_name, server.issuer));
}

void SignIn::openAuthorization(const ClientIdentity &client)
{
    m_flow->client = client;
    AuthorizationRequest request;
    request.endpoint = m_flow->discovery.server.authorizationEndpoint;
    request.clientId = client.clientId;
    request.redirectUri = m_flow->redirectUri;
    request.scope = m_flow->scope;
    request.state = m_flow->state;
    request.codeChallenge = m_flow->pkce.challenge;
    request.resource = m_flow->resource;
    request.extraParams = m_settings.authorizeParams;
    m_signInUrl = request.url();
    qCInfo(lcOAuth) << "sign-in to" << m_name << "waits for the browser at" << m_flow->redirectUri;
    setState(State::SigningIn, QStringLiteral("sign in to %1: manifoldctl login %1 (or open %2)")
                                   .arg(m_name, m_signInUrl.toString(QUrl::FullyEncoded)));
    emit signInUrl(m_signInUrl);
    if (m_opener)
        m_opener(m_signInUrl); // once per sign-in, however many challenges joined it
}

void SignIn::onCode(const QString &code)
{
    const quint64 flowId = m_flow->id;
    const QString redirectUri = m_flow->redirectUri;
    m_client->exchangeCode(
        m_flow->discovery.server.tokenEndpoint, m_flow->client, code, redirectUri,
        m_flow->pkce.verifier, m_flow->resource,
        [this, flowId, redirectUri](const TokenResult &result) {
            if (!isCurrent(flowId))
                return;
            if (result.outcome != TokenResult::Outcome::Ok) {
                failInteractive(QStringLiteral("the sign-in to %1 failed at the token endpoint: %2")
                                    .arg(m_name, result.message));
                return;
            }
            SignInRecord record;
            const Flow &flow = *m_flow;
            record.issuer = flow.discovery.server.issuer;
            record.resource = flow.resource;
            record.serverUrl = m_serverUrl.toString();
            record.clientId = flow.client.clientId;
            if (flow.client.clientSecret != m_userClientSecret)
                record.clientSecret = flow.client.clientSecret;
            record.authMethod = flow.client.authMethod;
            record.redirectUri = redirectUri;
            record.scope = flow.scope;
            record.tokenEndpoint = flow.discovery.server.tokenEndpoint.toString();
            record.revocationEndpoint = flow.discovery.server.revocationEndpoint.toString();
            storeAndAdopt(record, result, [this, flowId]() {
                if (!isCurrent(flowId))
                    return;
                endFlow();
                m_challengeRefreshedToken.clear();
                qCInfo(lcOAuth) << "signed in to" << m_name;
                setState(State::SignedIn, QString());
                emit loginFinished(true, QStringLiteral("signed in to %1").arg(m_name));
            });
        });
}

void SignIn::failInteractive(const QString &message)
{
    qCWarning(lcOAuth).noquote() << message;
    endFlow();
    const bool oldTokenWorks = m_record.hasAccessToken() && !m_record.isExpired(nowMs());
    if (oldTokenWorks)
        setState(State::SignedIn,
                 QString()); // a re-authorization failed; the old token still works
    else
        setState(State::SignInRequired, message);
    emit loginFinished(false, message);
    if (oldTokenWorks)
        emit declined(authorizationHeader(), message); // what waited for a step-up fails now
}

void SignIn::endFlow()
{
    if (m_flow && m_flow->receiver) {
        m_flow->receiver->close();
        m_flow->receiver->deleteLater();
    }
    m_flow.reset();
    m_signInUrl.clear();
}

} // namespace manifold::remote
