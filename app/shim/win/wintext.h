#pragma once

// Text rules of the Windows shim that need no Windows headers, so they are unit-tested on every
// platform (tests/shim/test_win_text.cpp): UTF-16 <-> UTF-8, and the command line as the C runtime
// splits it and as CreateProcessW must be given it.

#include <string>
#include <string_view>
#include <vector>

namespace manifold::shim::win {

// Unpaired surrogates and invalid UTF-8 become U+FFFD (what QString's conversions do).
std::string utf8FromUtf16(std::u16string_view text);
std::u16string utf16FromUtf8(std::string_view text);

// Splits a command line (GetCommandLineW's, as UTF-8) the way the Microsoft C runtime fills
// argv: the program name ends at the first space outside quotes (no escapes); then arguments
// separated by spaces/tabs, "..." groups, 2n backslashes + '"' give n backslashes and a quote
// toggle, 2n+1 give n backslashes and a literal '"', and "" inside quotes is a literal '"'.
// The program name is included as the first element.
std::vector<std::string> splitCommandLine(std::string_view commandLine);

// One argument quoted so that splitCommandLine (and every program using the C runtime) gives it
// back unchanged.
std::string quoteArgument(std::string_view argument);

} // namespace manifold::shim::win
