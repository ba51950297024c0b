#include "http/originpolicy.h"

#include <gtest/gtest.h>

using manifold::http::OriginPolicy;
using Verdict = OriginPolicy::Verdict;

TEST(OriginPolicy, LoopbackAcceptsItsOwnNamesOnItsOwnPort)
{
    const OriginPolicy policy = OriginPolicy::loopback(8765);
    for (const char *host : {"127.0.0.1:8765", "localhost:8765", "LOCALHOST:8765", "[::1]:8765"})
        EXPECT_EQ(policy.check(host, {}), Verdict::Allowed) << host;
    EXPECT_EQ(policy.check("127.0.0.1:8765", "http://127.0.0.1:8765"), Verdict::Allowed);
    EXPECT_EQ(policy.check("127.0.0.1:8765", "http://localhost:8765"), Verdict::Allowed);
}

// What a DNS rebinding attack or a page of another site sends (the conformance suite's
// dns-rebinding-protection scenario among them).
TEST(OriginPolicy, RefusesOtherHostsPortsAndOrigins)
{
    const OriginPolicy policy = OriginPolicy::loopback(8765);
    for (const char *host : {"evil.example.com", "evil.example.com:8765", "127.0.0.1", "127.0.0.1:80", "127.0.0.2:8765",
                             "", "127.0.0.1:", "127.0.0.1:99999", "user@127.0.0.1:8765", "[::1", "127.0.0.1:8765/x"})
        EXPECT_EQ(policy.check(host, {}), Verdict::BadHost) << host;
    for (const char *origin : {"http://evil.example.com", "http://127.0.0.1:3000", "null", "file://", "127.0.0.1:8765",
                               "ftp://127.0.0.1:8765", "https://127.0.0.1"})
        EXPECT_EQ(policy.check("127.0.0.1:8765", origin), Verdict::BadOrigin) << origin;
}

TEST(OriginPolicy, ConfiguredNamesAndDefaultPorts)
{
    const OriginPolicy policy({QStringLiteral("mcp.example.org")}, 443);
    EXPECT_EQ(policy.check("mcp.example.org:443", "https://mcp.example.org"), Verdict::Allowed);
    EXPECT_EQ(policy.check("mcp.example.org", {}), Verdict::BadHost);   // no port: 80
    EXPECT_EQ(policy.check("127.0.0.1:443", {}), Verdict::BadHost);
}
