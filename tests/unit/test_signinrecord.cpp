#include <gtest/gtest.h>

#include "remote/signinrecord.h"

using manifold::remote::SignInRecord;

TEST(SignInRecord, KeysFollowTheServerScheme)
{
    EXPECT_EQ(SignInRecord::blobKey(QStringLiteral("linear")),
              QStringLiteral("server/linear/oauth"));
    EXPECT_EQ(SignInRecord::refreshKey(QStringLiteral("linear")),
              QStringLiteral("server/linear/oauth-refresh"));
    EXPECT_EQ(SignInRecord::clientSecretKey(QStringLiteral("linear")),
              QStringLiteral("server/linear/oauth-client-secret"));
}

TEST(SignInRecord, BlobRoundTripsWithoutTheRefreshToken)
{
    SignInRecord record;
    record.issuer = QStringLiteral("https://as.example");
    record.resource = QStringLiteral("https://mcp.example/mcp");
    record.serverUrl = QStringLiteral("https://mcp.example/mcp");
    record.clientId = QStringLiteral("cid");
    record.authMethod = QStringLiteral("none");
    record.redirectUri = QStringLiteral("http://127.0.0.1:1234/callback");
    record.accessToken = QStringLiteral("access-token-value");
    record.issuedAt = 1700000000000;
    record.expiresAt = 1700000005000;
    record.scope = QStringLiteral("mcp:tools");
    record.tokenEndpoint = QStringLiteral("https://as.example/token");
    record.revocationEndpoint = QStringLiteral("https://as.example/token/revocation");
    record.refreshToken = QStringLiteral("refresh-token-value");
    const QString blob = record.toBlob();
    EXPECT_FALSE(blob.contains(QLatin1String("refresh-token-value")));
    EXPECT_FALSE(blob.contains(QLatin1String("clientSecret")));
    bool ok = false;
    const SignInRecord back = SignInRecord::fromBlob(blob, &ok);
    ASSERT_TRUE(ok);
    EXPECT_EQ(back.issuer, record.issuer);
    EXPECT_EQ(back.resource, record.resource);
    EXPECT_EQ(back.accessToken, record.accessToken);
    EXPECT_EQ(back.expiresAt, record.expiresAt);
    EXPECT_EQ(back.issuedAt, record.issuedAt);
    EXPECT_EQ(back.revocationEndpoint, record.revocationEndpoint);
    EXPECT_TRUE(back.refreshToken.isEmpty());
    SignInRecord::fromBlob(QStringLiteral("{}"), &ok);
    EXPECT_FALSE(ok);
    SignInRecord::fromBlob(QStringLiteral("not json"), &ok);
    EXPECT_FALSE(ok);
}

TEST(SignInRecord, RefreshesAheadOfExpiry)
{
    SignInRecord record;
    record.issuedAt = 0;
    record.expiresAt = 5000; // a 5 s token: 2 s ahead (20 % would leave too little margin)
    EXPECT_EQ(record.refreshAt(), 3000);
    record.expiresAt = 20000; // 20 s: 20 % ahead
    EXPECT_EQ(record.refreshAt(), 16000);
    record.expiresAt = 1000; // 1 s: half of it
    EXPECT_EQ(record.refreshAt(), 500);
    record.expiresAt = 3600 * 1000; // an hour: 60 s ahead
    EXPECT_EQ(record.refreshAt(), 3600 * 1000 - 60000);
    record.expiresAt = 0; // never expires
    EXPECT_EQ(record.refreshAt(), 0);
    record.expiresAt = 5000;
    EXPECT_FALSE(record.isExpired(4999));
    EXPECT_TRUE(record.isExpired(5000));
}
