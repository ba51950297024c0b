// ShimCore, the shim's behaviour without I/O: one test (or more) per row S1-S13 of
// docs/research/qt-free-shim.md §1.2, driven through a fake ShimHost.
#include "shimcorefixture.h"

#include "wire/constants.h"
#include "wire/jsonrpc.h"

using namespace manifold::shim;
using namespace manifold::shim::test;
namespace jsonrpc = manifold::wire::jsonrpc;

namespace {

bool contains(const std::string &text, const std::string &part)
{
    return text.find(part) != std::string::npos;
}

std::string wentAway(const std::string &rawId)
{
    return jsonrpc::makeError(rawId, jsonrpc::ServerError,
                              "the Manifold broker went away before server 'files' answered; "
                              "the request was not completed (the shim is reconnecting)") +
           '\n';
}

const std::string Initialize =
    R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18"}})";
const std::string Initialized = R"({"jsonrpc":"2.0","method":"notifications/initialized"})";

} // namespace

// S1: what the client sends before the welcome is held (whole lines only) and sent after it.
TEST_F(ShimCoreTest, ClientLinesBeforeTheWelcomeAreHeldAndSentAfterIt)
{
    make();
    host.outcomes.push_back(FakeShimHost::connected());
    core->start();
    core->clientBytes(request("1") + "\n" + request("2").substr(0, 10));
    EXPECT_EQ(afterHello(0), "") << "nothing but the hello before the welcome";
    core->brokerBytes(FakeShimHost::welcome(100, 7));
    EXPECT_EQ(afterHello(0), request("1") + "\n");
    core->clientBytes(request("2").substr(10) + "\n");
    EXPECT_EQ(afterHello(0), request("1") + "\n" + request("2") + "\n");
}

// S2: byte-exact both ways, whole lines only, many lines in one write.
TEST_F(ShimCoreTest, RelaysBytesExactlyAndOnlyWholeLines)
{
    startWelcomed();
    const std::string nonAscii = R"({"jsonrpc":"2.0","id":3,"method":"x","params":{"s":"ü\u00fc  "}})";
    core->clientBytes(request("1") + "\n" + nonAscii + "\n{\"half");
    EXPECT_EQ(afterHello(0), request("1") + "\n" + nonAscii + "\n");
    core->brokerBytes(result("1") + "\n" + result("3", "\"ü\"") + "\n" + result("9").substr(0, 5));
    EXPECT_EQ(host.out, result("1") + "\n" + result("3", "\"ü\"") + "\n");
    core->brokerBytes(result("9").substr(5) + "\n");
    EXPECT_EQ(host.out, result("1") + "\n" + result("3", "\"ü\"") + "\n" + result("9") + "\n");
}

// C7: bytes that came with the welcome line are relayed.
TEST_F(ShimCoreTest, BytesAfterTheWelcomeLineAreRelayed)
{
    make();
    host.outcomes.push_back(FakeShimHost::connected());
    core->start();
    core->brokerBytes(FakeShimHost::welcome(100, 7) + result("1") + "\n");
    EXPECT_EQ(host.out, result("1") + "\n");
}

// S4: half a broker line is dropped when the broker goes; the client's held half line is kept
// for the next broker.
TEST_F(ShimCoreTest, HalfABrokerLineIsDroppedWhenTheBrokerGoes)
{
    startWelcomed();
    core->brokerBytes(result("1").substr(0, 12));
    core->clientBytes(request("5").substr(0, 8));
    reconnect();
    EXPECT_EQ(host.out, "") << "the client sees nothing of the cut line";
    core->clientBytes(request("5").substr(8) + "\n");
    EXPECT_EQ(afterHello(1), request("5") + "\n");
}

