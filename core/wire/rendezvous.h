#pragma once

// The per-user rendezvous rule (see core/platform/runtimepaths.h for the full rationale), Qt-free
// so that the shim and the broker compute exactly the same socket paths.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace manifold::wire {

struct RendezvousInputs
{
    uint32_t uid = 0;
    std::string root;              // MANIFOLD_RUNTIME_ROOT; empty for the real filesystem root
    std::string darwinUserTempDir; // macOS only
    std::function<bool(const std::string &dir, uint32_t uid)> isPrivateUserDirectory;
};

// The rule as a pure function of its inputs (Unix; Windows does not use it).
std::string rendezvousDirectory(const RendezvousInputs &inputs);
// Every directory the rule can give this user, rendezvousDirectory() first.
std::vector<std::string> rendezvousCandidates(const RendezvousInputs &inputs);

#ifndef _WIN32
// This process's inputs: getuid(), MANIFOLD_RUNTIME_ROOT, confstr, lstat.
RendezvousInputs currentRendezvousInputs();
// Is dir a real directory (not a symlink) owned by uid with mode 0700?
bool isPrivateUserDirectory(const std::string &dir, uint32_t uid);
// mkdir -p, mode 0700 on the leaf, owned by us, not a symlink. False with *error otherwise.
bool ensurePrivateDirectory(const std::string &dir, std::string *error);
#endif

// "/a//b/./c/../d/" -> "/a/b/d", as QDir::cleanPath does for the paths used here.
std::string cleanPath(const std::string &path);

// Is socketPath a Windows named pipe (\\.\pipe\... or a bare name without '/')? Always false
// elsewhere.
bool isPipeName(const std::string &socketPath);

// A file that belongs with the broker at socketPath (suffix LockSuffix, LaunchLockSuffix,
// LogSuffix): socketPath + suffix where the socket is a file; for a pipe, a file of the pipe's
// name in pipeFilesDir (Windows: <tmp>/manifold).
std::string sidecarPath(const std::string &socketPath, const std::string &suffix,
                        const std::string &pipeFilesDir = {});

// The directory the sidecar files and (on Unix) the socket live in: the socket's absolute
// parent directory, or pipeFilesDir for a pipe.
std::string socketDirectory(const std::string &socketPath, const std::string &pipeFilesDir = {});

// The per-user broker pipe, \\.\pipe\manifold-<user> with any backslash in user made '_'.
std::string windowsPipeName(std::string user);

enum class SocketSource { Default, Environment, Option };
struct SocketChoice
{
    std::string path;
    SocketSource source = SocketSource::Default;
};
// --socket wins over MANIFOLD_SOCKET, which wins over the default (see runtimepaths.h).
SocketChoice chooseSocket(const std::string &option, const std::string &environment,
                          const std::string &defaultPath);

} // namespace manifold::wire
