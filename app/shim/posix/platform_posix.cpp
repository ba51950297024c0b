// The per-platform entry points of platform.h for Linux and macOS.

#include "../platform.h"
#include "../shimcore.h"
#include "posixhost.h"

#include <csignal>
#include <cstdlib>

#include "platform/allocator.h"
#include "wire/constants.h"
#include "wire/rendezvous.h"

namespace manifold::shim::platform {

void prepareProcess()
{
    manifold::platform::tuneAllocator();
    // A gone client or broker shows as a write error, not as a signal that kills us.
    std::signal(SIGPIPE, SIG_IGN);
}

std::vector<std::string> arguments(int argc, char **argv)
{
    return std::vector<std::string>(argv + (argc > 0 ? 1 : 0), argv + argc);
}

std::string environment(const char *name)
{
    const char *value = std::getenv(name);
    return value ? value : std::string();
}

std::string defaultSocketPath()
{
    return wire::rendezvousDirectory(wire::currentRendezvousInputs()) + '/' +
           wire::SocketFileName;
}

std::vector<std::string> defaultSocketCandidates()
{
    std::vector<std::string> sockets;
    for (const std::string &dir : wire::rendezvousCandidates(wire::currentRendezvousInputs()))
        sockets.push_back(dir + '/' + wire::SocketFileName);
    return sockets;
}

std::string socketDirectory(const std::string &endpoint)
{
    return wire::socketDirectory(endpoint);
}

std::string sidecarPath(const std::string &endpoint, const char *suffix)
{
    return wire::sidecarPath(endpoint, suffix);
}

int runShim(const std::string &endpoint, const std::string &server)
{
    const Connector::LaunchPlace place = launchPlace(endpoint);
    std::vector<std::string> candidates =
        place.privateDirectory ? defaultSocketCandidates() : std::vector<std::string>{endpoint};
    if (candidates.empty() || candidates.front() != endpoint)
        candidates.insert(candidates.begin(), endpoint);

    posix::PosixHost host;
    ShimCore core(host, std::move(candidates), place, server);
    return host.run(core);
}

} // namespace manifold::shim::platform
