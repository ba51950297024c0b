// The per-platform entry points of platform.h for Windows.

#include "../platform.h"
#include "../shimcore.h"
#include "winhost.h"
#include "winnames.h"
#include "winsystem.h"
#include "wintext.h"

#include <cstdio>
#include <cwchar>

#include <fcntl.h>
#include <io.h>
#include <windows.h>

#include "wire/constants.h"
#include "wire/rendezvous.h"

namespace manifold::shim::platform {

void prepareProcess()
{
    // Bytes, not text: the C runtime must not turn "\n" into "\r\n" in anything printed.
    _setmode(_fileno(stdout), _O_BINARY);
    _setmode(_fileno(stdin), _O_BINARY);
}

std::vector<std::string> arguments(int, char **)
{
    // argv is in the ANSI code page; the UTF-16 command line has every character.
    const wchar_t *line = ::GetCommandLineW();
    std::vector<std::string> args = win::splitCommandLine(win::narrow(line, wcslen(line)));
    if (!args.empty())
        args.erase(args.begin());
    return args;
}

std::string environment(const char *name)
{
    return win::environmentVariable(name);
}

std::string defaultSocketPath()
{
    // core/platform/runtimepaths.cpp: USERNAME, or "user" when it is unset.
    const std::string user = win::environmentVariable("USERNAME");
    return wire::windowsPipeName(user.empty() ? std::string("user") : user);
}

std::vector<std::string> defaultSocketCandidates()
{
    return {defaultSocketPath()};
}

std::string socketDirectory(const std::string &endpoint)
{
    return wire::socketDirectory(endpoint, win::runtimeDir());
}

std::string sidecarPath(const std::string &endpoint, const char *suffix)
{
    return wire::sidecarPath(endpoint, suffix, win::runtimeDir());
}

int runShim(const std::string &endpoint, const std::string &server)
{
    win::WinHost host;
    ShimCore core(host, {endpoint}, launchPlace(endpoint), server);
    return host.run(core);
}

} // namespace manifold::shim::platform
