// SignIn's step-up (issue 15, research note §4.8): the MCP server answers 403 insufficient_scope
// with scope="mcp:tools mcp:admin" (oauth-world --step-up); SignIn re-authorizes with that scope
// through the scripted browser, and a repeated identical 403 is declined, not looped on.

#include <QSignalSpy>
#include <QUrlQuery>

#include <gtest/gtest.h>

#include "signinfixture.h"

using manifold::AuthGate;
using manifold::remote::SignIn;
using oauthtest::SignInTest;
using oauthtest::SignInTimeoutMs;

namespace {

TEST_F(SignInTest, InsufficientScopeStepsUpOnceAndThenDeclines)
{
    startWorld({QStringLiteral("--step-up")});
    auto signIn = makeSignIn(QStringLiteral("remote"));
    signInOk(*signIn);
    EXPECT_EQ(QUrlQuery(m_openedUrls.value(0))
                  .queryItemValue(QStringLiteral("scope"), QUrl::FullyDecoded),
              QStringLiteral("mcp:tools"));

    // The first token lacks mcp:admin: the server's 403.
    const QByteArray first = signIn->authorizationHeader();
    const oauthtest::HttpAnswer refused = oauthtest::initialize(m_world.mcpUrl, first);
    ASSERT_EQ(refused.status, 403);
    EXPECT_TRUE(refused.wwwAuthenticate.contains(
        R"(Bearer error="insufficient_scope", scope="mcp:tools mcp:admin")"))
        << refused.wwwAuthenticate.constData();

    // Step-up: a new authorization with the challenged scope, completed by the browser.
    QSignalSpy finished(signIn.get(), &SignIn::loginFinished);
    QSignalSpy declined(signIn.get(), &AuthGate::declined);
    signIn->challenged(first, 403, refused.wwwAuthenticate);
    EXPECT_EQ(signIn->state(), AuthGate::State::SigningIn);
    ASSERT_TRUE(finished.wait(SignInTimeoutMs));
    ASSERT_TRUE(finished.at(0).at(0).toBool()) << finished.at(0).at(1).toString().toStdString();
    ASSERT_EQ(m_openedUrls.size(), 2);
    EXPECT_EQ(QUrlQuery(m_openedUrls.at(1))
                  .queryItemValue(QStringLiteral("scope"), QUrl::FullyDecoded),
              QStringLiteral("mcp:tools mcp:admin"));
    const QByteArray wider = signIn->authorizationHeader();
    EXPECT_NE(wider, first);
    EXPECT_TRUE(m_world.introspect(wider)
                    .value(QLatin1String("scope"))
                    .toString()
                    .split(QLatin1Char(' '))
                    .contains(QStringLiteral("mcp:admin")));
    // The retried request succeeds.
    EXPECT_EQ(oauthtest::initialize(m_world.mcpUrl, wider).status, 200);
    EXPECT_EQ(declined.count(), 0);

    // A late 403 for the old token: try the new one, no browser.
    QSignalSpy changed(signIn.get(), &AuthGate::changed);
    signIn->challenged(first, 403, refused.wwwAuthenticate);
    EXPECT_EQ(changed.count(), 1);
    EXPECT_EQ(m_openerCalls, 2);

    // The server refuses even the wider token: the same 403 is declined with a clear message, as
    // often as it comes; no third browser, no new authorization.
    ASSERT_EQ(oauthtest::send("POST", QUrl(m_world.controlUrl + QStringLiteral("/refuse-scope")))
                  .status,
              200);
    const oauthtest::HttpAnswer again = oauthtest::initialize(m_world.mcpUrl, wider);
    ASSERT_EQ(again.status, 403);
    for (int i = 0; i < 5; ++i)
        signIn->challenged(wider, 403, again.wwwAuthenticate);
    ASSERT_EQ(declined.count(), 5);
    EXPECT_EQ(declined.at(0).at(0).toByteArray(), wider);
    const QString message = declined.at(0).at(1).toString();
    EXPECT_TRUE(message.contains(QLatin1String("remote still refuses"))) << message.toStdString();
    EXPECT_TRUE(message.contains(QLatin1String("mcp:tools mcp:admin"))) << message.toStdString();
    EXPECT_TRUE(message.contains(QLatin1String("manifoldctl login remote")))
        << message.toStdString();
    EXPECT_FALSE(finished.wait(1000)); // nothing started
    EXPECT_EQ(m_openerCalls, 2);
    EXPECT_EQ(m_world.count(QStringLiteral("authorize")), 2);
    EXPECT_EQ(signIn->state(), AuthGate::State::SignedIn);
    EXPECT_EQ(signIn->authorizationHeader(), wider);

    // An explicit login resets the bound: the next step-up may open the browser again.
    signIn->login();
    ASSERT_TRUE(finished.wait(SignInTimeoutMs));
    EXPECT_EQ(m_openerCalls, 3);
}

// A step-up the user refuses: the old token stays, and what waited for it is told (declined).
TEST_F(SignInTest, ARefusedStepUpKeepsTheTokenAndDeclines)
{
    startWorld({QStringLiteral("--step-up")});
    auto signIn = makeSignIn(QStringLiteral("remote"));
    signInOk(*signIn);
    const QByteArray first = signIn->authorizationHeader();
    const oauthtest::HttpAnswer refused = oauthtest::initialize(m_world.mcpUrl, first);
    ASSERT_EQ(refused.status, 403);

    qputenv("SCRIPTED_BROWSER_DENY", "1");
    QSignalSpy finished(signIn.get(), &SignIn::loginFinished);
    QSignalSpy declined(signIn.get(), &AuthGate::declined);
    signIn->challenged(first, 403, refused.wwwAuthenticate);
    ASSERT_TRUE(finished.wait(SignInTimeoutMs));
    EXPECT_FALSE(finished.at(0).at(0).toBool());
    ASSERT_EQ(declined.count(), 1);
    EXPECT_EQ(declined.at(0).at(0).toByteArray(), first);
    EXPECT_TRUE(declined.at(0).at(1).toString().contains(QLatin1String("access_denied")))
        << declined.at(0).at(1).toString().toStdString();
    EXPECT_EQ(signIn->state(), AuthGate::State::SignedIn);
    EXPECT_EQ(signIn->authorizationHeader(), first);
    // Asked again with the same token and scope: declined at once, no browser.
    signIn->challenged(first, 403, refused.wwwAuthenticate);
    EXPECT_EQ(declined.count(), 2);
    EXPECT_EQ(m_openerCalls, 2);
}

} // namespace
