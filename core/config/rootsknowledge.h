#pragma once

#include <QSet>
#include <QString>

namespace manifold {

// What the broker has learned about servers' use of roots: a server whose child once asked
// for roots (roots/list) is keyed by roots from then on, across broker restarts. Kept in
// <configDir>/roots.json ({"version":1,"usesRoots":{"NAME":true}}), written atomically.
class RootsKnowledge final
{
public:
    explicit RootsKnowledge(QString configDir = {});

    QString filePath() const;
    // A missing or unreadable file means nothing is known yet.
    void load();
    bool usesRoots(const QString &server) const { return m_usesRoots.contains(server); }
    // Records it and saves at once; false (with *error) if the file cannot be written.
    bool markUsesRoots(const QString &server, QString *error);
    void forget(const QString &server, QString *error);

private:
    bool save(QString *error) const;

    QString m_configDir;   // empty: nothing is persisted (tests)
    QSet<QString> m_usesRoots;
};

} // namespace manifold
