// fake_mcp_server: scriptable MCP stdio server for Manifold's integration tests.
// Flags and behaviours are listed in README.md next to this file.

#include "fakeserver.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <QCoreApplication>

#include <signal.h>
#include <unistd.h>

namespace {

volatile sig_atomic_t g_ignoreSigterm = 0;

void writeStderr(const char *text)
{
    size_t left = std::strlen(text);
    while (left > 0) {
        const ssize_t n = ::write(STDERR_FILENO, text, left);
        if (n <= 0)
            return;
        text += n;
        left -= size_t(n);
    }
}

// Async-signal-safe: only write() and _exit().
void onSigterm(int)
{
    if (g_ignoreSigterm) {
        writeStderr("ignoring SIGTERM\n");
        return;
    }
    writeStderr("got SIGTERM\n");
    ::_exit(0);
}

void installSignalHandlers()
{
    struct sigaction action;
    std::memset(&action, 0, sizeof action);
    action.sa_handler = onSigterm;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGTERM, &action, nullptr);
    // A closed stdout shows up as EPIPE from write() instead of killing us silently.
    ::signal(SIGPIPE, SIG_IGN);
    // Reap grandchildren automatically so they never linger as zombies.
    ::signal(SIGCHLD, SIG_IGN);
}

[[noreturn]] void usage(const char *message)
{
    std::fprintf(stderr,
                 "fake_mcp_server: %s\n"
                 "usage: fake_mcp_server [--slow-start MS] [--ignore-ping] [--strict-init]\n"
                 "       [--crash-after-init] [--exit-immediately CODE] [--garbage-at-start]\n"
                 "       [--banner TEXT] [--ignore-stdin-close] [--stateless]\n"
                 "       [--request-log FILE]\n",
                 message);
    std::exit(2);
}

int intValue(const char *flag, const char *text)
{
    char *end = nullptr;
    const long value = std::strtol(text, &end, 10);
    if (!*text || *end)
        usage((std::string("bad number for ") + flag + ": " + text).c_str());
    return int(value);
}

} // namespace

int main(int argc, char **argv)
{
    installSignalHandlers();

    FakeServerOptions options;
    int slowStartMs = 0;
    bool exitImmediately = false;
    int exitCode = 0;
    bool garbageAtStart = false;
    const char *banner = nullptr;

    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> const char * {
            if (i + 1 >= argc)
                usage((arg + " needs a value").c_str());
            return argv[++i];
        };
        if (arg == "--slow-start")
            slowStartMs = intValue("--slow-start", value());
        else if (arg == "--ignore-ping")
            options.ignorePing = true;
        else if (arg == "--strict-init")
            options.strictInit = true;
        else if (arg == "--crash-after-init")
            options.crashAfterInit = true;
        else if (arg == "--exit-immediately")
            exitImmediately = true, exitCode = intValue("--exit-immediately", value());
        else if (arg == "--garbage-at-start")
            garbageAtStart = true;
        else if (arg == "--banner")
            banner = value();
        else if (arg == "--ignore-stdin-close")
            options.ignoreStdinClose = true;
        else if (arg == "--stateless")
            options.stateless = true;
        else if (arg == "--ask-roots")
            options.askRoots = true;
        else if (arg == "--request-log")
            options.requestLog = QString::fromLocal8Bit(value());
        else
            usage(("unknown argument " + arg).c_str());
    }
    g_ignoreSigterm = options.ignoreStdinClose ? 1 : 0;

    if (banner) {
        writeStderr(banner);
        writeStderr("\n");
    }
    if (exitImmediately) {
        writeStderr("exiting immediately as asked\n");
        return exitCode;
    }
    if (garbageAtStart) {
        const char garbage[] = "garbage at start: this is not json {{{\n";
        if (::write(STDOUT_FILENO, garbage, sizeof garbage - 1) < 0)
            return 0;
    }
    if (slowStartMs > 0)
        ::usleep(useconds_t(slowStartMs) * 1000);

    QCoreApplication app(argc, argv);
    FakeServer server(options);
    server.start();
    return QCoreApplication::exec();
}
