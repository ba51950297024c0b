#pragma once

#include <QtGlobal>

#include <QHash>
#include <QList>

#include <functional>

namespace manifold {

// Requests waiting for a free in-flight slot: FIFO per session, and the next slot goes to the
// waiting session served least recently, so one client with a thousand queued calls cannot
// starve another with one (and a session that was just served waits for the others' turns).
class FairQueue final
{
public:
    void push(quint64 session, qint64 id);
    qint64 pop();                      // 0 when empty
    quint64 dueSession() const;        // whose request pop() would return, 0 when empty
    // The next request for which eligible() is true, 0 if none: a request that may not go yet
    // waits without holding up the others (its own session's later ones included).
    qint64 popEligible(const std::function<bool(qint64)> &eligible);
    // The same, skipping whole sessions for which sessionEligible() is false (one that already
    // has its share at the child) without looking at their requests.
    qint64 popEligible(const std::function<bool(quint64)> &sessionEligible,
                       const std::function<bool(qint64)> &eligible);
    bool remove(qint64 id);
    void removeSession(quint64 session);
    bool isEmpty() const { return m_ring.isEmpty(); }
    bool hasWaiting(quint64 session) const { return m_waiting.contains(session); }
    int size() const;
    QList<qint64> serviceOrder() const;   // the order pop() would return them in

private:
    qsizetype dueIndex() const;   // the ring's session served longest ago
    qint64 take(qsizetype ringIndex, qsizetype itemIndex);

    QList<quint64> m_ring;              // sessions with waiting requests, in the order they joined
    QHash<quint64, QList<qint64>> m_waiting;
    QHash<quint64, quint64> m_lastServed;   // session -> tick of its last pop (0: never)
    quint64 m_tick = 0;
};

} // namespace manifold
