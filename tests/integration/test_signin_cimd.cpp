// SignIn with a Client ID Metadata Document (issue 15, research note §4.4): the AS (oidc-provider
// 9.13.3, features.clientIdMetadataDocument) fetches the document over HTTPS from the world's
// own server (tests/fixtures/tls, trusted through NODE_EXTRA_CA_CERTS); Manifold's client_id is
// the document's URL and no client is registered.

#include <QUrlQuery>

#include <gtest/gtest.h>

#include "remote/oauthmetadata.h"
#include "signinfixture.h"

using manifold::AuthGate;
using manifold::ServerConfig;
using manifold::remote::SignIn;
using manifold::remote::SignInRecord;
using oauthtest::SignInTest;

namespace {

class SignInCimdTest : public SignInTest
{
protected:
    void startCimdWorld()
    {
        const QString tls = QStringLiteral(MANIFOLD_TLS_FIXTURES);
        startWorld({QStringLiteral("--cimd=") + tls},
                   {{QStringLiteral("NODE_EXTRA_CA_CERTS"), tls + QStringLiteral("/cert.pem")}});
    }
};

TEST_F(SignInCimdTest, TheDocumentUrlIsTheClientIdAndNothingIsRegistered)
{
    ASSERT_NO_FATAL_FAILURE(startCimdWorld());
    ASSERT_TRUE(m_world.clientMetadataUrl.isValid());
    ASSERT_EQ(m_world.clientMetadataUrl.scheme(), QStringLiteral("https"));

    // The AS says it takes documents (and still offers dynamic registration).
    const oauthtest::HttpAnswer metadata = oauthtest::send(
        "GET", QUrl(m_world.issuer + QStringLiteral("/.well-known/oauth-authorization-server")));
    ASSERT_EQ(metadata.status, 200);
    EXPECT_TRUE(
        metadata.json().value(QLatin1String("client_id_metadata_document_supported")).toBool());
    EXPECT_TRUE(metadata.json().contains(QLatin1String("registration_endpoint")));

    SignIn::Options options;
    options.clientMetadataDocumentUrl = m_world.clientMetadataUrl;
    auto signIn = makeSignIn(QStringLiteral("remote"), ServerConfig::OAuth(), options);
    signInOk(*signIn);

    const QString documentUrl = m_world.clientMetadataUrl.toString();
    EXPECT_EQ(QUrlQuery(m_openedUrls.value(0))
                  .queryItemValue(QStringLiteral("client_id"), QUrl::FullyDecoded),
              documentUrl);
    EXPECT_EQ(m_world.count(QStringLiteral("registrations")), 0);
    EXPECT_GE(m_world.count(QStringLiteral("cimdFetches")), 1);
    EXPECT_EQ(m_world.tokenCount(QStringLiteral("authorization_code")), 1);

    // The token works, and the AS issued it to the document's client.
    EXPECT_EQ(oauthtest::initialize(m_world.mcpUrl, signIn->authorizationHeader()).status, 200);
    const QJsonObject introspection = m_world.introspect(signIn->authorizationHeader());
    EXPECT_TRUE(introspection.value(QLatin1String("active")).toBool());
    EXPECT_EQ(introspection.value(QLatin1String("client_id")).toString(), documentUrl);

    // Kept for refreshes: the record names the document as the client, without a secret.
    bool ok = false;
    const SignInRecord record =
        SignInRecord::fromBlob(stored(SignInRecord::blobKey(QStringLiteral("remote"))), &ok);
    ASSERT_TRUE(ok);
    EXPECT_EQ(record.clientId, documentUrl);
    EXPECT_TRUE(record.clientSecret.isEmpty());

    // A refresh as that client works too.
    const QByteArray first = signIn->authorizationHeader();
    signIn->challenged(first, 401, probeChallenge());
    QTRY_VERIFY_WITH_TIMEOUT(!signIn->authorizationHeader().isEmpty() &&
                                 signIn->authorizationHeader() != first,
                             10000);
    EXPECT_EQ(m_world.tokenCount(QStringLiteral("refresh_token")), 1);
    EXPECT_EQ(oauthtest::initialize(m_world.mcpUrl, signIn->authorizationHeader()).status, 200);
    EXPECT_EQ(m_world.count(QStringLiteral("registrations")), 0);
    EXPECT_EQ(m_openerCalls, 1);
}

// Without a document URL the same AS gets a dynamic registration, as before.
TEST_F(SignInCimdTest, WithoutADocumentUrlTheClientRegisters)
{
    ASSERT_NO_FATAL_FAILURE(startCimdWorld());
    auto signIn = makeSignIn(QStringLiteral("remote"));
    signInOk(*signIn);
    EXPECT_EQ(m_world.count(QStringLiteral("registrations")), 1);
    EXPECT_EQ(m_world.count(QStringLiteral("cimdFetches")), 0);
    EXPECT_NE(QUrlQuery(m_openedUrls.value(0))
                  .queryItemValue(QStringLiteral("client_id"), QUrl::FullyDecoded),
              m_world.clientMetadataUrl.toString());
}

// An AS without CIMD: the document URL is not used (it would be an unknown client there).
TEST_F(SignInCimdTest, AnAsWithoutCimdGetsARegistration)
{
    startWorld();
    ASSERT_FALSE(m_world.clientMetadataUrl.isValid());
    SignIn::Options options;
    options.clientMetadataDocumentUrl = QUrl(QStringLiteral("https://example.org/manifold.json"));
    auto signIn = makeSignIn(QStringLiteral("remote"), ServerConfig::OAuth(), options);
    signInOk(*signIn);
    EXPECT_EQ(m_world.count(QStringLiteral("registrations")), 1);
    EXPECT_NE(QUrlQuery(m_openedUrls.value(0)).queryItemValue(QStringLiteral("client_id")),
              QStringLiteral("https://example.org/manifold.json"));
}

} // namespace
