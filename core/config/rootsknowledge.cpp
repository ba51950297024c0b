#include "rootsknowledge.h"

#include "platform/atomicfile.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace manifold {

RootsKnowledge::RootsKnowledge(QString configDir) : m_configDir(std::move(configDir)) {}

QString RootsKnowledge::filePath() const
{
    return m_configDir.isEmpty() ? QString() : QDir(m_configDir).filePath(QStringLiteral("roots.json"));
}

void RootsKnowledge::load()
{
    m_usesRoots.clear();
    QFile file(filePath());
    if (m_configDir.isEmpty() || !file.open(QIODevice::ReadOnly))
        return;
    const QJsonObject servers = QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("usesRoots")).toObject();
    for (auto it = servers.constBegin(); it != servers.constEnd(); ++it) {
        if (it.value().toBool())
            m_usesRoots.insert(it.key());
    }
}

bool RootsKnowledge::markUsesRoots(const QString &server, QString *error)
{
    if (m_usesRoots.contains(server))
        return true;
    m_usesRoots.insert(server);
    return save(error);
}

void RootsKnowledge::forget(const QString &server, QString *error)
{
    if (m_usesRoots.remove(server))
        save(error);
}

bool RootsKnowledge::save(QString *error) const
{
    if (m_configDir.isEmpty())
        return true;
    QStringList names(m_usesRoots.cbegin(), m_usesRoots.cend());
    std::sort(names.begin(), names.end());
    QJsonObject servers;
    for (const QString &name : names)
        servers.insert(name, true);
    const QJsonObject root{{QStringLiteral("version"), 1}, {QStringLiteral("usesRoots"), servers}};
    QDir().mkpath(m_configDir);
    return platform::writeFileAtomically(filePath(), QJsonDocument(root).toJson(), platform::ownerOnly, error);
}

} // namespace manifold
