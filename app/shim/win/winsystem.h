#pragma once

// Small Win32 wrappers for the Windows shim, in UTF-8: strings cross into Windows as UTF-16 here
// and nowhere else. Windows only.

#include <cstdint>
#include <string>
#include <string_view>

namespace manifold::shim::win {

std::wstring wide(std::string_view utf8);
std::string narrow(const wchar_t *text, size_t length);
std::string narrow(const std::wstring &text);

// An environment variable (empty when unset).
std::string environmentVariable(const char *name);
// "the system's text for code (N)".
std::string systemMessage(unsigned long code);

// QDir::tempPath() and runtimeDir (QDir::tempPath() + "/manifold"), computed once.
const std::string &runtimeDir();
// QDir::currentPath().
std::string currentPath();
// The directory of this executable, with '\' separators (as GetModuleFileNameW gives it).
std::wstring executableDirectory();

// For QLockFile's staleness rule: is pid a live process, and its executable's base name without
// extension ("" when unknown).
bool processRunning(int64_t pid);
std::string processBaseName(int64_t pid);

bool pathExists(const std::string &path);
// mkdir -p; true when the directory exists afterwards.
bool makePath(const std::string &dir);

} // namespace manifold::shim::win
