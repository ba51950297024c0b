#pragma once

#include <QUrl>

#include <functional>

namespace manifold::remote {

// Opens a sign-in URL: $MANIFOLD_URL_OPENER names a program (tests' scripted browser, a
// custom launcher) that is started detached with the URL as its only argument; without it
// the fallback decides (the tray opens the desktop browser, the headless broker prints it).
// Returns false if the named program could not be started (the fallback is not tried then).
bool openUrlWithOpener(const QUrl &url, const std::function<void(const QUrl &)> &fallback);

} // namespace manifold::remote
