#include "fairqueue.h"

#include <algorithm>

namespace manifold {

void FairQueue::push(quint64 session, qint64 id, Lane lane, qint64 due)
{
    auto it = m_waiting.find(session);
    if (it == m_waiting.end()) {
        it = m_waiting.insert(session, Waiting());
        it->dueKey = {m_lastServed.value(session), ++m_joins};
        m_due.emplace(it->dueKey, session);
    }
    it->lanes[int(lane)].push_back({++m_seq, id, due});
    ++it->count;
    ++m_count;
}

int FairQueue::firstInOrder(const Waiting &waiting) const
{
    int chosen = -1;
    for (int lane = 0; lane < int(Lane::Count); ++lane) {
        const std::deque<Item> &items = waiting.lanes[lane];
        if (!items.empty() && (chosen < 0 || items.front().seq < waiting.lanes[chosen].front().seq))
            chosen = lane;
    }
    return chosen;
}

qint64 FairQueue::pop()
{
    if (m_due.empty())
        return 0;
    const quint64 session = m_due.begin()->second;
    Waiting &waiting = m_waiting[session];
    return take(session, waiting, firstInOrder(waiting), 0);
}

quint64 FairQueue::dueSession() const
{
    return m_due.empty() ? 0 : m_due.begin()->second;
}

qint64 FairQueue::popEligible(const std::function<bool(qint64)> &eligible)
{
    return popEligible([](quint64) { return true; }, eligible);
}

qint64 FairQueue::popEligible(const std::function<bool(quint64)> &sessionEligible,
                              const std::function<bool(qint64)> &eligible,
                              const std::function<Lane(qint64)> &laneOf)
{
    // The sessions in the order they are due, each one's first eligible request.
    for (auto due = m_due.begin(); due != m_due.end(); ++due) {
        ++m_examined;
        const quint64 session = due->second;
        if (!sessionEligible(session))
            continue;
        Waiting &waiting = m_waiting[session];
        if (laneOf) {
            // An ordered lane's first that belongs elsewhere now (a kind learned since) moves
            // there, so that it neither blocks its lane nor is judged by the wrong promise.
            for (int lane = int(Lane::Ordered); lane < int(Lane::Count); ++lane) {
                std::deque<Item> &items = waiting.lanes[lane];
                while (!items.empty()) {
                    const Lane now = laneOf(items.front().id);
                    if (int(now) == lane)
                        break;
                    const Item moved = items.front();
                    items.pop_front();
                    if (waiting.pastDue[lane] > 0)
                        --waiting.pastDue[lane];
                    insertOrdered(waiting.lanes[int(now)], moved);
                    ++m_examined;
                }
            }
        }
        int bestLane = -1;
        std::size_t bestIndex = 0;
        const std::deque<Item> &free = waiting.lanes[int(Lane::Free)];
        for (std::size_t i = 0; i < free.size(); ++i) {
            ++m_examined;
            if (eligible(free[i].id)) {
                bestLane = int(Lane::Free);
                bestIndex = i;
                break;
            }
        }
        for (int lane = int(Lane::Ordered); lane < int(Lane::Count); ++lane) {
            const std::deque<Item> &items = waiting.lanes[lane];
            if (items.empty())
                continue;
            if (bestLane >= 0 && waiting.lanes[bestLane][bestIndex].seq < items.front().seq)
                continue;   // what was found in another lane came first
            ++m_examined;
            if (eligible(items.front().id)) {
                bestLane = lane;
                bestIndex = 0;
            }
        }
        if (bestLane >= 0)
            return take(session, waiting, bestLane, bestIndex);
    }
    return 0;
}

bool FairQueue::erase(Waiting &waiting, int lane, std::size_t index)
{
    std::deque<Item> &items = waiting.lanes[lane];
    items.erase(items.begin() + std::ptrdiff_t(index));
    if (index < waiting.pastDue[lane])
        --waiting.pastDue[lane];
    --m_count;
    return --waiting.count == 0;
}

void FairQueue::insertOrdered(std::deque<Item> &lane, const Item &item)
{
    const auto at = std::lower_bound(lane.begin(), lane.end(), item,
                                     [](const Item &a, const Item &b) { return a.seq < b.seq; });
    lane.insert(at, item);
}

qint64 FairQueue::take(quint64 session, Waiting &waiting, int lane, std::size_t index)
{
    const qint64 id = waiting.lanes[lane][index].id;
    m_lastServed.insert(session, ++m_tick);
    if (erase(waiting, lane, index)) {
        m_due.erase(waiting.dueKey);
        m_waiting.remove(session);
    } else {
        // Served now: due again after every session that waits (the map's node is reused).
        auto node = m_due.extract(waiting.dueKey);
        waiting.dueKey = {m_tick, waiting.dueKey.second};
        node.key() = waiting.dueKey;
        m_due.insert(std::move(node));
    }
    return id;
}

bool FairQueue::remove(qint64 id)
{
    // Rare (a cancelled call that had not gone yet): a scan, not an index kept for every call.
    for (auto it = m_waiting.begin(); it != m_waiting.end(); ++it) {
        for (int lane = 0; lane < int(Lane::Count); ++lane) {
            std::deque<Item> &items = it->lanes[lane];
            const auto found = std::find_if(items.begin(), items.end(), [id](const Item &item) { return item.id == id; });
            if (found == items.end())
                continue;
            if (erase(*it, lane, std::size_t(found - items.begin()))) {
                m_due.erase(it->dueKey);
                m_waiting.erase(it);
            }
            return true;
        }
    }
    return false;
}

void FairQueue::removeSession(quint64 session)
{
    const auto it = m_waiting.constFind(session);
    if (it != m_waiting.cend()) {
        m_count -= it->count;
        m_due.erase(it->dueKey);
        m_waiting.erase(it);
    }
    m_lastServed.remove(session);
}

std::optional<qint64> FairQueue::earliestDueAfter(Lane lane, qint64 now) const
{
    std::optional<qint64> earliest;
    for (auto it = m_waiting.cbegin(); it != m_waiting.cend(); ++it) {
        const std::deque<Item> &items = it->lanes[int(lane)];
        std::size_t &past = it->pastDue[int(lane)];
        while (past < items.size() && items[past].due <= now)
            ++past;
        if (past < items.size() && (!earliest || items[past].due < *earliest))
            earliest = items[past].due;
    }
    return earliest;
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
