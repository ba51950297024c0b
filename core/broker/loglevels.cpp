#include "loglevels.h"

#include <array>

namespace manifold {

namespace {
constexpr std::array<const char *, 8> Names = {"debug",    "info",  "notice", "warning",
                                               "error",    "critical", "alert", "emergency"};
}

std::optional<int> LogLevels::severity(QByteArrayView name)
{
    for (int i = 0; i < int(Names.size()); ++i) {
        if (name == Names[size_t(i)])
            return i;
    }
    return std::nullopt;
}

QByteArray LogLevels::name(int severity)
{
    return QByteArray(Names[size_t(qBound(0, severity, int(Names.size()) - 1))]);
}

std::optional<int> LogLevels::effective() const
{
    std::optional<int> lowest;
    for (int level : m_levels) {
        if (!lowest || level < *lowest)
            lowest = level;
    }
    return lowest;
}

bool LogLevels::wants(quint64 session, int messageSeverity) const
{
    const auto it = m_levels.constFind(session);
    return it == m_levels.cend() || messageSeverity >= *it;
}

} // namespace manifold
