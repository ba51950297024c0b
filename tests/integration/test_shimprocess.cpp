// manifold-shim as a process, for the rows the broker-driven tests do not reach: its command
// line (--help, bad arguments), a client whose stdout is gone, and a socket of another user.
#include "processhelpers.h"

#include <QDir>
#include <QLocalServer>
#include <QLocalSocket>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

extern char **environ;

using processhelpers::ClientProcess;
using processhelpers::initializeLine;

namespace {

constexpr char Usage[] = "Usage: manifold-shim [--socket PATH] NAME\n";

// A socket that answers a shim's hello with a welcome; then the test writes to it.
class WelcomingSocket
{
public:
    explicit WelcomingSocket(const QString &path)
    {
        m_server.listen(path);
        QObject::connect(&m_server, &QLocalServer::newConnection, [this] {
            m_peer = m_server.nextPendingConnection();
            QObject::connect(m_peer, &QLocalSocket::readyRead, [this] {
                m_received += m_peer->readAll();
                if (!m_welcomed && m_received.contains('\n')) {
                    m_welcomed = true;
                    m_peer->write(
                        R"({"manifold":"welcome","version":1,"brokerPid":1,"brokerVersion":"0"})"
                        "\n");
                }
            });
        });
    }
    bool listening() const { return m_server.isListening(); }
    bool welcomed() const { return m_welcomed; }
    QLocalSocket *peer() const { return m_peer; }

private:
    QLocalServer m_server;
    QLocalSocket *m_peer = nullptr;
    QByteArray m_received;
    bool m_welcomed = false;
};

} // namespace

// M2
TEST(ShimCommandLine, HelpPrintsTheUsageAndExitsZero)
{
    for (const char *option : {"--help", "-h"}) {
        ClientProcess shim({QString::fromLatin1(option)});
        ASSERT_TRUE(shim.waitForExit());
        EXPECT_EQ(shim.process().exitCode(), 0) << option;
        EXPECT_TRUE(shim.out().startsWith(QByteArray(Usage) + "\nPoint an MCP client's server command"))
            << shim.out().constData();
    }
}

// M3
TEST(ShimCommandLine, BadArgumentsExitTwoWithTheUsage)
{
    const QList<QStringList> cases = {{QStringLiteral("--frobnicate"), QStringLiteral("x")},
                                      {QStringLiteral("one"), QStringLiteral("two")},
                                      {QStringLiteral("--socket")},
                                      {}};
    for (const QStringList &args : cases) {
        ClientProcess shim(args);
        ASSERT_TRUE(shim.waitForExit());
        EXPECT_EQ(shim.process().exitCode(), 2) << args.join(' ').toStdString();
        EXPECT_TRUE(shim.err().endsWith(Usage)) << shim.err().constData();
        EXPECT_TRUE(shim.out().isEmpty());
    }
    ClientProcess unexpected({QStringLiteral("--frobnicate"), QStringLiteral("x")});
    ASSERT_TRUE(unexpected.waitForExit());
    EXPECT_TRUE(unexpected.err().startsWith("manifold-shim: unexpected argument '--frobnicate'\n"))
        << unexpected.err().constData();
}

// M3: --socket=PATH is the same as --socket PATH.
TEST(ShimCommandLine, SocketOptionWithEqualsSignIsUsed)
{
    QTemporaryDir dir;
    const QString socketPath = dir.filePath(QStringLiteral("b.sock"));
    WelcomingSocket broker(socketPath);
    ASSERT_TRUE(broker.listening());
    ClientProcess shim({QStringLiteral("--socket=") + socketPath, QStringLiteral("x")});
    ASSERT_TRUE(QTest::qWaitFor([&] { return broker.welcomed(); }, 10000));
    shim.process().closeWriteChannel();
    ASSERT_TRUE(shim.waitForExit());
    EXPECT_EQ(shim.process().exitCode(), 0);
}

// M4/C6: a socket name that is not an absolute path is looked for where QLocalSocket (the broker's
// listener) puts it: under $TMPDIR.
TEST(ShimCommandLine, ARelativeSocketNameIsUnderTheTempDir)
{
    QTemporaryDir dir;
    ASSERT_TRUE(QDir(dir.path()).mkpath(QStringLiteral("sub")));
    WelcomingSocket inSub(dir.filePath(QStringLiteral("sub/b.sock")));
    ASSERT_TRUE(inSub.listening());
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("TMPDIR"), dir.path() + QStringLiteral("/"));
    env.insert(QStringLiteral("MANIFOLD_BIN"), QStringLiteral("/bin/false"));
    ClientProcess shim({QStringLiteral("--socket"), QStringLiteral("sub/b.sock"), QStringLiteral("x")}, env);
    ASSERT_TRUE(QTest::qWaitFor([&] { return inSub.welcomed(); }, 10000)) << shim.err().constData();
    shim.process().closeWriteChannel();
    ASSERT_TRUE(shim.waitForExit());
    EXPECT_EQ(shim.process().exitCode(), 0);
}