// S5: every unanswered request gets an error, oldest first; then the shim reconnects.
TEST_F(ShimCoreTest, BrokerGoneAnswersWhatIsOpenAndReconnects)
{
    startWelcomed();
    core->clientBytes(request("1") + "\n" + request("\"b\"") + "\n" + request("3") + "\n");
    core->brokerBytes(result("\"b\"") + "\n");
    host.out.clear();
    host.outcomes.push_back(FakeShimHost::connected());
    core->brokerEof();
    EXPECT_EQ(host.out, wentAway("1") + wentAway("3"));
    EXPECT_TRUE(contains(host.err, "manifold-shim: the Manifold broker went away; reconnecting\n"));
    EXPECT_EQ(host.connects.size(), 2u) << "reconnecting at once";
    EXPECT_EQ(host.exitCode, -1);
}

// S6: the hello names the old session; the handshake is replayed under the shim's own ids, the
// answers are swallowed, list_changed goes to the client.
TEST_F(ShimCoreTest, ReconnectReplaysTheHandshakeAndAnnouncesListChanges)
{
    startWelcomed(100, 7);
    core->clientBytes(Initialize + "\n");
    core->brokerBytes(result("0") + "\n");
    core->clientBytes(Initialized + "\n");
    core->clientBytes(
        R"({"jsonrpc":"2.0","id":1,"method":"resources/subscribe","params":{"uri":"file:///a"}})"
        "\n"
        R"({"jsonrpc":"2.0","id":2,"method":"logging/setLevel","params":{"level":"debug"}})"
        "\n");
    core->brokerBytes(result("1") + "\n" + result("2") + "\n");
    host.out.clear();
    reconnect(200, 9);

    EXPECT_TRUE(contains(helloOf(1), R"("previousSession":7)")) << helloOf(1);
    EXPECT_TRUE(contains(helloOf(1), R"("previousBrokerPid":100)")) << helloOf(1);
    EXPECT_TRUE(contains(host.err, "manifold-shim: reconnected to the Manifold broker (pid 200)\n"));
    const std::string prefix = "manifold-shim:4242:reconnect-1:";
    EXPECT_EQ(afterHello(1),
              R"({"jsonrpc":"2.0","id":")" + prefix +
                  R"(1","method":"initialize","params":{"protocolVersion":"2025-06-18"}})" + "\n" +
                  Initialized + "\n" +
                  jsonrpc::makeRequest("\"" + prefix + "2\"", "resources/subscribe",
                                       R"({"uri":"file:///a"})") +
                  "\n" +
                  jsonrpc::makeRequest("\"" + prefix + "3\"", "logging/setLevel",
                                       R"({"level":"debug"})") +
                  "\n");
    core->brokerBytes(result("\"" + prefix + "2\"") + "\n" + result("\"" + prefix + "3\"") + "\n" +
                      result("\"" + prefix + "1\"",
                             R"({"capabilities":{"tools":{"listChanged":true},"prompts":{"listChanged":true}}})") +
                      "\n");
    EXPECT_EQ(host.out, R"({"jsonrpc":"2.0","method":"notifications/tools/list_changed"})"
                        "\n"
                        R"({"jsonrpc":"2.0","method":"notifications/prompts/list_changed"})"
                        "\n");
}

// S7: a replayed initialize answered with an error is noted on stderr; the shim carries on.
TEST_F(ShimCoreTest, ARefusedReplayedInitializeIsNotedAndTheShimCarriesOn)
{
    startWelcomed();
    core->clientBytes(Initialize + "\n");
    core->brokerBytes(result("0") + "\n");
    host.out.clear();
    reconnect();
    const std::string refused =
        R"({"jsonrpc":"2.0","id":"manifold-shim:4242:reconnect-1:1","error":{"code":-32000,"message":"no"}})";
    core->brokerBytes(refused + "\n");
    EXPECT_TRUE(contains(host.err, "manifold-shim: server 'files' did not accept the client's "
                                   "initialize again: " + refused + "\n"));
    EXPECT_EQ(host.out, "");
    EXPECT_EQ(host.exitCode, -1);
    core->clientBytes(request("4") + "\n");
    EXPECT_TRUE(contains(afterHello(1), request("4") + "\n"));
}

