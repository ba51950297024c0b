#include "rendezvous.h"

#include <algorithm>
#include <cstdlib>

#include "constants.h"

#ifndef _WIN32
#include <cerrno>
#include <climits>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace manifold::wire {
namespace {

bool fail(std::string *error, std::string message)
{
    if (error)
        *error = std::move(message);
    return false;
}

bool startsWithPipePrefix(const std::string &path)
{
    static const std::string prefix = "\\\\.\\pipe\\";
    if (path.size() < prefix.size())
        return false;
    return std::equal(prefix.begin(), prefix.end(), path.begin(), [](char a, char b) {
        const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
        return lower(a) == lower(b);
    });
}

} // namespace

std::string rendezvousDirectory(const RendezvousInputs &inputs)
{
    if (!inputs.darwinUserTempDir.empty())
        return cleanPath(inputs.darwinUserTempDir) + "/manifold";
    const std::string root = inputs.root.empty() ? std::string() : cleanPath(inputs.root);
    const std::string userRun = root + "/run/user/" + std::to_string(inputs.uid);
    if (inputs.isPrivateUserDirectory && inputs.isPrivateUserDirectory(userRun, inputs.uid))
        return userRun + "/manifold";
    // The uid in the name keeps users of a shared /tmp apart; ensurePrivateDirectory() checks
    // ownership before the broker uses it and the shim checks the broker's uid.
    return root + "/tmp/manifold-" + std::to_string(inputs.uid);
}

std::vector<std::string> rendezvousCandidates(const RendezvousInputs &inputs)
{
    std::vector<std::string> dirs{rendezvousDirectory(inputs)};
    RendezvousInputs withoutRunUser = inputs;
    withoutRunUser.isPrivateUserDirectory = nullptr;
    std::string fallback = rendezvousDirectory(withoutRunUser);
    if (std::find(dirs.begin(), dirs.end(), fallback) == dirs.end())
        dirs.push_back(std::move(fallback));
    return dirs;
}

std::string cleanPath(const std::string &path)
{
    if (path.empty())
        return path;
    const bool absolute = path.front() == '/';
    std::vector<std::string> parts;
    size_t at = 0;
    while (at <= path.size()) {
        size_t slash = path.find('/', at);
        if (slash == std::string::npos)
            slash = path.size();
        const std::string part = path.substr(at, slash - at);
        at = slash + 1;
        if (part.empty() || part == ".")
            continue;
        if (part == "..") {
            if (!parts.empty() && parts.back() != "..")
                parts.pop_back();
            else if (!absolute)
                parts.push_back(part); // a relative path keeps the ".." it cannot resolve
            continue;
        }
        parts.push_back(part);
    }
    std::string out = absolute ? "/" : "";
    for (size_t i = 0; i < parts.size(); ++i) {
        if (i > 0)
            out += '/';
        out += parts[i];
    }
    return out.empty() ? "." : out;
}

SocketChoice chooseSocket(const std::string &option, const std::string &environment,
                          const std::string &defaultPath)
{
    SocketChoice choice;
    choice.path = !option.empty() ? option : !environment.empty() ? environment : defaultPath;
    const auto same = [](const std::string &a, const std::string &b) {
        return !a.empty() && !b.empty() && cleanPath(a) == cleanPath(b);
    };
    if (same(choice.path, defaultPath))
        choice.source = SocketSource::Default;
    else if (same(choice.path, environment))
        choice.source = SocketSource::Environment;
    else
        choice.source = SocketSource::Option;
    return choice;
}

bool isPipeName(const std::string &socketPath)
{
#ifdef _WIN32
    return startsWithPipePrefix(socketPath) || socketPath.find('/') == std::string::npos;
#else
    (void)socketPath;
    return false;
#endif
}

std::string sidecarPath(const std::string &socketPath, const std::string &suffix,
                        const std::string &pipeFilesDir)
{
    if (!isPipeName(socketPath))
        return socketPath + suffix;
    const std::string name =
        startsWithPipePrefix(socketPath) ? socketPath.substr(9) : socketPath; // 9: "\\.\pipe\"
    return pipeFilesDir + '/' + name + suffix;
}

std::string socketDirectory(const std::string &socketPath, const std::string &pipeFilesDir)
{
    if (isPipeName(socketPath))
        return pipeFilesDir;
    std::string absolute = socketPath;
#ifndef _WIN32
    if (absolute.empty() || absolute.front() != '/') {
        char cwd[PATH_MAX];
        if (::getcwd(cwd, sizeof cwd))
            absolute = std::string(cwd) + '/' + absolute;
    }
#endif
    absolute = cleanPath(absolute);
    const size_t slash = absolute.rfind('/');
    if (slash == std::string::npos)
        return ".";
    return slash == 0 ? "/" : absolute.substr(0, slash);
}

std::string windowsPipeName(std::string user)
{
    std::replace(user.begin(), user.end(), '\\', '_');
    return PipePrefix + user;
}

#ifndef _WIN32

bool isPrivateUserDirectory(const std::string &dir, uint32_t uid)
{
    struct stat info;
    if (::lstat(dir.c_str(), &info) != 0)
        return false;
    return S_ISDIR(info.st_mode) && info.st_uid == uid && (info.st_mode & 07777) == 0700;
}

RendezvousInputs currentRendezvousInputs()
{
    RendezvousInputs inputs;
    inputs.uid = uint32_t(::getuid());
    if (const char *root = std::getenv("MANIFOLD_RUNTIME_ROOT"))
        inputs.root = root;
    inputs.isPrivateUserDirectory = &isPrivateUserDirectory;
#ifdef __APPLE__
    if (inputs.root.empty()) {
        char buffer[PATH_MAX];
        const size_t length = ::confstr(_CS_DARWIN_USER_TEMP_DIR, buffer, sizeof buffer);
        if (length > 0 && length <= sizeof buffer)
            inputs.darwinUserTempDir = buffer;
    }
#endif
    return inputs;
}

bool ensurePrivateDirectory(const std::string &dir, std::string *error)
{
    if (dir.empty())
        return fail(error, "empty directory path");
    const std::string clean = cleanPath(dir);
    // mkdir -p; the leaf is made private from its creation, parents get the umask's mode.
    for (size_t at = clean.find('/', 1);; at = clean.find('/', at + 1)) {
        const bool leaf = at == std::string::npos;
        const std::string prefix = leaf ? clean : clean.substr(0, at);
        if (::mkdir(prefix.c_str(), leaf ? 0700 : 0777) != 0) {
            struct stat existing;
            if (errno != EEXIST || ::stat(prefix.c_str(), &existing) != 0 ||
                !S_ISDIR(existing.st_mode))
                return fail(error, "cannot create directory " + dir);
        }
        if (leaf)
            break;
    }
    struct stat info;
    // lstat: in a shared /tmp someone else could have planted a symlink to a dir they control.
    if (::lstat(clean.c_str(), &info) != 0)
        return fail(error, "cannot inspect " + dir + ": " + std::strerror(errno));
    if (S_ISLNK(info.st_mode))
        return fail(error, dir + " is a symbolic link; refusing to use it");
    if (!S_ISDIR(info.st_mode))
        return fail(error, dir + " is not a directory");
    if (info.st_uid != ::getuid())
        return fail(error, dir + " is owned by uid " + std::to_string(info.st_uid) +
                               ", not by us (uid " + std::to_string(::getuid()) + ")");
    if ((info.st_mode & 07777) != 0700 && ::chmod(clean.c_str(), 0700) != 0)
        return fail(error, "cannot make " + dir + " private: " + std::strerror(errno));
    return true;
}

#endif

} // namespace manifold::wire
