#include "remote/wwwauthenticate.h"

#include <gtest/gtest.h>

using manifold::remote::WwwAuthenticate;

TEST(WwwAuthenticate, TheSdkBearerChallenge)
{
    // What the TypeScript SDK's requireBearerAuth sends (docs/research/remote-servers.md §4.1).
    const auto bearer = WwwAuthenticate::bearer(
        R"(Bearer error="invalid_token", error_description="Missing Authorization header", )"
        R"(resource_metadata="http://127.0.0.1:4466/.well-known/oauth-protected-resource/mcp")");
    ASSERT_TRUE(bearer.has_value());
    EXPECT_EQ(bearer->error, "invalid_token");
    EXPECT_EQ(bearer->errorDescription, "Missing Authorization header");
    EXPECT_EQ(bearer->resourceMetadata, "http://127.0.0.1:4466/.well-known/oauth-protected-resource/mcp");
    EXPECT_TRUE(bearer->realm.isEmpty());
    EXPECT_TRUE(bearer->scope.isEmpty());
}

TEST(WwwAuthenticate, Rfc6750Examples)
{
    const auto plain = WwwAuthenticate::bearer(R"(Bearer realm="example")");
    ASSERT_TRUE(plain.has_value());
    EXPECT_EQ(plain->realm, "example");

    const auto expired = WwwAuthenticate::bearer(
        R"(Bearer realm="example", error="invalid_token", error_description="The access token expired")");
    ASSERT_TRUE(expired.has_value());
    EXPECT_EQ(expired->error, "invalid_token");
    EXPECT_EQ(expired->errorDescription, "The access token expired");
}

TEST(WwwAuthenticate, StepUpScopeAndResourceMetadata)
{
    // MCP authorization, "Scope Challenge Handling".
    const auto bearer = WwwAuthenticate::bearer(
        R"(Bearer error="insufficient_scope", scope="files:read files:write user:profile:write", )"
        R"(resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource", )"
        R"(error_description="Additional file write permission required")");
    ASSERT_TRUE(bearer.has_value());
    EXPECT_EQ(bearer->error, "insufficient_scope");
    EXPECT_EQ(bearer->scope, "files:read files:write user:profile:write");
    EXPECT_EQ(bearer->resourceMetadata, "https://mcp.example.com/.well-known/oauth-protected-resource");
}

TEST(WwwAuthenticate, QuotedStringsWithEscapes)
{
    const auto bearer = WwwAuthenticate::bearer(R"(Bearer realm="a \"quoted\" realm, with \\ and comma")");
    ASSERT_TRUE(bearer.has_value());
    EXPECT_EQ(bearer->realm, R"(a "quoted" realm, with \ and comma)");
}

TEST(WwwAuthenticate, Rfc9110ExampleWithTwoChallenges)
{
    const auto challenges = WwwAuthenticate::parse(
        R"(Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple")");
    ASSERT_EQ(challenges.size(), 2);
    EXPECT_EQ(challenges[0].scheme, "Newauth");
    ASSERT_EQ(challenges[0].params.size(), 3);
    EXPECT_EQ(challenges[0].param("type"), QByteArray("1"));
    EXPECT_EQ(challenges[0].param("title"), QByteArray(R"(Login to "apps")"));
    EXPECT_EQ(challenges[1].scheme, "Basic");
    EXPECT_EQ(challenges[1].param("realm"), QByteArray("simple"));
}

TEST(WwwAuthenticate, TheBearerChallengeAmongOthers)
{
    // Several WWW-Authenticate lines, as Qt joins them; the scheme's case does not matter.
    const auto bearer = WwwAuthenticate::bearer(
        R"(Basic realm="x", Negotiate, NTLM abc123==, bearer realm="mcp", scope=tools)");
    ASSERT_TRUE(bearer.has_value());
    EXPECT_EQ(bearer->realm, "mcp");
    EXPECT_EQ(bearer->scope, "tools");

    const auto challenges = WwwAuthenticate::parse(R"(Basic realm="x", Negotiate, NTLM abc123==, Bearer)");
    ASSERT_EQ(challenges.size(), 4);
    EXPECT_TRUE(challenges[1].params.isEmpty());
    EXPECT_EQ(challenges[2].token68, "abc123==");
    EXPECT_EQ(challenges[3].scheme, "Bearer");
    EXPECT_TRUE(WwwAuthenticate::bearer("Bearer").has_value());
}

TEST(WwwAuthenticate, NoBearerChallenge)
{
    EXPECT_FALSE(WwwAuthenticate::bearer(R"(Basic realm="x")").has_value());
    EXPECT_FALSE(WwwAuthenticate::bearer("").has_value());
    EXPECT_FALSE(WwwAuthenticate::bearer("BearerX realm=a").has_value());
}

TEST(WwwAuthenticate, ParameterNamesIgnoreCaseAndSpacesAroundEquals)
{
    const auto bearer = WwwAuthenticate::bearer(R"(Bearer  Realm = "r" ,ERROR=invalid_token,, Scope="a")");
    ASSERT_TRUE(bearer.has_value());
    EXPECT_EQ(bearer->realm, "r");
    EXPECT_EQ(bearer->error, "invalid_token");
    EXPECT_EQ(bearer->scope, "a");
}

TEST(WwwAuthenticate, TheFirstOfARepeatedParameterCounts)
{
    const auto bearer = WwwAuthenticate::bearer(R"(Bearer scope="a", scope="b")");
    ASSERT_TRUE(bearer.has_value());
    EXPECT_EQ(bearer->scope, "a");
}

TEST(WwwAuthenticate, MalformedPartsKeepWhatCameBefore)
{
    // An unterminated quoted string: the parameters before it still count.
    const auto cut = WwwAuthenticate::bearer(R"(Bearer resource_metadata="https://h/prm", error="oops)");
    ASSERT_TRUE(cut.has_value());
    EXPECT_EQ(cut->resourceMetadata, "https://h/prm");
    EXPECT_TRUE(cut->error.isEmpty());

    // A missing comma between parameters stops there.
    const auto challenges = WwwAuthenticate::parse(R"(Bearer realm="a" error="b", Basic realm="c")");
    ASSERT_EQ(challenges.size(), 1);
    EXPECT_EQ(challenges[0].param("realm"), QByteArray("a"));
    EXPECT_FALSE(challenges[0].param("error").has_value());

    // "name=" alone reads as a token68 (the grammar allows it), not as an empty parameter.
    const auto token68 = WwwAuthenticate::parse(R"(Bearer realm=, Basic)");
    ASSERT_EQ(token68.size(), 2);
    EXPECT_EQ(token68[0].token68, "realm=");
    EXPECT_FALSE(token68[0].param("realm").has_value());
    // A parameter without a value, a scheme glued to '=', and garbage.
    EXPECT_TRUE(WwwAuthenticate::parse(R"(Bearer error="a", realm=, Basic)")[0].param("error").has_value());
    EXPECT_TRUE(WwwAuthenticate::parse("=Bearer").isEmpty());
    EXPECT_TRUE(WwwAuthenticate::parse(R"("Bearer")").isEmpty());
    EXPECT_TRUE(WwwAuthenticate::parse(" , ,").isEmpty());
    // A backslash at the very end of a quoted string.
    EXPECT_EQ(WwwAuthenticate::parse("Bearer realm=\"a\\").size(), 1);
}
