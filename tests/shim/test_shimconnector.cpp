// Reaching and starting the broker (rows C1-C8 of docs/research/qt-free-shim.md §1.3), through
// ShimCore and its Connector on a fake ShimHost.
#include "shimcorefixture.h"

#include "wire/constants.h"

using namespace manifold::shim;
using namespace manifold::shim::test;

namespace {
bool contains(const std::string &text, const std::string &part)
{
    return text.find(part) != std::string::npos;
}
ConnectOutcome failed()
{
    return ConnectOutcome{};
}
} // namespace

// C1: with the default socket an existing socket file in a later candidate is tried before a
// broker is started.
TEST_F(ShimCoreTest, AnExistingSocketInALaterCandidateIsTriedBeforeLaunching)
{
    make({Socket, "/tmp/manifold-1000/broker.sock"}, true);
    host.existing.insert("/tmp/manifold-1000/broker.sock");
    host.outcomes = {failed(), FakeShimHost::connected()};
    core->start();
    EXPECT_EQ(host.connects, (std::vector<std::string>{Socket, "/tmp/manifold-1000/broker.sock"}));
    EXPECT_TRUE(host.launches.empty());
    core->brokerBytes(FakeShimHost::welcome(100, 7));
    EXPECT_EQ(host.exitCode, -1);
}

// C1/C3/C2: nothing anywhere: the default rendezvous is made private, the launch lock taken, the
// broker started on the first candidate; the lock is held until the broker answers.
TEST_F(ShimCoreTest, NoBrokerStartsOneUnderTheLaunchLockAndHoldsItUntilTheWelcome)
{
    make({Socket, "/tmp/manifold-1000/broker.sock"}, true);
    core->start();
    EXPECT_EQ(host.privateDirs, std::vector<std::string>{"/run/m"});
    EXPECT_EQ(host.lockPaths, std::vector<std::string>{std::string(Socket) + ".launch.lock"});
    EXPECT_EQ(host.launches, std::vector<std::string>{Socket});
    EXPECT_TRUE(host.lockHeld);
    EXPECT_EQ(host.timerMs, manifold::wire::ConnectRetryMs); // C4: retry every 50 ms
    core->timerFired();
    EXPECT_EQ(host.launches.size(), 1u) << "started once";
    host.outcomes.push_back(FakeShimHost::connected());
    core->timerFired();
    EXPECT_EQ(host.connects.back(), Socket);
    EXPECT_TRUE(host.lockHeld) << "held until the broker answers";
    core->brokerBytes(FakeShimHost::welcome(100, 7));
    EXPECT_FALSE(host.lockHeld);
    EXPECT_EQ(host.timerMs, -1);
}

// C3: another shim holds the launch lock: this one only waits for the socket.
TEST_F(ShimCoreTest, WithTheLaunchLockTakenTheShimOnlyWaits)
{
    make();
    host.lockFree = false;
    core->start();
    EXPECT_TRUE(host.launches.empty());
    EXPECT_EQ(host.timerMs, manifold::wire::ConnectRetryMs);
}

// C2: a rendezvous directory that cannot be made private is refused.
TEST_F(ShimCoreTest, ARendezvousThatCannotBeMadePrivateIsRefused)
{
    make({Socket}, true);
    host.privateDirWorks = false;
    core->start();
    EXPECT_TRUE(contains(host.err, "manifold-shim: cannot use the Manifold runtime directory: "
                                   "/run/m is a symbolic link; refusing to use it\n"));
    EXPECT_TRUE(host.launches.empty());
}

// L1 failing: the broker cannot be started.
TEST_F(ShimCoreTest, ABrokerThatCannotBeStartedIsReported)
{
    make();
    host.launchWorks = false;
    core->start();
    EXPECT_EQ(host.err, "manifold-shim: Manifold broker is not running and could not be started: "
                        "cannot find the manifold executable (set MANIFOLD_BIN)\n");
    EXPECT_FALSE(host.lockHeld);
}

// C5: a socket of another user is refused.
TEST_F(ShimCoreTest, ASocketOfAnotherUserIsRefused)
{
    make();
    ConnectOutcome other;
    other.status = ConnectOutcome::Status::OtherUser;
    other.peerUid = 1001;
    host.outcomes.push_back(other);
    core->start();
    EXPECT_EQ(host.err, "manifold-shim: the socket /run/m/broker.sock belongs to another user "
                        "(uid 1001); refusing to use it\n");
    EXPECT_TRUE(host.launches.empty());
}

// A busy listener is retried without starting a broker.
TEST_F(ShimCoreTest, ABusyBrokerIsRetriedNotReplaced)
{
    make();
    ConnectOutcome busy;
    busy.status = ConnectOutcome::Status::Busy;
    host.outcomes.push_back(busy);
    core->start();
    EXPECT_TRUE(host.launches.empty());
    EXPECT_EQ(host.timerMs, manifold::wire::ConnectRetryMs);
}

// C6: the hello carries who we are.
TEST_F(ShimCoreTest, TheHelloNamesTheServerAndTheProcess)
{
    startWelcomed();
    const std::string hello = helloOf(0);
    for (const char *part : {R"("role":"shim")", R"("server":"files")", R"("pid":4242)",
                             R"("ppid":17)", R"("parentExe":"/usr/bin/client")",
                             R"("cwd":"/home/me/project")"})
        EXPECT_TRUE(contains(hello, part)) << part << " in " << hello;
    EXPECT_TRUE(contains(hello, std::string(R"("peerVersion":")") + manifold::versionString()))
        << hello;
    EXPECT_FALSE(contains(hello, "previousSession\":7")) << "a first connect resumes nothing";
}

// C7: a broker of another version is noted, and served.
TEST_F(ShimCoreTest, ABrokerOfAnotherVersionIsNotedOnly)
{
    make();
    host.outcomes.push_back(FakeShimHost::connected());
    core->start();
    core->brokerBytes(FakeShimHost::welcome(100, 7, "0.0.1"));
    EXPECT_EQ(host.err, std::string("manifold-shim: note: broker is version 0.0.1, shim is ") +
                            manifold::versionString() + "\n");
    core->clientBytes(request("1") + "\n");
    EXPECT_EQ(afterHello(0), request("1") + "\n");
}

// C7: an answer that is not a hello reply is a refusal.
TEST_F(ShimCoreTest, AnAnswerThatIsNoHelloReplyIsARefusal)
{
    make();
    host.outcomes.push_back(FakeShimHost::connected());
    core->start();
    core->brokerBytes("HTTP/1.1 400 Bad Request\r\n");
    EXPECT_EQ(host.err, "manifold-shim: the broker sent an unexpected answer\n");
}

// C8: a broker that closes before answering is retried.
TEST_F(ShimCoreTest, ABrokerThatClosesBeforeAnsweringIsRetried)
{
    make();
    host.outcomes.push_back(FakeShimHost::connected());
    core->start();
    core->brokerBytes(R"({"accepted":)"); // half a reply, then gone
    core->brokerEof();
    EXPECT_EQ(host.timerMs, manifold::wire::ConnectRetryMs);
    host.outcomes.push_back(FakeShimHost::connected());
    core->timerFired();
    core->brokerBytes(FakeShimHost::welcome(100, 7));
    EXPECT_EQ(host.err, "");
    EXPECT_EQ(host.connects.size(), 2u);
}
