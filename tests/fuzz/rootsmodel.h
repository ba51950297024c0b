// What the router fuzzer knows of roots and projects (see README "Projects and roots"): the child
// is answered with exactly its instance's roots, never a session's own or a union of several;
// a session held until its roots are known gets nothing of its own to the child meanwhile.
#pragma once

#include "broker/router.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QSet>

#include <optional>

namespace fuzz {

class RootsModel
{
public:
    // The three sets of instance roots a script can choose with "*roots N".
    static QList<QByteArray> rootsVariant(int n);

    void childSent(QByteArrayView line);
    void instanceRootsSet(const QList<QByteArray> &roots) { m_instanceRoots = roots; }
    void held(manifold::SessionId session, const manifold::Router &router);
    void released(manifold::SessionId session) { m_held.remove(session); }
    void childGone() { m_questions.clear(); }
    void check(const manifold::RouterActions &actions, const manifold::Router &router);

private:
    std::optional<QList<QByteArray>> m_instanceRoots;   // what the child must be told
    QSet<QByteArray> m_questions;                       // the child's roots/list ids, unanswered
    QHash<manifold::SessionId, QSet<QByteArray>> m_held;  // held session -> its requests from before
};

} // namespace fuzz
