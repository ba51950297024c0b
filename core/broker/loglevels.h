#pragma once

#include <QByteArray>
#include <QMap>

#include <optional>

namespace manifold {

// MCP logging levels (RFC 5424 order) and the per-session choices behind one shared child:
// the child runs at the most verbose level any session asked for; each session only sees
// messages at or above its own level.
class LogLevels final
{
public:
    // 0 = debug ... 7 = emergency; nullopt for an unknown name.
    static std::optional<int> severity(QByteArrayView name);
    static QByteArray name(int severity);

    void set(quint64 session, int severity) { m_levels.insert(session, severity); }
    void remove(quint64 session) { m_levels.remove(session); }
    std::optional<int> levelOf(quint64 session) const
    {
        const auto it = m_levels.constFind(session);
        return it == m_levels.cend() ? std::nullopt : std::optional<int>(*it);
    }
    // The level the child should run at, nullopt when no session asked for one.
    std::optional<int> effective() const;
    // Sessions that never set a level get everything, as a server would send them.
    bool wants(quint64 session, int messageSeverity) const;

private:
    QMap<quint64, int> m_levels;
};

} // namespace manifold
