#pragma once

// A ShimHost that records what ShimCore asks of the system and answers from a script, so the
// shim's behaviour is tested without processes, sockets or clocks.

#include "platform.h"
#include "shimcore.h"

#include <deque>
#include <set>
#include <string>
#include <vector>

#include "manifold/version.h"
#include "wire/hello.h"

namespace manifold::shim::test {

class FakeShimHost final : public ShimHost
{
public:
    // --- what ShimCore did
    std::string out;               // the client's stdout
    std::string err;               // stderr
    std::vector<std::string> sent; // bytes written to each broker channel, one entry per channel
    std::vector<std::string> connects; // endpoints tried, in order
    std::vector<std::string> launches; // sockets a broker was started on
    std::vector<std::string> lockPaths;
    std::vector<std::string> privateDirs;
    int timerMs = -1; // armed timer, -1 when none
    int exitCode = -1;
    bool channelOpen = false;
    bool lastCloseFlushed = false;
    bool lockHeld = false;

    // --- the script
    std::deque<ConnectOutcome> outcomes; // next connect results; empty: Failed
    std::set<std::string> existing;      // files that exist
    bool lockFree = true;
    bool launchWorks = true;
    bool privateDirWorks = true;
    bool stdoutWorks = true;
    ProcessFacts facts{4242, 17, "/usr/bin/client", "/home/me/project"};

    bool writeStdout(std::string_view bytes) override
    {
        if (!stdoutWorks)
            return false;
        out.append(bytes);
        return true;
    }
    void writeStderr(std::string_view text) override { err.append(text); }
    ConnectOutcome connectBroker(const std::string &endpoint) override
    {
        connects.push_back(endpoint);
        channelOpen = false;
        ConnectOutcome outcome;
        if (!outcomes.empty()) {
            outcome = outcomes.front();
            outcomes.pop_front();
        }
        if (outcome.status == ConnectOutcome::Status::Connected) {
            channelOpen = true;
            sent.emplace_back();
        }
        return outcome;
    }
    void writeBroker(std::string_view bytes) override
    {
        if (channelOpen)
            sent.back().append(bytes);
    }
    void closeBroker(bool flush) override
    {
        channelOpen = false;
        lastCloseFlushed = flush;
    }
    bool fileExists(const std::string &path) override { return existing.count(path) > 0; }
    void makePath(const std::string &) override {}
    bool ensurePrivateDirectory(const std::string &dir, std::string *error) override
    {
        privateDirs.push_back(dir);
        if (!privateDirWorks)
            *error = dir + " is a symbolic link; refusing to use it";
        return privateDirWorks;
    }
    bool tryLaunchLock(const std::string &path) override
    {
        lockPaths.push_back(path);
        lockHeld = lockFree;
        return lockFree;
    }
    void releaseLaunchLock() override { lockHeld = false; }
    bool startBroker(const std::string &socketPath, std::string *error) override
    {
        launches.push_back(socketPath);
        if (!launchWorks)
            *error = "cannot find the manifold executable (set MANIFOLD_BIN)";
        return launchWorks;
    }
    void armTimer(int ms) override { timerMs = ms; }
    void cancelTimer() override { timerMs = -1; }
    void exit(int code) override { exitCode = code; }
    ProcessFacts processFacts() override { return facts; }

    static ConnectOutcome connected()
    {
        ConnectOutcome outcome;
        outcome.status = ConnectOutcome::Status::Connected;
        return outcome;
    }
    static std::string welcome(int64_t brokerPid, int64_t session, const char *version = nullptr)
    {
        wire::HelloReply reply;
        reply.accepted = true;
        reply.brokerPid = brokerPid;
        reply.session = session;
        reply.brokerVersion = version ? version : manifold::versionString();
        return reply.toLine() + '\n';
    }
    static std::string refusal(const std::string &error, const std::string &closedReason = {})
    {
        wire::HelloReply reply;
        reply.error = error;
        reply.closedReason = closedReason;
        return reply.toLine() + '\n';
    }
};

} // namespace manifold::shim::test
