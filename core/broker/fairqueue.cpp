#include "fairqueue.h"

#include <algorithm>

namespace manifold {

void FairQueue::push(quint64 session, qint64 id)
{
    QList<qint64> &items = m_waiting[session];
    if (items.isEmpty())
        m_ring.append(session);
    items.append(id);
}

qsizetype FairQueue::dueIndex() const
{
    qsizetype chosen = 0;
    for (qsizetype i = 1; i < m_ring.size(); ++i) {
        if (m_lastServed.value(m_ring[i]) < m_lastServed.value(m_ring[chosen]))
            chosen = i;
    }
    return chosen;
}

qint64 FairQueue::pop()
{
    if (m_ring.isEmpty())
        return 0;
    return take(dueIndex(), 0);
}

quint64 FairQueue::dueSession() const
{
    return m_ring.isEmpty() ? 0 : m_ring[dueIndex()];
}

qint64 FairQueue::popEligible(const std::function<bool(qint64)> &eligible)
{
    return popEligible([](quint64) { return true; }, eligible);
}

qint64 FairQueue::popEligible(const std::function<bool(quint64)> &sessionEligible,
                              const std::function<bool(qint64)> &eligible)
{
    if (m_ring.isEmpty())
        return 0;
    const qsizetype chosen = dueIndex();
    const quint64 dueSession = m_ring[chosen];
    if (sessionEligible(dueSession) && eligible(m_waiting[dueSession].constFirst()))
        return take(chosen, 0);   // the usual case: nothing is held back
    // Some requests must wait: the sessions in the order they are due, each one's first eligible.
    QList<qsizetype> due(m_ring.size());
    for (qsizetype i = 0; i < due.size(); ++i)
        due[i] = i;
    std::stable_sort(due.begin(), due.end(), [this](qsizetype a, qsizetype b) {
        return m_lastServed.value(m_ring[a]) < m_lastServed.value(m_ring[b]);
    });
    for (qsizetype ringIndex : due) {
        if (!sessionEligible(m_ring[ringIndex]))
            continue;
        const QList<qint64> &items = m_waiting[m_ring[ringIndex]];
        for (qsizetype i = 0; i < items.size(); ++i) {
            if (eligible(items[i]))
                return take(ringIndex, i);
        }
    }
    return 0;
}

qint64 FairQueue::take(qsizetype ringIndex, qsizetype itemIndex)
{
    const quint64 session = m_ring[ringIndex];
    QList<qint64> &items = m_waiting[session];
    const qint64 id = items.takeAt(itemIndex);
    m_lastServed.insert(session, ++m_tick);
    if (items.isEmpty()) {
        m_waiting.remove(session);
        m_ring.remove(ringIndex);
    }
    return id;
}

bool FairQueue::remove(qint64 id)
{
    for (auto it = m_waiting.begin(); it != m_waiting.end(); ++it) {
        if (it->removeOne(id)) {
            if (it->isEmpty()) {
                m_ring.removeOne(it.key());
                m_waiting.erase(it);
            }
            return true;
        }
    }
    return false;
}

void FairQueue::removeSession(quint64 session)
{
    m_waiting.remove(session);
    m_ring.removeOne(session);
    m_lastServed.remove(session);
}

int FairQueue::size() const
{
    int total = 0;
    for (const QList<qint64> &items : m_waiting)
        total += int(items.size());
    return total;
}

QList<qint64> FairQueue::serviceOrder() const
{
    FairQueue copy = *this;
    QList<qint64> order;
    for (qint64 id = copy.pop(); id != 0; id = copy.pop())
        order.append(id);
    return order;
}

} // namespace manifold
