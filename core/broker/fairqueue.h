#pragma once

#include <QtGlobal>

#include <QHash>
#include <QList>

namespace manifold {

// Requests waiting for a free in-flight slot: FIFO per session, sessions served round-robin, so
// one client with a thousand queued calls cannot starve another with one.
class FairQueue final
{
public:
    void push(quint64 session, qint64 id);
    qint64 pop();                      // 0 when empty
    bool remove(qint64 id);
    void removeSession(quint64 session);
    bool isEmpty() const { return m_ring.isEmpty(); }
    int size() const;
    QList<qint64> serviceOrder() const;   // the order pop() would return them in

private:
    QList<quint64> m_ring;              // sessions with waiting requests, next to serve first
    QHash<quint64, QList<qint64>> m_waiting;
};

} // namespace manifold
