// SignIn's token life: storing, refreshing ahead of expiry, dropping, logging out.
#include "signin.h"

#include <QDateTime>
#include <QTimer>

#include <algorithm>
#include <limits>
#include <memory>

#include "oauthlogging.h"
#include "secrets/secretstore.h"

namespace manifold::remote {

namespace {

constexpr int MaxBackoffMs = 60000;

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace

ClientIdentity SignIn::identityOf(const SignInRecord &record) const
{
    ClientIdentity client;
    client.clientId = record.clientId;
    client.clientSecret = record.clientSecret;
    if (client.clientSecret.isEmpty() && record.clientId == m_settings.clientId &&
        m_settings.clientSecret)
        client.clientSecret = m_userClientSecret;
    client.authMethod = record.authMethod.isEmpty() ? QStringLiteral("none") : record.authMethod;
    return client;
}

void SignIn::storeAndAdopt(SignInRecord record, const TokenResult &tokens,
                           std::function<void()> adopted)
{
    const qint64 now = nowMs();
    record.accessToken = tokens.accessToken;
    if (!tokens.refreshToken.isEmpty())
        record.refreshToken = tokens.refreshToken; // rotation: the old one is dead now
    if (!tokens.scope.isEmpty())
        record.scope = tokens.scope;
    record.issuedAt = now;
    record.expiresAt = tokens.expiresIn > 0 ? now + tokens.expiresIn * 1000 : 0;
    const quint64 epoch = ++m_epoch;
    QPointer<SignIn> self(this);
    const auto adopt = [self, epoch, record, adopted](const QString &error) {
        if (!self || self->m_epoch != epoch)
            return;
        if (!error.isEmpty())
            qCWarning(lcOAuth) << "cannot store the sign-in of" << self->m_name
                               << "in the keychain:" << error;
        self->m_record = record;
        self->m_backoffMs = 1000;
        self->scheduleRefresh();
        adopted();
    };
    if (!m_store) {
        adopt(QStringLiteral("no secret store"));
        return;
    }
    // The refresh token first: after a rotation the old one no longer works.
    const auto writeBlob = [self, record, adopt](const SecretStore::Result &refreshResult) {
        if (!self || !self->m_store)
            return;
        const QString refreshError =
            refreshResult.status == SecretStore::Status::Failed ? refreshResult.error : QString();
        self->m_store->write(SignInRecord::blobKey(self->m_name), record.toBlob(),
                             [adopt, refreshError](const SecretStore::Result &result) {
                                 adopt(result.status == SecretStore::Status::Ok ? refreshError
                                                                                : result.error);
                             });
    };
    if (record.refreshToken.isEmpty())
        m_store->remove(SignInRecord::refreshKey(m_name), writeBlob);
    else
        m_store->write(SignInRecord::refreshKey(m_name), record.refreshToken, writeBlob);
}

void SignIn::scheduleRefresh()
{
    m_refreshTimer->stop();
    if (m_record.refreshToken.isEmpty() || m_record.refreshAt() <= 0)
        return;
    const qint64 delay = std::max<qint64>(0, m_record.refreshAt() - nowMs());
    m_refreshTimer->start(
        static_cast<int>(std::min<qint64>(delay, std::numeric_limits<int>::max())));
}

void SignIn::startRefresh(bool fromChallenge)
{
    if (m_refreshing || m_flow || m_record.refreshToken.isEmpty())
        return;
    m_refreshing = true;
    m_refreshTimer->stop();
    m_retryTimer->stop();
    if (m_state == State::SignedIn)
        m_state = State::Refreshing; // not announced: the token in use does not change yet
    const quint64 epoch = m_epoch;
    qCDebug(lcOAuth) << "refreshing the token of" << m_name;
    m_client->refresh(QUrl(m_record.tokenEndpoint), identityOf(m_record), m_record.refreshToken,
                      m_record.resource, [this, epoch, fromChallenge](const TokenResult &result) {
                          if (epoch != m_epoch) {
                              m_refreshing = false; // logged out or signed in anew meanwhile
                              return;
                          }
                          onRefreshed(result, fromChallenge);
                      });
}

void SignIn::onRefreshed(const TokenResult &result, bool fromChallenge)
{
    switch (result.outcome) {
    case TokenResult::Outcome::Ok:
        storeAndAdopt(m_record, result, [this, fromChallenge]() {
            m_refreshing = false;
            m_challengeRefreshedToken = fromChallenge ? m_record.accessToken : QString();
            qCInfo(lcOAuth) << "refreshed the token of" << m_name;
            setState(State::SignedIn, QString());
        });
        return;
    case TokenResult::Outcome::Transient: {
        m_refreshing = false;
        qCWarning(lcOAuth).noquote() << "cannot refresh the token of" << m_name << "-"
                                     << result.message << "- retrying in" << m_backoffMs << "ms";
        m_retryTimer->start(m_backoffMs);
        m_backoffMs = std::min(m_backoffMs * 2, MaxBackoffMs);
        if (m_state == State::Refreshing && !m_record.isExpired(nowMs()))
            m_state = State::SignedIn; // the old token still works until it expires
        return;
    }
    case TokenResult::Outcome::InvalidGrant:
    case TokenResult::Outcome::InvalidClient:
    case TokenResult::Outcome::Refused:
        m_refreshing = false;
        qCWarning(lcOAuth).noquote()
            << "the refresh of" << m_name << "was refused:" << result.message;
        dropTokens(result.outcome != TokenResult::Outcome::InvalidClient);
        if (m_flow)
            m_state = State::SigningIn; // a sign-in under way ends this either way
        else
            setState(State::SignInRequired, againMessage());
        return;
    }
}

void SignIn::dropTokens(bool keepRegistration)
{
    ++m_epoch;
    m_refreshTimer->stop();
    m_retryTimer->stop();
    m_challengeRefreshedToken.clear();
    if (keepRegistration) {
        m_record.accessToken.clear();
        m_record.refreshToken.clear();
        m_record.expiresAt = 0;
        m_record.issuedAt = 0;
    } else {
        m_record = SignInRecord();
    }
    if (!m_store)
        return;
    m_store->remove(SignInRecord::refreshKey(m_name), [](const SecretStore::Result &) {});
    if (keepRegistration)
        m_store->write(SignInRecord::blobKey(m_name), m_record.toBlob(),
                       [](const SecretStore::Result &) {});
    else
        m_store->remove(SignInRecord::blobKey(m_name), [](const SecretStore::Result &) {});
}

void SignIn::logout(std::function<void(bool ok, const QString &message)> done)
{
    if (m_flow) {
        endFlow();
        emit loginFinished(false, QStringLiteral("signed out of %1").arg(m_name));
    }
    const SignInRecord record = m_record;
    ++m_epoch;
    m_refreshing = false;
    m_refreshTimer->stop();
    m_retryTimer->stop();
    m_record = SignInRecord();
    m_challengeRefreshedToken.clear();
    m_stepUpScopes.clear();
    setState(State::SignInRequired, QStringLiteral("signed out of %1").arg(m_name));

    // RFC 7009: the refresh token first (it kills the grant), then the access token.
    QList<QPair<QString, QString>> revocations;
    if (!record.revocationEndpoint.isEmpty()) {
        if (!record.refreshToken.isEmpty())
            revocations.append({record.refreshToken, QStringLiteral("refresh_token")});
        if (!record.accessToken.isEmpty())
            revocations.append({record.accessToken, QStringLiteral("access_token")});
    }
    QPointer<SignIn> self(this);
    const QString name = m_name;
    auto errors = std::make_shared<QStringList>();
    auto removeKeys = [self, name, errors, done]() {
        if (!self || !self->m_store) {
            if (done)
                done(errors->isEmpty(), QStringLiteral("signed out of %1").arg(name));
            return;
        }
        self->m_store->removeAll({SignInRecord::blobKey(name), SignInRecord::refreshKey(name)},
                                 [name, errors, done](const QStringList &storeErrors) {
                                     *errors += storeErrors;
                                     const QString message =
                                         errors->isEmpty()
                                             ? QStringLiteral("signed out of %1").arg(name)
                                             : QStringLiteral("signed out of %1, but: %2")
                                                   .arg(name, errors->join(QStringLiteral("; ")));
                                     if (done)
                                         done(errors->isEmpty(), message);
                                 });
    };
    auto next = std::make_shared<std::function<void(int)>>();
    const ClientIdentity client = identityOf(record);
    const QUrl endpoint(record.revocationEndpoint);
    *next = [self, next, revocations, client, endpoint, errors, removeKeys](int index) {
        if (!self || index >= revocations.size()) {
            removeKeys();
            *next = nullptr; // break the cycle
            return;
        }
        self->m_client->revoke(endpoint, client, revocations.at(index).first,
                               revocations.at(index).second,
                               [next, index, errors](bool ok, const QString &error) {
                                   if (!ok)
                                       errors->append(error);
                                   if (*next)
                                       (*next)(index + 1);
                               });
    };
    (*next)(0);
}

} // namespace manifold::remote
