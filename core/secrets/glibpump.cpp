#include "secrets/glibpump.h"

#include <QAbstractEventDispatcher>
#include <QCoreApplication>

#if defined(Q_OS_UNIX) && !defined(Q_OS_MACOS)
#include <dlfcn.h>
#endif

namespace manifold {

namespace {
// Short enough that a keychain answer is not noticeably later; it only runs while jobs wait.
constexpr int PumpIntervalMs = 5;
// Events dispatched per tick at most: libsecret's answer is a handful of GDBus callbacks.
constexpr int MaxIterationsPerTick = 64;
} // namespace

GlibPump &GlibPump::instance()
{
    static thread_local GlibPump pump;
    return pump;
}

GlibPump::GlibPump()
{
#if defined(Q_OS_UNIX) && !defined(Q_OS_MACOS)
    // Resolved, not linked: GLib is there when Qt or libsecret brought it, and then it is the
    // same library libsecret dispatches from.
    if (needed())
        m_iterate = reinterpret_cast<IterateFn>(::dlsym(RTLD_DEFAULT, "g_main_context_iteration"));
#endif
    m_timer.setInterval(PumpIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &GlibPump::iterate);
}

bool GlibPump::needed()
{
#if defined(Q_OS_UNIX) && !defined(Q_OS_MACOS)
    const QAbstractEventDispatcher *dispatcher = QAbstractEventDispatcher::instance();
    return dispatcher && !dispatcher->inherits("QEventDispatcherGlib") &&
           !dispatcher->inherits("QPAEventDispatcherGlib");
#else
    return false;
#endif
}

void GlibPump::jobStarted()
{
    if (++m_pending == 1 && m_iterate)
        m_timer.start();
}

void GlibPump::jobEnded()
{
    if (m_pending > 0 && --m_pending == 0)
        m_timer.stop();
}

void GlibPump::iterate()
{
    // Without blocking: only what is ready is dispatched; the Qt loop keeps the thread.
    for (int i = 0; i < MaxIterationsPerTick && m_iterate(nullptr, 0); ++i) {
    }
}

} // namespace manifold
