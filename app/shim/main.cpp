// manifold-shim: what an MCP client runs in place of a server. Plain C++ over the operating
// system's own calls (platform.h); the behaviour is ShimCore's.

#include "platform.h"

#include <cstdio>

#include "manifold/version.h"
#include "wire/rendezvous.h"

namespace {
constexpr char Usage[] = "Usage: manifold-shim [--socket PATH] NAME\n";
}

int main(int argc, char *argv[])
{
    using namespace manifold::shim;
    platform::prepareProcess();
    std::string socketPath;
    std::string name;
    const std::vector<std::string> args = platform::arguments(argc, argv);
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string &arg = args[i];
        if (arg == "--version") {
            std::printf("manifold-shim %s\n", manifold::versionString());
            return 0;
        }
        if (arg == "--help" || arg == "-h") {
            std::printf("%s\n"
                        "Point an MCP client's server command at this. It relays the client's stdio\n"
                        "to the shared server NAME in the Manifold broker, starting the broker if needed.\n",
                        Usage);
            return 0;
        }
        if (arg == "--socket" && i + 1 < args.size()) {
            socketPath = args[++i];
        } else if (arg.compare(0, 9, "--socket=") == 0) {
            socketPath = arg.substr(9);
        } else if (name.empty() && (arg.empty() || arg[0] != '-')) {
            name = arg;
        } else {
            std::fprintf(stderr, "manifold-shim: unexpected argument '%s'\n%s", arg.c_str(), Usage);
            return 2;
        }
    }
    if (name.empty()) {
        std::fprintf(stderr, "%s", Usage);
        return 2;
    }
    if (socketPath.empty())
        socketPath = manifold::wire::chooseSocket(socketPath, platform::environment("MANIFOLD_SOCKET"),
                                                  platform::defaultSocketPath())
                         .path;
    return platform::runShim(socketPath, name);
}