// S8: a closing notice, then EOF: answers, exit 1, no reconnect; the notice is not relayed.
TEST_F(ShimCoreTest, BrokerClosingTheSessionOnPurposeEndsTheShim)
{
    startWelcomed();
    core->clientBytes(request("1") + "\n");
    core->brokerBytes(
        R"({"jsonrpc":"2.0","method":"notifications/manifold/sessionClosing","params":{"reason":"Manifold is shutting down"}})"
        "\n");
    EXPECT_EQ(host.out, "");
    core->brokerEof();
    EXPECT_EQ(host.out, jsonrpc::makeError("1", jsonrpc::ServerError,
                                           "Manifold closed this session (Manifold is shutting "
                                           "down) before server 'files' answered; the request "
                                           "was not completed") +
                            "\n");
    EXPECT_TRUE(contains(host.err, "manifold-shim: Manifold closed the session: Manifold is shutting down\n"));
    EXPECT_EQ(host.exitCode, 1);
    EXPECT_EQ(host.connects.size(), 1u);
}

// S9: a reconnect refused because the session was closed on purpose ends the shim the same way.
TEST_F(ShimCoreTest, AReconnectRefusedWithAClosedReasonEndsTheShim)
{
    startWelcomed();
    host.outcomes.push_back(FakeShimHost::connected());
    core->brokerEof();
    core->clientBytes(request("8") + "\n");
    core->brokerBytes(FakeShimHost::refusal("closed", "cut off: the client stopped reading"));
    EXPECT_TRUE(contains(host.err, "Manifold closed the session: cut off: the client stopped reading\n"));
    EXPECT_EQ(host.out, jsonrpc::makeError("8", jsonrpc::ServerError,
                                           "Manifold closed this session (cut off: the client "
                                           "stopped reading) before server 'files' answered; "
                                           "the request was not completed") +
                            "\n");
    EXPECT_EQ(host.exitCode, 1);
}

// S10: no broker again within 20 s: answers, "could not be reached again", exit 1.
TEST_F(ShimCoreTest, NoBrokerAgainWithinTheBudgetEndsTheShim)
{
    startWelcomed();
    core->brokerEof(); // reconnect fails (no outcome scripted), a broker is started, retries run
    core->clientBytes(request("1") + "\n");
    int retries = 0;
    while (host.exitCode < 0 && host.timerMs == manifold::wire::ConnectRetryMs && retries < 1000) {
        core->timerFired();
        ++retries;
    }
    EXPECT_EQ(retries, manifold::wire::MaxWaitForBrokerMs / manifold::wire::ConnectRetryMs);
    EXPECT_EQ(host.exitCode, 1);
    EXPECT_TRUE(contains(host.err, "manifold-shim: the Manifold broker could not be reached again: "
                                   "Manifold broker did not come up at /run/m/broker.sock (see "
                                   "/run/m/broker.sock.log)\n"));
    EXPECT_EQ(host.out, jsonrpc::makeError("1", jsonrpc::ServerError,
                                           "the Manifold broker went away and could not be "
                                           "reached again (Manifold broker did not come up at "
                                           "/run/m/broker.sock (see /run/m/broker.sock.log)); "
                                           "this request to server 'files' was not completed") +
                            "\n");
}

// S11: refused at the first connect: every request answered -32001 until initialize, which ends
// the shim.
TEST_F(ShimCoreTest, ARefusedFirstConnectAnswersRequestsUntilInitialize)
{
    make();
    host.outcomes.push_back(FakeShimHost::connected());
    core->start();
    core->clientBytes(request("1") + "\n" + Initialized + "\n");
    const std::string message = "no server named 'files' is configured";
    core->brokerBytes(FakeShimHost::refusal(message));
    EXPECT_EQ(host.err, "manifold-shim: " + message + "\n");
    const auto refused = [&](const std::string &id) {
        return jsonrpc::makeError(id, jsonrpc::RequestRefused, message) + "\n";
    };
    EXPECT_EQ(host.out, refused("1"));
    EXPECT_EQ(host.timerMs, manifold::wire::RefusalTimeoutMs);
    core->clientBytes(request("2") + "\n" + Initialize.substr(0, 9));
    EXPECT_EQ(host.exitCode, -1);
    core->clientBytes(Initialize.substr(9) + "\n" + request("3") + "\n");
    EXPECT_EQ(host.out, refused("1") + refused("2") + refused("0"));
    EXPECT_EQ(host.exitCode, 1);
}

