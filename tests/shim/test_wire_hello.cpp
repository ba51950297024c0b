// The hello and its answer (core/wire/hello.h), Qt-free: the bytes the broker wrote with
// QJsonDocument, and what it accepted from older peers.
#include "wire/hello.h"

#include "wire/jsonrpc.h"

#include <string>

#include <gtest/gtest.h>

using manifold::wire::Hello;
using manifold::wire::HelloReply;
using manifold::wire::SessionClosing;

namespace {

std::optional<Hello> parse(const std::string &line, std::string *error)
{
    error->clear();
    return Hello::fromLine(line, error);
}

} // namespace

TEST(WireHello, ShimHelloRoundTripsInKeyOrder)
{
    Hello hello;
    hello.role = "shim";
    hello.server = "git \"hub\" \xc3\xbc";
    hello.pid = 4321;
    hello.ppid = 99;
    hello.parentExe = "/usr/bin/node";
    hello.cwd = "C:\\work";
    hello.peerVersion = "1.2.3";
    hello.previousSession = 5;
    hello.previousBrokerPid = 77;
    const std::string line = hello.toLine();
    EXPECT_EQ(line, "{\"cwd\":\"C:\\\\work\",\"manifold\":\"hello\",\"parentExe\":\"/usr/bin/node\","
                    "\"peerVersion\":\"1.2.3\",\"pid\":4321,\"ppid\":99,\"previousBrokerPid\":77,"
                    "\"previousSession\":5,\"role\":\"shim\",\"server\":\"git \\\"hub\\\" \xc3\xbc\","
                    "\"version\":1}");
    std::string error;
    const auto back = parse(line, &error);
    ASSERT_TRUE(back) << error;
    EXPECT_EQ(back->role, hello.role);
    EXPECT_EQ(back->server, hello.server);
    EXPECT_EQ(back->pid, 4321);
    EXPECT_EQ(back->ppid, 99);
    EXPECT_EQ(back->parentExe, hello.parentExe);
    EXPECT_EQ(back->cwd, hello.cwd);
    EXPECT_EQ(back->peerVersion, "1.2.3");
    EXPECT_EQ(back->previousSession, 5);
    EXPECT_EQ(back->previousBrokerPid, 77);
    EXPECT_EQ(back->version, Hello::ProtocolVersion);
}

TEST(WireHello, OptionalMembersAreLeftOut)
{
    Hello control;
    control.role = "control";
    control.pid = 12;
    control.peerVersion = "1.0";
    control.ppid = 0;
    EXPECT_EQ(control.toLine(),
              R"({"manifold":"hello","peerVersion":"1.0","pid":12,"role":"control","version":1})");
    std::string error;
    const auto back = parse(control.toLine(), &error);
    ASSERT_TRUE(back) << error;
    EXPECT_EQ(back->ppid, -1);
    EXPECT_EQ(back->previousSession, -1);
    EXPECT_EQ(back->previousBrokerPid, -1);
    EXPECT_TRUE(back->server.empty());
}

TEST(WireHello, AcceptsWhatQJsonDocumentAccepted)
{
    std::string error;
    // Integer-valued numbers in any spelling, members in any order, unknown members, escapes,
    // surrounding whitespace, the last of duplicate keys.
    const auto hello = parse(" {\"version\":1.0,\"pid\":4.2e3,\"ppid\":-7e0,\"extra\":{\"x\":[1]},"
                             "\"previousSession\":30E-1,\"previousBrokerPid\":0.0,"
                             "\"role\":\"sh\\u0069m\",\"server\":\"first\",\"server\":\"a\\/b\","
                             "\"manifold\":\"hello\"}\r\n",
                             &error);
    ASSERT_TRUE(hello) << error;
    EXPECT_EQ(hello->version, 1);
    EXPECT_EQ(hello->pid, 4200);
    EXPECT_EQ(hello->ppid, -7);
    EXPECT_EQ(hello->previousSession, 3);
    EXPECT_EQ(hello->previousBrokerPid, 0);
    EXPECT_EQ(hello->role, "shim");
    EXPECT_EQ(hello->server, "a/b");

    // Not integers, or of the wrong type: as if absent.
    const auto loose = parse(R"({"manifold":"hello","version":1,"role":"control","pid":1.5,)"
                             R"("ppid":"12","peerVersion":3,"previousSession":99999999999999999999})",
                             &error);
    ASSERT_TRUE(loose) << error;
    EXPECT_EQ(loose->pid, -1);
    EXPECT_EQ(loose->ppid, -1);
    EXPECT_EQ(loose->previousSession, -1);
    EXPECT_TRUE(loose->peerVersion.empty());
}

