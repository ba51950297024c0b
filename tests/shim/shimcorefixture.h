#pragma once

#include "fakeshimhost.h"

#include <memory>

#include <gtest/gtest.h>

namespace manifold::shim::test {

inline constexpr char Socket[] = "/run/m/broker.sock";

// A ShimCore for server "files" on a FakeShimHost.
class ShimCoreTest : public ::testing::Test
{
protected:
    void make(std::vector<std::string> candidates = {Socket}, bool privateDirectory = false)
    {
        Connector::LaunchPlace place;
        place.directory = "/run/m";
        place.privateDirectory = privateDirectory;
        place.lockPath = std::string(Socket) + ".launch.lock";
        place.logPath = std::string(Socket) + ".log";
        core = std::make_unique<ShimCore>(host, std::move(candidates), place, "files");
    }
    // Started and welcomed by broker pid brokerPid as session.
    void startWelcomed(int64_t brokerPid = 100, int64_t session = 7)
    {
        if (!core)
            make();
        host.outcomes.push_back(FakeShimHost::connected());
        core->start();
        core->brokerBytes(FakeShimHost::welcome(brokerPid, session));
    }
    // What went to channel i after its hello line.
    std::string afterHello(size_t i) const
    {
        const std::string &all = host.sent.at(i);
        return all.substr(all.find('\n') + 1);
    }
    std::string helloOf(size_t i) const
    {
        const std::string &all = host.sent.at(i);
        return all.substr(0, all.find('\n'));
    }
    // The broker went away and a new one welcomes the shim.
    void reconnect(int64_t brokerPid = 200, int64_t session = 9)
    {
        host.outcomes.push_back(FakeShimHost::connected());
        core->brokerEof();
        core->brokerBytes(FakeShimHost::welcome(brokerPid, session));
    }

    FakeShimHost host;
    std::unique_ptr<ShimCore> core;
};

inline std::string request(const std::string &rawId, const std::string &method = "tools/call")
{
    return R"({"jsonrpc":"2.0","id":)" + rawId + R"(,"method":")" + method + R"("})";
}

inline std::string result(const std::string &rawId, const std::string &value = "{}")
{
    return R"({"jsonrpc":"2.0","id":)" + rawId + R"(,"result":)" + value + "}";
}

} // namespace manifold::shim::test
