#pragma once

#include <QList>
#include <QtGlobal>

#include <optional>

namespace manifold {

// Decides how long to wait before restarting a crashed child, and when to give up.
// Pure: the caller passes the time, so tests need no clock.
class RestartPolicy final
{
public:
    struct Settings
    {
        int initialDelayMs = 250;
        int maxDelayMs = 30000;
        int maxCrashes = 5;        // crashes within windowMs that count as a crash loop
        int windowMs = 60000;
    };

    RestartPolicy() = default;
    explicit RestartPolicy(Settings settings) : m_settings(settings) {}

    // Records a crash; the delay before the next start, or nullopt for a crash loop (give up).
    std::optional<int> onCrash(qint64 nowMs);
    int crashesInWindow(qint64 nowMs) const;
    void reset() { m_crashes.clear(); }
    const Settings &settings() const { return m_settings; }

private:
    void prune(qint64 nowMs);

    Settings m_settings;
    QList<qint64> m_crashes;
};

} // namespace manifold
