#pragma once

#include <QtGlobal>

namespace manifold::platform {

// Makes the next QCoreApplication use Qt's own Unix event dispatcher instead of GLib's: for the
// shim, which only relays bytes, GLib's loop costs an eventfd write per socket-notifier change
// (about twice the system calls per relayed message). The broker keeps GLib's: measured after
// issue 17's hot-path work (no posted event per message any more) the two dispatchers cost the
// same per call, and GLib's is what the tray's platform themes expect. The keychain works under
// either (core/secrets/glibpump.h turns GLib's context while a job waits). Create one just
// before the QCoreApplication and call restoreEnvironment() right after it, so a broker the shim
// starts does not inherit QT_NO_GLIB. A QT_NO_GLIB the user set is left alone.
class LeanEventLoop final
{
public:
    LeanEventLoop() : m_set(!qEnvironmentVariableIsSet("QT_NO_GLIB"))
    {
        if (m_set)
            qputenv("QT_NO_GLIB", "1");
    }
    void restoreEnvironment()
    {
        if (m_set)
            qunsetenv("QT_NO_GLIB");
        m_set = false;
    }

private:
    bool m_set;
};

} // namespace manifold::platform
