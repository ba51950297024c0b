// SignIn (issue 15) against a real authorization server (oidc-provider 9.13.3) and an SDK MCP
// server behind requireBearerAuth, with a scripted browser as MANIFOLD_URL_OPENER.

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QUrlQuery>

#include <gtest/gtest.h>

#include "signinfixture.h"

using manifold::AuthGate;
using manifold::ServerConfig;
using manifold::remote::SignIn;
using manifold::remote::SignInRecord;
using oauthtest::SignInTest;
using oauthtest::SignInTimeoutMs;

namespace {

TEST_F(SignInTest, FirstChallengeSignsInAndTheTokenWorks)
{
    startWorld();
    auto signIn = makeSignIn(QStringLiteral("remote"));
    signInOk(*signIn);
    EXPECT_EQ(m_openerCalls, 1);
    EXPECT_TRUE(signIn->authorizationHeader().startsWith("Bearer "));
    EXPECT_EQ(oauthtest::initialize(m_world.mcpUrl, signIn->authorizationHeader()).status, 200);

    // Kept in the store: the blob without the refresh token, the refresh token on its own.
    const QString blob = stored(SignInRecord::blobKey(QStringLiteral("remote")));
    const QString refresh = stored(SignInRecord::refreshKey(QStringLiteral("remote")));
    ASSERT_FALSE(blob.isEmpty());
    ASSERT_FALSE(refresh.isEmpty());
    EXPECT_FALSE(blob.contains(refresh));
    EXPECT_TRUE(blob.contains(m_world.issuer));
    // The PRM's resource and scope went into the authorization URL.
    const QUrlQuery query(m_openedUrls.value(0));
    EXPECT_EQ(query.queryItemValue(QStringLiteral("resource"), QUrl::FullyDecoded),
              m_world.mcpUrl.toString());
    EXPECT_EQ(query.queryItemValue(QStringLiteral("scope"), QUrl::FullyDecoded),
              QStringLiteral("mcp:tools"));
    EXPECT_EQ(query.queryItemValue(QStringLiteral("code_challenge_method")),
              QStringLiteral("S256"));

    // Status: never a token.
    const QJsonObject status = signIn->statusJson();
    EXPECT_EQ(status.value(QLatin1String("state")).toString(), QStringLiteral("signed-in"));
    EXPECT_EQ(status.value(QLatin1String("issuer")).toString(), m_world.issuer);
    const QByteArray statusText = QJsonDocument(status).toJson();
    EXPECT_FALSE(statusText.contains(signIn->authorizationHeader().mid(7)));
    EXPECT_FALSE(statusText.contains(refresh.toUtf8()));
}

TEST_F(SignInTest, ConcurrentChallengesOpenTheBrowserOnce)
{
    startWorld();
    auto signIn = makeSignIn(QStringLiteral("remote"));
    const QByteArray challenge = probeChallenge();
    QSignalSpy finished(signIn.get(), &SignIn::loginFinished);
    QSignalSpy urls(signIn.get(), &SignIn::signInUrl);
    for (int i = 0; i < 20; ++i)
        signIn->challenged({}, 401, challenge);
    QTRY_VERIFY_WITH_TIMEOUT(urls.count() >= 1, SignInTimeoutMs);
    for (int i = 0; i < 5; ++i)
        signIn->challenged({}, 401, challenge);
    signIn->login(); // joins: the URL again, no second browser
    ASSERT_TRUE(finished.count() > 0 || finished.wait(SignInTimeoutMs));
    EXPECT_TRUE(finished.at(0).at(0).toBool()) << finished.at(0).at(1).toString().toStdString();
    EXPECT_EQ(finished.count(), 1);
    EXPECT_EQ(m_openerCalls, 1);
    EXPECT_EQ(m_world.count(QStringLiteral("authorize")), 1);
    EXPECT_EQ(m_world.tokenCount(QStringLiteral("authorization_code")), 1);
    EXPECT_GE(urls.count(), 2);
    // A challenge with an older header only says "try again".
    QSignalSpy changed(signIn.get(), &AuthGate::changed);
    signIn->challenged({}, 401, challenge);
    EXPECT_EQ(changed.count(), 1);
    EXPECT_EQ(m_openerCalls, 1);
}

TEST_F(SignInTest, RefreshesAheadOfExpiryWithRotation)
{
    startWorld({QStringLiteral("--access-ttl=5")});
    auto signIn = makeSignIn(QStringLiteral("remote"));
    signInOk(*signIn);
    const int initial401 = m_world.count(QStringLiteral("mcp401"));
    QList<QByteArray> headers = {signIn->authorizationHeader()};
    QStringList refreshTokens = {stored(SignInRecord::refreshKey(QStringLiteral("remote")))};
    // Use every token as soon as it exists: none may be refused.
    QObject::connect(signIn.get(), &AuthGate::changed, signIn.get(), [&]() {
        const QByteArray header = signIn->authorizationHeader();
        if (header.isEmpty() || headers.contains(header))
            return;
        headers.append(header);
        refreshTokens.append(stored(SignInRecord::refreshKey(QStringLiteral("remote"))));
    });
    const QElapsedTimer clock = [] {
        QElapsedTimer t;
        t.start();
        return t;
    }();
    QTRY_VERIFY_WITH_TIMEOUT(headers.size() >= 3, 15000); // two refreshes
    // A 5 s token refreshes at 3 s (2 s ahead): two refreshes take about 6 s, well before 3 × 5 s.
    EXPECT_GE(clock.elapsed(), 5000);
    EXPECT_GE(m_world.tokenCount(QStringLiteral("refresh_token")), 2);
    EXPECT_EQ(oauthtest::initialize(m_world.mcpUrl, signIn->authorizationHeader()).status, 200);
    EXPECT_EQ(m_world.count(QStringLiteral("mcp401")), initial401);
    // Rotation: every refresh stored a new refresh token.
    EXPECT_NE(refreshTokens.at(0), refreshTokens.at(1));
    EXPECT_NE(refreshTokens.at(1), refreshTokens.at(2));
    EXPECT_EQ(m_world.tokenErrors(QStringLiteral("invalid_grant")), 0);
    EXPECT_EQ(m_openerCalls, 1);
}

TEST_F(SignInTest, RevokedGrantMeansSignInRequiredOnce)
{
    startWorld({QStringLiteral("--access-ttl=5")});
    auto signIn = makeSignIn(QStringLiteral("remote"));
    signInOk(*signIn);
    const QByteArray oldHeader = signIn->authorizationHeader();
    ASSERT_TRUE(m_world.revokeAll());
    EXPECT_EQ(oauthtest::initialize(m_world.mcpUrl, oldHeader).status, 401);

    QSignalSpy changed(signIn.get(), &AuthGate::changed);
    QTRY_COMPARE_WITH_TIMEOUT(signIn->state(), AuthGate::State::SignInRequired, 15000);
    EXPECT_EQ(changed.count(), 1);
    EXPECT_EQ(
        signIn->waitingMessage(),
        QStringLiteral("sign in to remote again: manifoldctl login remote (or the tray menu)"));
    EXPECT_TRUE(signIn->authorizationHeader().isEmpty());
    EXPECT_TRUE(stored(SignInRecord::refreshKey(QStringLiteral("remote"))).isEmpty());

    // Upstreams keep getting 401s: no retry loop, no browser.
    for (int i = 0; i < 5; ++i)
        signIn->challenged(oldHeader, 401, probeChallenge());
    EXPECT_FALSE(changed.wait(2000));
    EXPECT_EQ(changed.count(), 1);
    EXPECT_EQ(m_world.tokenErrors(QStringLiteral("invalid_grant")), 1);
    EXPECT_EQ(m_openerCalls, 1);

    // An explicit login signs in again.
    QSignalSpy finished(signIn.get(), &SignIn::loginFinished);
    signIn->login();
    ASSERT_TRUE(finished.wait(SignInTimeoutMs));
    EXPECT_TRUE(finished.at(0).at(0).toBool());
    EXPECT_EQ(oauthtest::initialize(m_world.mcpUrl, signIn->authorizationHeader()).status, 200);
}

TEST_F(SignInTest, ServerErrorsOnRefreshKeepTheTokenAndRetry)
{
    startWorld({QStringLiteral("--access-ttl=5")});
    auto signIn = makeSignIn(QStringLiteral("remote"));
    signInOk(*signIn);
    const QByteArray first = signIn->authorizationHeader();
    ASSERT_EQ(oauthtest::send("POST", QUrl(m_world.controlUrl + QStringLiteral("/fail-token?n=2")))
                  .status,
              200);
    QTRY_VERIFY_WITH_TIMEOUT(m_world.count(QStringLiteral("injectedFailures")) >= 1, 10000);
    EXPECT_EQ(signIn->authorizationHeader(), first); // kept until it expires
    EXPECT_NE(signIn->state(), AuthGate::State::SignInRequired);
    QTRY_VERIFY_WITH_TIMEOUT(
        !signIn->authorizationHeader().isEmpty() && signIn->authorizationHeader() != first, 15000);
    EXPECT_EQ(m_world.count(QStringLiteral("injectedFailures")), 2);
    EXPECT_EQ(signIn->state(), AuthGate::State::SignedIn);
    EXPECT_EQ(oauthtest::initialize(m_world.mcpUrl, signIn->authorizationHeader()).status, 200);
    EXPECT_EQ(m_world.tokenErrors(QStringLiteral("invalid_grant")), 0);
    EXPECT_EQ(m_openerCalls, 1);
}

TEST_F(SignInTest, ChallengeWithTheCurrentTokenRefreshesOnce)
{
    startWorld();
    auto signIn = makeSignIn(QStringLiteral("remote"));
    signInOk(*signIn);
    const QByteArray first = signIn->authorizationHeader();
    QSignalSpy changed(signIn.get(), &AuthGate::changed);
    signIn->challenged(first, 401, probeChallenge());
    QTRY_VERIFY_WITH_TIMEOUT(signIn->authorizationHeader() != first, 10000);
    EXPECT_EQ(m_world.tokenCount(QStringLiteral("refresh_token")), 1);
    EXPECT_EQ(changed.count(), 1);
    EXPECT_EQ(m_openerCalls, 1);
    // The refreshed token refused too: no second refresh, an interactive sign-in instead.
    QSignalSpy finished(signIn.get(), &SignIn::loginFinished);
    signIn->challenged(signIn->authorizationHeader(), 401, probeChallenge());
    ASSERT_TRUE(finished.wait(SignInTimeoutMs));
    EXPECT_TRUE(finished.at(0).at(0).toBool());
    EXPECT_EQ(m_world.tokenCount(QStringLiteral("refresh_token")), 1);
    EXPECT_EQ(m_openerCalls, 2);
}

TEST_F(SignInTest, InvalidClientDropsTheRegistration)
{
    startWorld();
    auto signIn = makeSignIn(QStringLiteral("remote"));
    signInOk(*signIn);
    ASSERT_EQ(oauthtest::send("POST", QUrl(m_world.controlUrl + QStringLiteral("/forget-clients")))
                  .status,
              200);
    signIn->challenged(signIn->authorizationHeader(), 401, probeChallenge());
    QTRY_COMPARE_WITH_TIMEOUT(signIn->state(), AuthGate::State::SignInRequired, 10000);
    EXPECT_EQ(m_world.tokenErrors(QStringLiteral("invalid_client")), 1);
    EXPECT_FALSE(m_store.values().contains(SignInRecord::blobKey(QStringLiteral("remote"))));
    EXPECT_FALSE(m_store.values().contains(SignInRecord::refreshKey(QStringLiteral("remote"))));
    // login registers anew.
    QSignalSpy finished(signIn.get(), &SignIn::loginFinished);
    signIn->login();
    ASSERT_TRUE(finished.wait(SignInTimeoutMs));
    EXPECT_TRUE(finished.at(0).at(0).toBool());
    EXPECT_EQ(m_world.count(QStringLiteral("registrations")), 2);
}

TEST_F(SignInTest, AWaitingSignInReportsItsUrlAndTimesOut)
{
    startWorld();
    QUrl opened;
    SignIn::Options options;
    options.callbackTimeoutMs = 1500;
    SignIn signIn(
        QStringLiteral("remote"), m_world.mcpUrl, ServerConfig::OAuth(), &m_store,
        [&opened](const QUrl &url) { opened = url; }, options);
    QSignalSpy finished(&signIn, &SignIn::loginFinished);
    signIn.challenged({}, 401, probeChallenge());
    QTRY_VERIFY_WITH_TIMEOUT(opened.isValid(), 10000);
    EXPECT_EQ(signIn.state(), AuthGate::State::SigningIn);
    EXPECT_TRUE(signIn.waitingMessage().contains(QLatin1String("manifoldctl login remote")));
    EXPECT_TRUE(signIn.waitingMessage().contains(opened.toString(QUrl::FullyEncoded)));
    const QJsonObject status = signIn.statusJson();
    EXPECT_EQ(status.value(QLatin1String("state")).toString(), QStringLiteral("signing-in"));
    EXPECT_EQ(QUrl(status.value(QLatin1String("signInUrl")).toString()), opened);
    ASSERT_TRUE(finished.wait(10000));
    EXPECT_FALSE(finished.at(0).at(0).toBool());
    EXPECT_TRUE(finished.at(0).at(1).toString().contains(QLatin1String("timed out")));
    EXPECT_EQ(signIn.state(), AuthGate::State::SignInRequired);
    EXPECT_FALSE(signIn.statusJson().contains(QLatin1String("signInUrl")));
}

TEST_F(SignInTest, LogoutRevokesAndForgets)
{
    startWorld();
    auto signIn = makeSignIn(QStringLiteral("remote"));
    signInOk(*signIn);
    const QByteArray header = signIn->authorizationHeader();
    bool done = false;
    bool ok = false;
    signIn->logout([&](bool success, const QString &) {
        done = true;
        ok = success;
    });
    QTRY_VERIFY_WITH_TIMEOUT(done, 15000);
    EXPECT_TRUE(ok);
    EXPECT_EQ(m_world.count(QStringLiteral("revocations")), 2);
    EXPECT_FALSE(m_store.values().contains(SignInRecord::blobKey(QStringLiteral("remote"))));
    EXPECT_FALSE(m_store.values().contains(SignInRecord::refreshKey(QStringLiteral("remote"))));
    EXPECT_EQ(signIn->state(), AuthGate::State::SignInRequired);
    EXPECT_EQ(signIn->waitingMessage(), QStringLiteral("signed out of remote"));
    EXPECT_TRUE(signIn->authorizationHeader().isEmpty());
    EXPECT_EQ(oauthtest::initialize(m_world.mcpUrl, header).status, 401);
}

TEST_F(SignInTest, StoredTokensLoadWithoutABrowser)
{
    startWorld();
    auto first = makeSignIn(QStringLiteral("remote"));
    signInOk(*first);

    auto second =
        std::make_unique<SignIn>(QStringLiteral("remote"), m_world.mcpUrl, ServerConfig::OAuth(),
                                 &m_store, [this](const QUrl &) { ++m_openerCalls; });
    QSignalSpy loaded(second.get(), &SignIn::loaded);
    second->load();
    ASSERT_TRUE(loaded.wait(5000));
    EXPECT_EQ(second->state(), AuthGate::State::SignedIn);
    EXPECT_EQ(second->authorizationHeader(), first->authorizationHeader());
    EXPECT_EQ(oauthtest::initialize(m_world.mcpUrl, second->authorizationHeader()).status, 200);
    EXPECT_EQ(m_openerCalls, 1);

    // Stored for another URL: discarded.
    QUrl otherUrl = m_world.mcpUrl;
    otherUrl.setPath(QStringLiteral("/other"));
    SignIn third(QStringLiteral("remote"), otherUrl, ServerConfig::OAuth(), &m_store,
                 [](const QUrl &) {});
    QSignalSpy thirdLoaded(&third, &SignIn::loaded);
    third.load();
    ASSERT_TRUE(thirdLoaded.wait(5000));
    EXPECT_EQ(third.state(), AuthGate::State::Unknown);
    EXPECT_TRUE(third.authorizationHeader().isEmpty());
}

TEST_F(SignInTest, TwoServersSignInAtTheSameTime)
{
    startWorld();
    auto alpha = makeSignIn(QStringLiteral("alpha"));
    auto beta = makeSignIn(QStringLiteral("beta"));
    QSignalSpy alphaDone(alpha.get(), &SignIn::loginFinished);
    QSignalSpy betaDone(beta.get(), &SignIn::loginFinished);
    const QByteArray challenge = probeChallenge();
    alpha->challenged({}, 401, challenge);
    beta->challenged({}, 401, challenge);
    QTRY_VERIFY_WITH_TIMEOUT(alphaDone.count() == 1 && betaDone.count() == 1, SignInTimeoutMs);
    EXPECT_TRUE(alphaDone.at(0).at(0).toBool()) << alphaDone.at(0).at(1).toString().toStdString();
    EXPECT_TRUE(betaDone.at(0).at(0).toBool()) << betaDone.at(0).at(1).toString().toStdString();
    ASSERT_EQ(m_openedUrls.size(), 2);
    const QUrl alphaRedirect(
        QUrlQuery(m_openedUrls.at(0))
            .queryItemValue(QStringLiteral("redirect_uri"), QUrl::FullyDecoded));
    const QUrl betaRedirect(
        QUrlQuery(m_openedUrls.at(1))
            .queryItemValue(QStringLiteral("redirect_uri"), QUrl::FullyDecoded));
    EXPECT_EQ(alphaRedirect.host(), QStringLiteral("127.0.0.1"));
    EXPECT_NE(alphaRedirect.port(), betaRedirect.port());
    EXPECT_NE(alpha->authorizationHeader(), beta->authorizationHeader());
    EXPECT_EQ(oauthtest::initialize(m_world.mcpUrl, alpha->authorizationHeader()).status, 200);
    EXPECT_EQ(oauthtest::initialize(m_world.mcpUrl, beta->authorizationHeader()).status, 200);
}

TEST_F(SignInTest, TamperedStateIsRefused)
{
    startWorld();
    qputenv("SCRIPTED_BROWSER_TAMPER_STATE", "1");
    auto signIn = makeSignIn(QStringLiteral("remote"));
    const auto [ok, message] = challengeAndWait(*signIn);
    EXPECT_FALSE(ok);
    EXPECT_TRUE(message.contains(QLatin1String("state"))) << message.toStdString();
    EXPECT_EQ(signIn->state(), AuthGate::State::SignInRequired);
    EXPECT_TRUE(signIn->authorizationHeader().isEmpty());
    EXPECT_EQ(m_world.tokenCount(QStringLiteral("authorization_code")), 0);
}

TEST_F(SignInTest, AccessDeniedIsAnError)
{
    startWorld();
    qputenv("SCRIPTED_BROWSER_DENY", "1");
    auto signIn = makeSignIn(QStringLiteral("remote"));
    const auto [ok, message] = challengeAndWait(*signIn);
    EXPECT_FALSE(ok);
    EXPECT_TRUE(message.contains(QLatin1String("access_denied"))) << message.toStdString();
    EXPECT_EQ(signIn->state(), AuthGate::State::SignInRequired);
    EXPECT_EQ(signIn->waitingMessage(), message);
}

TEST_F(SignInTest, NoS256IsRefused)
{
    startWorld({QStringLiteral("--no-s256")});
    auto signIn = makeSignIn(QStringLiteral("remote"));
    const auto [ok, message] = challengeAndWait(*signIn);
    EXPECT_FALSE(ok);
    EXPECT_TRUE(message.contains(QLatin1String("PKCE"))) << message.toStdString();
    EXPECT_EQ(m_openerCalls, 0);
    EXPECT_EQ(m_world.count(QStringLiteral("registrations")), 0);
}

TEST_F(SignInTest, ResourceOfAnotherOriginIsRefused)
{
    startWorld({QStringLiteral("--foreign-resource")});
    auto signIn = makeSignIn(QStringLiteral("remote"));
    const auto [ok, message] = challengeAndWait(*signIn);
    EXPECT_FALSE(ok);
    EXPECT_TRUE(message.contains(QLatin1String("resource"))) << message.toStdString();
    EXPECT_EQ(m_openerCalls, 0);
}

TEST_F(SignInTest, UserClientIdWithoutRegistration)
{
    startWorld({QStringLiteral("--no-registration")});
    ServerConfig::OAuth settings;
    settings.clientId = QStringLiteral("manifold-static");
    auto signIn = makeSignIn(QStringLiteral("remote"), settings);
    signInOk(*signIn);
    EXPECT_EQ(QUrlQuery(m_openedUrls.value(0)).queryItemValue(QStringLiteral("client_id")),
              QStringLiteral("manifold-static"));
    EXPECT_EQ(oauthtest::initialize(m_world.mcpUrl, signIn->authorizationHeader()).status, 200);
}

TEST_F(SignInTest, NoRegistrationAndNoClientIdAsksForOne)
{
    startWorld({QStringLiteral("--no-registration")});
    auto signIn = makeSignIn(QStringLiteral("remote"));
    const auto [ok, message] = challengeAndWait(*signIn);
    EXPECT_FALSE(ok);
    EXPECT_TRUE(message.contains(QLatin1String("--client-id"))) << message.toStdString();
    EXPECT_EQ(m_openerCalls, 0);
    EXPECT_EQ(signIn->state(), AuthGate::State::SignInRequired);

    // manifoldctl login NAME --client-id ID
    QSignalSpy finished(signIn.get(), &SignIn::loginFinished);
    signIn->login(QStringLiteral("manifold-static"));
    ASSERT_TRUE(finished.wait(SignInTimeoutMs));
    EXPECT_TRUE(finished.at(0).at(0).toBool()) << finished.at(0).at(1).toString().toStdString();
}

} // namespace
