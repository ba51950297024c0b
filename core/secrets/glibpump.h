#pragma once

#include <QObject>
#include <QTimer>

namespace manifold {

// Keeps GLib's default main context turning while keychain jobs are pending, when this thread's
// Qt event loop is not GLib's (QT_NO_GLIB=1, Qt's own Unix dispatcher): QtKeychain reaches the
// Secret Service through libsecret, whose answers are dispatched from that context and would
// otherwise never arrive. With GLib's dispatcher, or without GLib in the process, it does nothing.
class GlibPump final : public QObject
{
    Q_OBJECT

public:
    // One per thread, created on first use.
    static GlibPump &instance();

    void jobStarted();
    void jobEnded();

    // Whether pumping is needed here at all (tests check that it is under QT_NO_GLIB=1).
    static bool needed();

private:
    GlibPump();
    void iterate();

    using IterateFn = int (*)(void *context, int mayBlock);
    IterateFn m_iterate = nullptr;
    int m_pending = 0;
    QTimer m_timer;
};

} // namespace manifold
