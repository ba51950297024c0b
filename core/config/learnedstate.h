#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

namespace manifold {

// What the broker learned about each server by watching it, kept across restarts in
// learned.json beside servers.json: one JSON object per server name, e.g.
// {"askingCalls": ["tools/call:sampleLLM"], "usesRoots": true}. Derived data: losing it only costs re-learning,
// so a file that does not parse is reported and then replaced.
class LearnedState final
{
public:
    explicit LearnedState(QString configDir);

    QString filePath() const;   // <configDir>/learned.json

    // Missing file -> nothing learned yet, true. Broken file -> false, *error says why.
    bool load(QString *error);
    bool save(QString *error) const;   // atomic, owner-only

    QJsonValue value(const QString &server, const QString &key) const;
    // False if it held that value already (nothing to save).
    bool setValue(const QString &server, const QString &key, const QJsonValue &value);
    // Everything learned about server goes (it was removed); false if nothing was known of it.
    bool forget(const QString &server);

private:
    QString m_configDir;
    QJsonObject m_servers;   // server name -> its object
};

} // namespace manifold
