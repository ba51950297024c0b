#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

#include <gtest/gtest.h>

#include "remote/oauthclient.h"
#include "remote/oauthmetadata.h"

using namespace manifold::remote;

namespace {

QJsonObject json(const char *text)
{
    return QJsonDocument::fromJson(QByteArray(text)).object();
}

const QUrl Server(QStringLiteral("https://mcp.example.com/public/mcp"));

} // namespace

TEST(ProtectedResourceMetadata, AcceptsTheServerUrlOrAPrefixOfIt)
{
    EXPECT_TRUE(ProtectedResourceMetadata::resourceCovers(Server, Server));
    EXPECT_TRUE(ProtectedResourceMetadata::resourceCovers(
        QUrl("https://MCP.example.com:443/public/mcp/"), Server));
    EXPECT_TRUE(
        ProtectedResourceMetadata::resourceCovers(QUrl("https://mcp.example.com/public"), Server));
    EXPECT_TRUE(ProtectedResourceMetadata::resourceCovers(QUrl("https://mcp.example.com"), Server));
}

TEST(ProtectedResourceMetadata, RefusesOtherOriginsAndPaths)
{
    EXPECT_FALSE(ProtectedResourceMetadata::resourceCovers(
        QUrl("https://evil.example.com/public/mcp"), Server));
    EXPECT_FALSE(ProtectedResourceMetadata::resourceCovers(
        QUrl("http://mcp.example.com/public/mcp"), Server));
    EXPECT_FALSE(ProtectedResourceMetadata::resourceCovers(
        QUrl("https://mcp.example.com:8443/public/mcp"), Server));
    EXPECT_FALSE(
        ProtectedResourceMetadata::resourceCovers(QUrl("https://mcp.example.com/pub"), Server));
    EXPECT_FALSE(ProtectedResourceMetadata::resourceCovers(
        QUrl("https://mcp.example.com/public/mcp/x"), Server));

    ProtectedResourceMetadata prm;
    QString error;
    EXPECT_FALSE(ProtectedResourceMetadata::fromJson(
        json(
            R"({"resource":"https://evil.example.com/mcp","authorization_servers":["https://as"]})"),
        Server, &prm, &error));
    EXPECT_TRUE(error.contains(QLatin1String("evil.example.com")));
    EXPECT_FALSE(ProtectedResourceMetadata::fromJson(
        json(R"({"resource":"https://mcp.example.com/public/mcp"})"), Server, &prm, &error));
}

TEST(ProtectedResourceMetadata, ReadsServersAndScopes)
{
    ProtectedResourceMetadata prm;
    QString error;
    ASSERT_TRUE(ProtectedResourceMetadata::fromJson(
        json(
            R"({"resource":"https://mcp.example.com/public/mcp","authorization_servers":["https://as.example/t1"],)"
            R"("scopes_supported":["a","b"]})"),
        Server, &prm, &error))
        << error.toStdString();
    EXPECT_EQ(prm.authorizationServers, QStringList{QStringLiteral("https://as.example/t1")});
    EXPECT_EQ(prm.scopesSupported, (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
}

TEST(AuthServerMetadata, RefusesWithoutS256)
{
    AuthServerMetadata metadata;
    QString error;
    const char *plainOnly =
        R"({"issuer":"https://as.example","authorization_endpoint":"https://as.example/auth",)"
        R"("token_endpoint":"https://as.example/token","code_challenge_methods_supported":["plain"]})";
    EXPECT_FALSE(AuthServerMetadata::fromJson(json(plainOnly), QStringLiteral("https://as.example"),
                                              &metadata, &error));
    EXPECT_TRUE(error.contains(QLatin1String("PKCE")));
    const char *none =
        R"({"issuer":"https://as.example","authorization_endpoint":"https://as.example/auth",)"
        R"("token_endpoint":"https://as.example/token"})";
    EXPECT_FALSE(AuthServerMetadata::fromJson(json(none), QStringLiteral("https://as.example"),
                                              &metadata, &error));
}

TEST(AuthServerMetadata, ChecksTheIssuerAndReadsTheEndpoints)
{
    const char *text =
        R"({"issuer":"https://as.example/","authorization_endpoint":"https://as.example/auth",)"
        R"("token_endpoint":"https://as.example/token","registration_endpoint":"https://as.example/reg",)"
        R"("revocation_endpoint":"https://as.example/revoke","code_challenge_methods_supported":["S256"],)"
        R"("authorization_response_iss_parameter_supported":true,)"
        R"("client_id_metadata_document_supported":true,"token_endpoint_auth_methods_supported":["none"]})";
    AuthServerMetadata metadata;
    QString error;
    ASSERT_TRUE(AuthServerMetadata::fromJson(json(text), QStringLiteral("https://as.example"),
                                             &metadata, &error))
        << error.toStdString();
    EXPECT_EQ(metadata.registrationEndpoint, QUrl("https://as.example/reg"));
    EXPECT_EQ(metadata.revocationEndpoint, QUrl("https://as.example/revoke"));
    EXPECT_TRUE(metadata.issParameterSupported);
    EXPECT_TRUE(metadata.clientIdMetadataDocumentSupported);
    EXPECT_FALSE(AuthServerMetadata::fromJson(json(text), QStringLiteral("https://other.example"),
                                              &metadata, &error));
    EXPECT_TRUE(error.contains(QLatin1String("issuer")));
}

TEST(TokenResult, SortsAnswers)
{
    const TokenResult ok = TokenResult::parse(
        200,
        R"({"access_token":"at","token_type":"Bearer","expires_in":5,"refresh_token":"rt","scope":"mcp:tools"})");
    EXPECT_EQ(ok.outcome, TokenResult::Outcome::Ok);
    EXPECT_EQ(ok.accessToken, QStringLiteral("at"));
    EXPECT_EQ(ok.refreshToken, QStringLiteral("rt"));
    EXPECT_EQ(ok.expiresIn, 5);
    EXPECT_EQ(ok.scope, QStringLiteral("mcp:tools"));

    const TokenResult grant = TokenResult::parse(
        400, R"({"error":"invalid_grant","error_description":"grant request is invalid"})");
    EXPECT_EQ(grant.outcome, TokenResult::Outcome::InvalidGrant);
    EXPECT_EQ(grant.message, QStringLiteral("invalid_grant: grant request is invalid"));
    EXPECT_EQ(TokenResult::parse(401, R"({"error":"invalid_client"})").outcome,
              TokenResult::Outcome::InvalidClient);
    EXPECT_EQ(TokenResult::parse(400, R"({"error":"invalid_scope"})").outcome,
              TokenResult::Outcome::Refused);
    EXPECT_EQ(TokenResult::parse(503, "").outcome, TokenResult::Outcome::Transient);
    EXPECT_EQ(TokenResult::parse(0, "").outcome, TokenResult::Outcome::Transient);
    EXPECT_EQ(TokenResult::parse(429, "{}").outcome, TokenResult::Outcome::Transient);
    // Not a Bearer token, or none at all: refused, and the token is not kept.
    const TokenResult mac = TokenResult::parse(200, R"({"access_token":"at","token_type":"mac"})");
    EXPECT_EQ(mac.outcome, TokenResult::Outcome::Refused);
    EXPECT_TRUE(mac.accessToken.isEmpty());
    EXPECT_EQ(TokenResult::parse(200, "not json").outcome, TokenResult::Outcome::Refused);
}

TEST(AuthorizationRequest, BuildsTheUrl)
{
    AuthorizationRequest request;
    request.endpoint = QUrl(QStringLiteral("https://as.example/auth?tenant=a%20b"));
    request.clientId = QStringLiteral("client+1");
    request.redirectUri = QStringLiteral("http://127.0.0.1:5555/callback");
    request.scope = QStringLiteral("mcp:tools offline_access");
    request.state = "st";
    request.codeChallenge = "ch";
    request.resource = QStringLiteral("https://mcp.example.com/mcp");
    request.extraParams = {{QStringLiteral("prompt"), QStringLiteral("consent")},
                           {QStringLiteral("state"), QStringLiteral("theirs")}};
    const QUrl url = request.url();
    const QUrlQuery query(url);
    const auto value = [&query](const char *name) {
        return query.queryItemValue(QLatin1String(name), QUrl::FullyDecoded);
    };
    EXPECT_EQ(value("tenant"), QStringLiteral("a b"));
    EXPECT_EQ(value("response_type"), QStringLiteral("code"));
    EXPECT_EQ(value("client_id"), QStringLiteral("client+1"));
    EXPECT_EQ(value("redirect_uri"), QStringLiteral("http://127.0.0.1:5555/callback"));
    EXPECT_EQ(value("scope"), QStringLiteral("mcp:tools offline_access"));
    EXPECT_EQ(value("state"),
              QStringLiteral("st")); // the user's extra parameter does not override ours
    EXPECT_EQ(query.allQueryItemValues(QStringLiteral("state")).size(), 1);
    EXPECT_EQ(value("code_challenge"), QStringLiteral("ch"));
    EXPECT_EQ(value("code_challenge_method"), QStringLiteral("S256"));
    EXPECT_EQ(value("resource"), QStringLiteral("https://mcp.example.com/mcp"));
    EXPECT_EQ(value("prompt"), QStringLiteral("consent"));
    // '+' is encoded, so a server decoding it as a form never sees a space.
    EXPECT_TRUE(url.toString(QUrl::FullyEncoded).contains(QLatin1String("client%2B1")));

    request.resource.clear();
    request.scope.clear();
    const QUrlQuery without(request.url());
    EXPECT_FALSE(without.hasQueryItem(QStringLiteral("resource")));
    EXPECT_FALSE(without.hasQueryItem(QStringLiteral("scope")));
}

TEST(ScopeSelection, FollowsTheSpecOrder)
{
    const QStringList prm = {QStringLiteral("a"), QStringLiteral("b")};
    EXPECT_EQ(selectScope(QStringLiteral(" x  y "), QStringLiteral("c"), prm),
              QStringLiteral("x y"));
    EXPECT_EQ(selectScope(QString(), QStringLiteral("c"), prm), QStringLiteral("c"));
    EXPECT_EQ(selectScope(QString(), QString(), prm), QStringLiteral("a b"));
    EXPECT_EQ(selectScope(QString(), QString(), {}), QString());
}

TEST(OAuthClient, PrefersPublicClients)
{
    EXPECT_EQ(OAuthClient::preferredAuthMethod({}), QStringLiteral("none"));
    EXPECT_EQ(OAuthClient::preferredAuthMethod(
                  {QStringLiteral("client_secret_basic"), QStringLiteral("none")}),
              QStringLiteral("none"));
    EXPECT_EQ(OAuthClient::preferredAuthMethod(
                  {QStringLiteral("client_secret_basic"), QStringLiteral("client_secret_post")}),
              QStringLiteral("client_secret_post"));
    EXPECT_EQ(OAuthClient::preferredAuthMethod({QStringLiteral("client_secret_basic")}),
              QStringLiteral("client_secret_basic"));
}

TEST(FormEncode, EncodesReservedCharacters)
{
    EXPECT_EQ(formEncode({{QStringLiteral("a b"), QStringLiteral("x+y&z=1")},
                          {QStringLiteral("k"), QString()}}),
              QByteArray("a%20b=x%2By%26z%3D1&k="));
}
