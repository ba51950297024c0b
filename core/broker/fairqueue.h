#pragma once

#include <QtGlobal>

#include <QHash>
#include <QList>

#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <utility>

namespace manifold {

// Requests waiting for a free in-flight slot: FIFO per session, and the next slot goes to the
// waiting session served least recently, so one client with a thousand queued calls cannot
// starve another with one (and a session that was just served waits for the others' turns).
//
// A session's requests wait in lanes. In the Free lane any request may be held back on its own
// (popEligible looks past it). In an ordered lane the caller promises that requests become
// eligible in the order they were pushed, so only the lane's first is ever looked at: requests
// held back by the attribution gate cost nothing per pop however many wait. Across its lanes a
// session's requests still leave in the order they came (the first eligible one goes).
class FairQueue final
{
public:
    enum class Lane { Free, Ordered, Held, Count };

    // due: a time the caller attaches (the Ordered lane's release time); earliestDueAfter reads it.
    void push(quint64 session, qint64 id, Lane lane = Lane::Free, qint64 due = 0);
    qint64 pop();                      // 0 when empty
    quint64 dueSession() const;        // whose request pop() would return, 0 when empty
    // The next request for which eligible() is true, 0 if none: a request that may not go yet
    // waits without holding up the others (its own session's later ones included).
    qint64 popEligible(const std::function<bool(qint64)> &eligible);
    // The same, skipping whole sessions for which sessionEligible() is false (one that already
    // has its share at the child) without looking at their requests. laneOf, if given, says which
    // lane an ordered lane's first request belongs in now: one that changed lanes is moved first.
    qint64 popEligible(const std::function<bool(quint64)> &sessionEligible,
                       const std::function<bool(qint64)> &eligible,
                       const std::function<Lane(qint64)> &laneOf = {});
    bool remove(qint64 id);
    void removeSession(quint64 session);
    bool isEmpty() const { return m_count == 0; }
    bool hasWaiting(quint64 session) const { return m_waiting.contains(session); }
    int size() const { return m_count; }
    QList<qint64> serviceOrder() const;   // the order pop() would return them in
    // The smallest due of the lane's requests that is later than now, over all sessions. Time
    // only moves forward, so each session keeps how many of its lane's first ones are past.
    // Requires due to grow with push order within the lane.
    std::optional<qint64> earliestDueAfter(Lane lane, qint64 now) const;
    // Work done by popEligible (requests and sessions looked at), for tests of its cost.
    quint64 examined() const { return m_examined; }

private:
    struct Item
    {
        quint64 seq;   // push order, across lanes
        qint64 id;
        qint64 due;
    };
    using DueKey = std::pair<quint64, quint64>;   // (tick of last pop, order of joining)
    struct Waiting
    {
        std::deque<Item> lanes[int(Lane::Count)];
        DueKey dueKey;
        mutable std::size_t pastDue[int(Lane::Count)] = {};   // first ones known to be due already
        int count = 0;
    };

    qint64 take(quint64 session, Waiting &waiting, int lane, std::size_t index);
    // Drops the lane's request at index from the counts; true when the session has none left
    // (the caller then forgets the session).
    bool erase(Waiting &waiting, int lane, std::size_t index);
    void insertOrdered(std::deque<Item> &lane, const Item &item);
    int firstInOrder(const Waiting &waiting) const;   // lane whose first was pushed first

    QHash<quint64, Waiting> m_waiting;
    std::map<DueKey, quint64> m_due;                // sessions with waiting requests, due first
    QHash<quint64, quint64> m_lastServed;           // session -> tick of its last pop (0: never)
    quint64 m_tick = 0;
    quint64 m_joins = 0;
    quint64 m_seq = 0;
    int m_count = 0;
    quint64 m_examined = 0;
};

} // namespace manifold
