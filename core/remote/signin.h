#pragma once

#include <QJsonObject>
#include <QPointer>
#include <QSet>
#include <QString>
#include <QUrl>

#include <functional>
#include <memory>
#include <optional>

#include "authgate.h"
#include "config/serverconfig.h"
#include "oauthclient.h"
#include "oauthpkce.h"
#include "signinrecord.h"

class QTimer;

namespace manifold {
class SecretStore;
}

namespace manifold::remote {

class LoopbackReceiver;

// The OAuth sign-in of one remote server (by name), shared by every upstream of that server: a
// refresh or an interactive sign-in happens once however many instances are challenged. Tokens
// live only in the SecretStore (SignInRecord). The owner decides how a URL is opened (opener).
class SignIn final : public AuthGate
{
    Q_OBJECT

public:
    using Opener = std::function<void(const QUrl &)>;
    struct Options
    {
        // A Client ID Metadata Document URL (https) Manifold may use as its client_id where the
        // AS supports CIMD. Empty: not used (Manifold hosts no document yet; the broker takes
        // one from $MANIFOLD_OAUTH_CLIENT_METADATA_URL, see RemoteAccess).
        QUrl clientMetadataDocumentUrl;
        int callbackTimeoutMs = 10 * 60 * 1000; // how long the browser may take
    };

    SignIn(const QString &serverName, const QUrl &serverUrl, const ServerConfig::OAuth &settings,
           SecretStore *store, Opener opener, QObject *parent = nullptr);
    SignIn(const QString &serverName, const QUrl &serverUrl, const ServerConfig::OAuth &settings,
           SecretStore *store, Opener opener, const Options &options, QObject *parent = nullptr);
    ~SignIn() override;

    // AuthGate
    State state() const override { return m_state; }
    QByteArray authorizationHeader() const override;
    void challenged(const QByteArray &usedHeader, int status,
                    const QByteArray &wwwAuthenticate) override;
    QString waitingMessage() const override;

    // Reads the stored sign-in (startup). Emits changed() and loaded() when done. A challenge
    // before that waits for it.
    void load();
    // An explicit sign-in (manifoldctl login, the tray): starts one even when tokens exist, or
    // joins the one under way. clientId, if given, is used instead of the configured one.
    void login(const QString &clientId = QString());
    // Revokes the tokens (if the AS can), deletes them from the SecretStore, SignInRequired.
    void logout(std::function<void(bool ok, const QString &message)> done);

    // {"state","issuer","expiresAt","scope","signInUrl","message"}; never a token.
    QJsonObject statusJson() const;
    static QString
    stateName(State state); // none, signed-in, refreshing, signing-in, sign-in-required

    QString serverName() const { return m_name; }
    QUrl currentSignInUrl() const { return m_signInUrl; }

signals:
    void loaded();
    void signInUrl(const QUrl &url);                     // an interactive sign-in waits at url
    void loginFinished(bool ok, const QString &message); // an interactive sign-in ended

private:
    struct Flow;
    struct Challenge
    {
        QByteArray usedHeader;
        int status = 0;
        QByteArray wwwAuthenticate;
    };
    enum class LoadState { NotLoaded, Loading, Loaded };

    void onLoaded(const QHash<QString, QString> &values);
    void startInteractive(const QUrl &resourceMetadataUrl, const QString &challengedScope);
    void onDiscovered(const OAuthClient::Discovery &discovery, const QString &challengedScope);
    void withClient(std::function<void(const ClientIdentity &client, const QString &error)> done);
    void openAuthorization(const ClientIdentity &client);
    void onCode(const QString &code);
    void failInteractive(const QString &message);
    void endFlow();
    bool isCurrent(quint64 flowId) const;

    void startRefresh(bool fromChallenge);
    void onRefreshed(const TokenResult &result, bool fromChallenge);
    void scheduleRefresh();
    void dropTokens(bool keepRegistration);

    // Writes the record (refresh token first), then adopts it.
    void storeAndAdopt(SignInRecord record, const TokenResult &tokens,
                       std::function<void()> adopted);
    ClientIdentity identityOf(const SignInRecord &record) const;
    void setState(State state, const QString &message);
    QString againMessage() const;

    QString m_name;
    QUrl m_serverUrl;
    ServerConfig::OAuth m_settings;
    QPointer<SecretStore> m_store;
    Opener m_opener;
    Options m_options;
    OAuthClient *m_client;
    QTimer *m_refreshTimer;
    QTimer *m_retryTimer;

    State m_state = State::Unknown;
    QString m_message;
    QUrl m_signInUrl;
    SignInRecord m_record;
    quint64 m_epoch = 0; // bumped whenever m_record is replaced or dropped
    LoadState m_loadState = LoadState::NotLoaded;
    std::optional<Challenge> m_pendingChallenge;
    bool m_pendingLogin = false;
    std::unique_ptr<Flow> m_flow;
    quint64 m_nextFlowId = 1;
    bool m_refreshing = false;
    int m_backoffMs = 1000;
    QString m_challengeRefreshedToken; // the token a 401-triggered refresh produced
    QSet<QString> m_stepUpScopes;      // scopes a 403 insufficient_scope already asked for
    QString m_clientIdOverride;
    QString m_userClientSecret;
};

} // namespace manifold::remote
