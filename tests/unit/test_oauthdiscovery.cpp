#include "remote/oauthdiscovery.h"

#include <QStringList>

#include <gtest/gtest.h>

using manifold::remote::OAuthDiscovery;

namespace {

QStringList texts(const QList<QUrl> &urls)
{
    QStringList out;
    for (const QUrl &url : urls)
        out.append(url.toString(QUrl::FullyEncoded));
    return out;
}

QString canonical(const char *url)
{
    return OAuthDiscovery::canonicalResource(QUrl(QString::fromUtf8(url))).toString(QUrl::FullyEncoded);
}

} // namespace

TEST(OAuthDiscovery, ProtectedResourceMetadataPathInsertedThenRoot)
{
    // RFC 9728 §3.1's example and the MCP spec's.
    EXPECT_EQ(texts(OAuthDiscovery::protectedResourceMetadataUrls(QUrl("https://resource.example.com/resource1"))),
              (QStringList{"https://resource.example.com/.well-known/oauth-protected-resource/resource1",
                           "https://resource.example.com/.well-known/oauth-protected-resource"}));
    EXPECT_EQ(texts(OAuthDiscovery::protectedResourceMetadataUrls(QUrl("https://example.com/public/mcp"))),
              (QStringList{"https://example.com/.well-known/oauth-protected-resource/public/mcp",
                           "https://example.com/.well-known/oauth-protected-resource"}));
}

TEST(OAuthDiscovery, ProtectedResourceMetadataKeepsPortAndQueryAndDropsTheRest)
{
    EXPECT_EQ(texts(OAuthDiscovery::protectedResourceMetadataUrls(
                  QUrl("http://user:pw@127.0.0.1:4466/mcp/?tenant=a#frag"))),
              (QStringList{"http://127.0.0.1:4466/.well-known/oauth-protected-resource/mcp?tenant=a",
                           "http://127.0.0.1:4466/.well-known/oauth-protected-resource"}));
}

TEST(OAuthDiscovery, ProtectedResourceMetadataOfARootServerIsTheRootOnly)
{
    for (const char *url : {"https://mcp.example.com", "https://mcp.example.com/"}) {
        EXPECT_EQ(texts(OAuthDiscovery::protectedResourceMetadataUrls(QUrl(url))),
                  QStringList{"https://mcp.example.com/.well-known/oauth-protected-resource"})
            << url;
    }
}

TEST(OAuthDiscovery, TheChallengesResourceMetadataComesAlone)
{
    const QUrl fromChallenge("https://other.example.com/prm/mcp");
    EXPECT_EQ(texts(OAuthDiscovery::protectedResourceMetadataUrls(QUrl("https://example.com/mcp"), fromChallenge)),
              QStringList{"https://other.example.com/prm/mcp"});
    // One that is no http(s) URL is no help: the well-known ones are tried instead.
    for (const char *unusable : {"/relative/prm", "ftp://h/prm", "javascript:alert(1)", "https://"}) {
        EXPECT_EQ(OAuthDiscovery::protectedResourceMetadataUrls(QUrl("https://example.com/mcp"), QUrl(unusable)).size(), 2)
            << unusable;
    }
}

TEST(OAuthDiscovery, NotAnHttpServerHasNoCandidates)
{
    EXPECT_TRUE(OAuthDiscovery::protectedResourceMetadataUrls(QUrl("file:///tmp/x")).isEmpty());
    EXPECT_TRUE(OAuthDiscovery::protectedResourceMetadataUrls(QUrl()).isEmpty());
    EXPECT_TRUE(OAuthDiscovery::authorizationServerMetadataUrls(QUrl("mailto:a@b")).isEmpty());
}

TEST(OAuthDiscovery, AuthorizationServerMetadataForAnIssuerWithAPath)
{
    // MCP 2025-11-25 "Authorization Server Metadata Discovery", in its priority order.
    EXPECT_EQ(texts(OAuthDiscovery::authorizationServerMetadataUrls(QUrl("https://auth.example.com/tenant1"))),
              (QStringList{"https://auth.example.com/.well-known/oauth-authorization-server/tenant1",
                           "https://auth.example.com/.well-known/openid-configuration/tenant1",
                           "https://auth.example.com/tenant1/.well-known/openid-configuration"}));
    // RFC 8414 §3.1: a terminating "/" is removed before inserting.
    EXPECT_EQ(texts(OAuthDiscovery::authorizationServerMetadataUrls(QUrl("https://auth.example.com:8443/a/b/"))),
              (QStringList{"https://auth.example.com:8443/.well-known/oauth-authorization-server/a/b",
                           "https://auth.example.com:8443/.well-known/openid-configuration/a/b",
                           "https://auth.example.com:8443/a/b/.well-known/openid-configuration"}));
}

TEST(OAuthDiscovery, AuthorizationServerMetadataForAnIssuerWithoutAPath)
{
    const QStringList expected{"http://127.0.0.1:4455/.well-known/oauth-authorization-server",
                               "http://127.0.0.1:4455/.well-known/openid-configuration"};
    EXPECT_EQ(texts(OAuthDiscovery::authorizationServerMetadataUrls(QUrl("http://127.0.0.1:4455"))), expected);
    EXPECT_EQ(texts(OAuthDiscovery::authorizationServerMetadataUrls(QUrl("http://127.0.0.1:4455/"))), expected);
}

TEST(OAuthDiscovery, CanonicalResourceOfTheMcpSpecsExamples)
{
    // MCP "Canonical Server URI": valid forms stay as they are.
    EXPECT_EQ(canonical("https://mcp.example.com/mcp"), "https://mcp.example.com/mcp");
    EXPECT_EQ(canonical("https://mcp.example.com"), "https://mcp.example.com");
    EXPECT_EQ(canonical("https://mcp.example.com:8443"), "https://mcp.example.com:8443");
    EXPECT_EQ(canonical("https://mcp.example.com/server/mcp"), "https://mcp.example.com/server/mcp");
    // ...and the invalid ones are made canonical.
    EXPECT_EQ(canonical("https://mcp.example.com#fragment"), "https://mcp.example.com");
    EXPECT_EQ(canonical("HTTPS://MCP.Example.COM/mcp"), "https://mcp.example.com/mcp");
    EXPECT_EQ(canonical("https://mcp.example.com/"), "https://mcp.example.com");
}

TEST(OAuthDiscovery, CanonicalResourceDropsDefaultPortsOnly)
{
    EXPECT_EQ(canonical("https://h:443/mcp"), "https://h/mcp");
    EXPECT_EQ(canonical("http://h:80/mcp"), "http://h/mcp");
    EXPECT_EQ(canonical("http://h:443/mcp"), "http://h:443/mcp");
    EXPECT_EQ(canonical("https://h:80/mcp"), "https://h:80/mcp");
    EXPECT_EQ(canonical("http://127.0.0.1:4466/mcp"), "http://127.0.0.1:4466/mcp");
}

TEST(OAuthDiscovery, CanonicalResourceKeepsPathCaseQueryAndTrailingSlash)
{
    // Only scheme and host are case-insensitive; a path's slash may mean something.
    EXPECT_EQ(canonical("https://h/MCP/Tools/?a=B"), "https://h/MCP/Tools/?a=B");
    EXPECT_EQ(canonical("https://user:pw@h/mcp"), "https://h/mcp");
    EXPECT_TRUE(OAuthDiscovery::canonicalResource(QUrl("ws://h/mcp")).isEmpty());
    EXPECT_TRUE(OAuthDiscovery::canonicalResource(QUrl("/mcp")).isEmpty());
}