// S13: the client closed its end of the shim's stdout: the next line the shim relays fails, exit 1.
TEST(ShimProcessEnds, WhenTheClientsStdoutIsGoneTheShimExitsOne)
{
    QTemporaryDir dir;
    const QString socketPath = dir.filePath(QStringLiteral("b.sock"));
    WelcomingSocket broker(socketPath);
    ASSERT_TRUE(broker.listening());

    int in[2];
    int out[2];
    ASSERT_EQ(::pipe(in), 0);
    ASSERT_EQ(::pipe(out), 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addclose(&actions, in[1]);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    const QByteArray socketArg = QFile::encodeName(socketPath);
    const char *argv[] = {MANIFOLD_SHIM_PATH, "--socket", socketArg.constData(), "x", nullptr};
    pid_t pid = -1;
    ASSERT_EQ(posix_spawn(&pid, MANIFOLD_SHIM_PATH, &actions, nullptr,
                          const_cast<char *const *>(argv), environ),
              0);
    posix_spawn_file_actions_destroy(&actions);
    ::close(in[0]);
    ::close(out[1]);
    ::close(out[0]); // the client stops listening before anything comes

    ASSERT_TRUE(QTest::qWaitFor([&] { return broker.welcomed(); }, 10000));
    broker.peer()->write(R"({"jsonrpc":"2.0","id":1,"result":{}})" "\n");
    int status = -1;
    const bool ended = QTest::qWaitFor([&] { return ::waitpid(pid, &status, WNOHANG) == pid; }, 10000);
    ::close(in[1]);
    if (!ended) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
    }
    ASSERT_TRUE(ended);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 1);
}

// C5: a socket served by another user is refused before anything is sent to it.
TEST(ShimPeerCheck, ASocketOfAnotherUserIsRefused)
{
    if (::geteuid() != 0)
        GTEST_SKIP() << "needs root to serve a socket as another user";
    QTemporaryDir dir;
    ASSERT_EQ(::chmod(QFile::encodeName(dir.path()).constData(), 0777), 0);
    const QByteArray socketPath = QFile::encodeName(dir.filePath(QStringLiteral("other.sock")));
    constexpr uid_t Nobody = 65534;
    int ready[2];
    ASSERT_EQ(::pipe(ready), 0);
    const pid_t server = ::fork();
    ASSERT_GE(server, 0);
    if (server == 0) {
        // Only system calls from here: a listener owned by nobody, until the test kills it.
        if (::setgid(Nobody) != 0 || ::setuid(Nobody) != 0)
            ::_exit(3);
        const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un addr = {};
        addr.sun_family = AF_UNIX;
        std::memcpy(addr.sun_path, socketPath.constData(), size_t(socketPath.size()) + 1);
        if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 || ::listen(fd, 4) != 0)
            ::_exit(4);
        if (::write(ready[1], "r", 1) != 1)
            ::_exit(5);
        for (;;)
            ::pause();
    }
    ::close(ready[1]);
    char byte = 0;
    const bool listening = ::read(ready[0], &byte, 1) == 1;
    ::close(ready[0]);
    const auto stopServer = [&] {
        ::kill(server, SIGKILL);
        ::waitpid(server, nullptr, 0);
    };
    if (!listening) {
        stopServer();
        FAIL() << "the other user's listener did not start";
    }
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("MANIFOLD_BIN"), QStringLiteral("/bin/false"));
    ClientProcess shim({QStringLiteral("--socket"), QFile::decodeName(socketPath), QStringLiteral("x")}, env);
    shim.write(initializeLine("0"));
    const bool exited = shim.waitForExit(10000);
    stopServer();
    ASSERT_TRUE(exited);
    EXPECT_EQ(shim.process().exitCode(), 1);
    const QByteArray expected = "manifold-shim: the socket " + socketPath +
                                " belongs to another user (uid 65534); refusing to use it\n";
    EXPECT_EQ(shim.err(), expected);
    EXPECT_TRUE(shim.out().contains("\"code\":-32001")) << shim.out().constData();
    EXPECT_TRUE(shim.out().contains("belongs to another user")) << shim.out().constData();
}
