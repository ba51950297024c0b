#include "instancekey.h"

#include "broker/project.h"

#include <QJsonArray>

namespace manifold {

QString InstanceKey::text() const
{
    QStringList parts;
    if (!project.isEmpty())
        parts << QStringLiteral("project:") + project;
    if (!client.isEmpty())
        parts << client;
    if (!session.isEmpty())
        parts << session;
    if (byRoots)
        parts << (roots.isEmpty() ? QStringLiteral("no roots") : QStringLiteral("roots:") + roots.join(QLatin1Char(',')));
    return parts.isEmpty() ? QStringLiteral("shared") : parts.join(QLatin1Char(' '));
}

QJsonObject InstanceKey::partsJson() const
{
    return {{QStringLiteral("project"), project},
            {QStringLiteral("roots"), byRoots ? QJsonValue(QJsonArray::fromStringList(roots)) : QJsonValue()},
            {QStringLiteral("client"), client},
            {QStringLiteral("session"), session}};
}

QList<QByteArray> effectiveRoots(const SessionFacts &facts)
{
    if (!facts.rootsCapable)
        return {};
    if (facts.roots)
        return *facts.roots;
    if (facts.cwd.isEmpty())
        return {};
    return {project::rootObjectFor(facts.cwd)};
}

bool keyAwaitsRoots(ServerConfig::Sharing sharing, const SessionFacts &facts, bool usesRoots)
{
    return facts.rootsCapable && !facts.roots && (usesRoots || sharing == ServerConfig::Sharing::PerProject);
}

InstanceKey instanceKeyFor(ServerConfig::Sharing sharing, const SessionFacts &facts, bool usesRoots)
{
    InstanceKey key;
    switch (sharing) {
    case ServerConfig::Sharing::Shared:
        break;
    case ServerConfig::Sharing::PerClient:
        key.client = facts.client;
        break;
    case ServerConfig::Sharing::Isolated:
        key.session = QStringLiteral("session:%1").arg(facts.session);
        break;
    case ServerConfig::Sharing::PerProject: {
        // Reported roots name the project; until they are known (or if they hold no file
        // root), the working directory up to its repository does.
        const QString fromRoots = facts.rootsCapable && facts.roots ? project::fromRoots(*facts.roots) : QString();
        key.project = fromRoots.isEmpty() ? project::fromWorkingDirectory(facts.cwd) : fromRoots;
        if (key.project.isEmpty())
            key.project = QStringLiteral("(unknown)");
        break;
    }
    }
    if (usesRoots) {
        key.byRoots = true;
        key.roots = project::normalizedRootUris(effectiveRoots(facts));
    }
    return key;
}

} // namespace manifold