TEST_F(ShimCoreTest, ARefusedShimEndsAfterItsTimeoutOrAtEof)
{
    make();
    host.outcomes.push_back(FakeShimHost::connected());
    core->start();
    core->brokerBytes(FakeShimHost::refusal("unknown"));
    core->timerFired();
    EXPECT_EQ(host.exitCode, 1);

    host.exitCode = -1;
    make();
    host.outcomes.push_back(FakeShimHost::connected());
    core->start();
    core->brokerBytes(FakeShimHost::refusal("unknown"));
    core->clientEof();
    EXPECT_EQ(host.exitCode, 1);
}

// S12: at EOF a held unterminated line still goes to the broker, the channel is closed after a
// flush, exit 0.
TEST_F(ShimCoreTest, ClientEofSendsTheUnterminatedLineAndEnds)
{
    startWelcomed();
    core->clientBytes(request("1") + "\n" + request("2"));
    core->clientEof();
    EXPECT_EQ(afterHello(0), request("1") + "\n" + request("2"));
    EXPECT_FALSE(host.channelOpen);
    EXPECT_TRUE(host.lastCloseFlushed);
    EXPECT_EQ(host.exitCode, 0);
}

TEST_F(ShimCoreTest, ClientEofBeforeTheWelcomeDeliversThenEnds)
{
    make();
    host.outcomes.push_back(FakeShimHost::connected());
    core->start();
    core->clientBytes(request("1") + "\n");
    core->clientEof();
    EXPECT_EQ(host.exitCode, -1) << "what the client sent goes to the broker first";
    core->brokerBytes(FakeShimHost::welcome(100, 7));
    EXPECT_EQ(afterHello(0), request("1") + "\n");
    EXPECT_EQ(host.exitCode, 0);
}

TEST_F(ShimCoreTest, ClientEofWhileReconnectingWithNothingPendingEnds)
{
    startWelcomed();
    core->brokerEof(); // reconnecting, no broker yet
    EXPECT_EQ(host.exitCode, -1);
    core->clientEof();
    EXPECT_EQ(host.exitCode, 0);
}

// S13: the client's stdout gone: exit 1.
TEST_F(ShimCoreTest, StdoutGoneEndsTheShimWithOne)
{
    startWelcomed();
    host.stdoutWorks = false;
    core->brokerBytes(result("1") + "\n");
    EXPECT_EQ(host.exitCode, 1);
}

// S3 at the core: a line longer than the hold limit passes through in pieces, and when the broker
// goes in the middle of one going to the client, the client's line is ended with '\n'.
TEST_F(ShimCoreTest, AnOverlongBrokerLineCutByTheBrokersEndIsTerminated)
{
    startWelcomed();
    core->clientBytes(request("1") + "\n");
    const std::string piece(manifold::wire::MaxHeldLineBytes / 4, 'x');
    const std::string start = R"({"jsonrpc":"2.0","id":1,"result":")";
    core->brokerBytes(start);
    for (int i = 0; i < 4; ++i)
        core->brokerBytes(piece);
    core->brokerBytes("yz"); // over the limit now: passed on as it comes
    EXPECT_EQ(host.out.size(), start.size() + 4 * piece.size() + 2);
    reconnect();
    EXPECT_EQ(host.out.size(), start.size() + 4 * piece.size() + 2 + 1 + wentAway("1").size());
    EXPECT_EQ(host.out.substr(start.size() + 4 * piece.size() + 2), "\n" + wentAway("1"));
}
