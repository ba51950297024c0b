#include "restartpolicy.h"

#include <algorithm>

namespace manifold {

std::optional<int> RestartPolicy::onCrash(qint64 nowMs)
{
    prune(nowMs);
    m_crashes.append(nowMs);
    const int count = int(m_crashes.size());
    if (count >= m_settings.maxCrashes)
        return std::nullopt;
    qint64 delay = m_settings.initialDelayMs;
    for (int i = 1; i < count && delay < m_settings.maxDelayMs; ++i)
        delay *= 2;
    return int(std::min<qint64>(delay, m_settings.maxDelayMs));
}

int RestartPolicy::crashesInWindow(qint64 nowMs) const
{
    return int(std::count_if(m_crashes.cbegin(), m_crashes.cend(),
                             [&](qint64 t) { return nowMs - t < m_settings.windowMs; }));
}

void RestartPolicy::prune(qint64 nowMs)
{
    m_crashes.removeIf([&](qint64 t) { return nowMs - t >= m_settings.windowMs; });
}

} // namespace manifold