TEST(WireHello, RefusalsSayWhy)
{
    std::string error;
    const std::string notHello = "expected a Manifold hello line first (is this a Manifold shim?)";
    for (const char *line : {"", "not json", "[]", R"({"jsonrpc":"2.0","method":"initialize"})",
                             R"({"manifold":"welcome","version":1})", R"({"manifold":"hello")",
                             R"({"manifold":"hello","version":1,"role":"shim","server":"x"} x)"}) {
        EXPECT_FALSE(parse(line, &error)) << line;
        EXPECT_EQ(error, notHello) << line;
    }
    EXPECT_FALSE(parse(R"({"manifold":"hello","version":2,"role":"shim","server":"x"})", &error));
    EXPECT_EQ(error, "hello protocol version 2 is not supported (broker speaks 1); upgrade "
                     "Manifold so the shim and the broker match");
    EXPECT_FALSE(parse(R"({"manifold":"hello","role":"shim","server":"x"})", &error));
    EXPECT_EQ(error, "hello protocol version 0 is not supported (broker speaks 1); upgrade "
                     "Manifold so the shim and the broker match");
    EXPECT_FALSE(parse(R"({"manifold":"hello","version":1,"role":"admin"})", &error));
    EXPECT_EQ(error, "unknown role 'admin'");
    EXPECT_FALSE(parse(R"({"manifold":"hello","version":1})", &error));
    EXPECT_EQ(error, "unknown role ''");
    EXPECT_FALSE(parse(R"({"manifold":"hello","version":1,"role":"shim","server":""})", &error));
    EXPECT_EQ(error, "the shim did not name a server");
}

TEST(WireHello, ReplyRoundTrips)
{
    HelloReply welcome;
    welcome.accepted = true;
    welcome.brokerPid = 100;
    welcome.brokerVersion = "1.2.3";
    welcome.session = 8;
    EXPECT_EQ(welcome.toLine(),
              R"({"brokerPid":100,"brokerVersion":"1.2.3","manifold":"welcome","session":8,"version":1})");
    const auto back = HelloReply::fromLine(welcome.toLine());
    ASSERT_TRUE(back);
    EXPECT_TRUE(back->accepted);
    EXPECT_EQ(back->brokerPid, 100);
    EXPECT_EQ(back->brokerVersion, "1.2.3");
    EXPECT_EQ(back->session, 8);
    EXPECT_TRUE(back->error.empty());
    EXPECT_TRUE(back->closedReason.empty());

    HelloReply refused;
    refused.error = "session closed";
    refused.brokerPid = 100;
    refused.brokerVersion = "1.2.3";
    refused.closedReason = "disconnected by \"manifoldctl\"";
    EXPECT_EQ(refused.toLine(),
              R"({"brokerPid":100,"brokerVersion":"1.2.3","closedReason":"disconnected by \"manifoldctl\"",)"
              R"("error":"session closed","manifold":"refused","version":1})");
    const auto no = HelloReply::fromLine(refused.toLine() + "\n");
    ASSERT_TRUE(no);
    EXPECT_FALSE(no->accepted);
    EXPECT_EQ(no->error, "session closed");
    EXPECT_EQ(no->closedReason, refused.closedReason);
    EXPECT_EQ(no->session, -1);

    EXPECT_FALSE(HelloReply::fromLine(R"({"manifold":"hello","version":1})"));
    EXPECT_FALSE(HelloReply::fromLine("garbage"));
    const auto lenient = HelloReply::fromLine(R"({"session":2.0,"manifold":"welcome","brokerPid":1e2})");
    ASSERT_TRUE(lenient);
    EXPECT_EQ(lenient->session, 2);
    EXPECT_EQ(lenient->brokerPid, 100);
}

TEST(WireHello, SessionClosingIsANotification)
{
    const std::string line = SessionClosing::line("server \"x\" removed");
    EXPECT_EQ(line, R"({"jsonrpc":"2.0","method":"notifications/manifold/sessionClosing",)"
                    R"("params":{"reason":"server \"x\" removed"}})");
    const auto envelope = manifold::wire::jsonrpc::parseEnvelope(line);
    EXPECT_TRUE(envelope.isNotification());
    EXPECT_EQ(envelope.method, SessionClosing::Method);
}
