#include "winnames.h"

#include <algorithm>
#include <vector>

namespace manifold::shim::win {

namespace {

constexpr std::string_view PipePrefix = "\\\\.\\pipe\\";

std::string slashes(std::string_view path)
{
    std::string out(path);
    std::replace(out.begin(), out.end(), '\\', '/');
    return out;
}

void upperDriveLetter(std::string &path)
{
    if (path.size() >= 2 && path[1] == ':' && path[0] >= 'a' && path[0] <= 'z')
        path[0] = char(path[0] - 'a' + 'A');
}

} // namespace

std::string pipePath(std::string_view endpoint)
{
    if (endpoint.substr(0, PipePrefix.size()) == PipePrefix)
        return std::string(endpoint);
    return std::string(PipePrefix) + std::string(endpoint);
}

std::string cleanWindowsPath(std::string_view input)
{
    const std::string path = slashes(input);
    if (path.empty())
        return path;
    // The part no ".." may climb above: "C:/", "C:", "//server/share", "/" or nothing.
    std::string root;
    size_t pos = 0;
    if (path.size() >= 2 && path[1] == ':') {
        root = path.substr(0, 2);
        pos = 2;
        if (pos < path.size() && path[pos] == '/') {
            root += '/';
            ++pos;
        }
    } else if (path.size() >= 2 && path[0] == '/' && path[1] == '/') {
        root = "//";
        pos = 2;
    } else if (path[0] == '/') {
        root = "/";
        pos = 1;
    }
    std::vector<std::string> parts;
    bool leadingDotDots = false; // a relative path keeps its leading ".."
    while (pos <= path.size()) {
        size_t end = path.find('/', pos);
        if (end == std::string::npos)
            end = path.size();
        const std::string part = path.substr(pos, end - pos);
        pos = end + 1;
        if (part.empty() || part == ".")
            continue;
        if (part == "..") {
            if (!parts.empty() && !(leadingDotDots && parts.back() == "..")) {
                parts.pop_back();
                continue;
            }
            if (!root.empty())
                continue; // nothing above a root
            leadingDotDots = true;
        }
        parts.push_back(part);
    }
    std::string out = root;
    for (size_t i = 0; i < parts.size(); ++i) {
        if (i > 0)
            out += '/';
        out += parts[i];
    }
    if (out.empty())
        return root.empty() ? std::string(".") : root;
    return out;
}

std::string tempPathFromNative(std::string_view nativeTemp)
{
    std::string path(nativeTemp);
    while (!path.empty() && path.back() == '\\')
        path.pop_back();
    path = slashes(path);
    if (path.empty())
        return "C:/tmp";
    upperDriveLetter(path);
    return cleanWindowsPath(path);
}

std::string currentPathFromNative(std::string_view nativeCwd)
{
    std::string path(nativeCwd);
    if (path.rfind("\\\\?\\UNC\\", 0) == 0)
        path = "\\\\" + path.substr(8);
    else if (path.rfind("\\\\?\\", 0) == 0)
        path = path.substr(4);
    upperDriveLetter(path);
    return slashes(path);
}

std::string runtimeDirFromTemp(std::string_view tempPath)
{
    return std::string(tempPath) + "/manifold";
}

} // namespace manifold::shim::win
