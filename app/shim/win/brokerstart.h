#pragma once

// Starting the broker from the Windows shim: `manifold --headless|--minimized --socket ENDPOINT`,
// detached (no console, its own process group, out of the client's job when the job allows),
// stdin NUL, stdout/stderr appended to the endpoint's .log sidecar, no other handle inherited.
// Windows only.

#include <string>

namespace manifold::shim::win {

// $MANIFOLD_BIN, else manifold.exe beside this executable, else manifold.exe on PATH; empty when
// none is found.
std::string brokerExecutable();
// false with *error (the text after "could not be started: ").
bool startBroker(const std::string &endpoint, std::string *error);

} // namespace manifold::shim::win
