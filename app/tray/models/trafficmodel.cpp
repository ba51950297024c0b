#include "trafficmodel.h"

#include <QDateTime>
#include <QSet>

#include <algorithm>
#include <vector>

namespace manifold {

namespace {

qint64 wallNowUs()
{
    return QDateTime::currentMSecsSinceEpoch() * 1000;
}

} // namespace

TrafficModel::TrafficModel(QObject *parent)
    : QAbstractTableModel(parent)
    , m_clock(wallNowUs)
{
}

void TrafficModel::setCapacity(int rows)
{
    m_capacity = std::max(1, rows);
    if (qint64(m_rows.size()) > m_capacity)
        dropOldest(qint64(m_rows.size()) - m_capacity);
    if (m_held.size() > m_capacity) {
        m_heldDropped += m_held.size() - m_capacity;
        m_held.remove(0, m_held.size() - m_capacity);
    }
}

void TrafficModel::applyBatch(const TrafficRows &rows)
{
    if (!m_paused) {
        apply(rows);
        return;
    }
    m_held.append(rows);
    if (m_held.size() > m_capacity) {
        m_heldDropped += m_held.size() - m_capacity;
        m_held.remove(0, m_held.size() - m_capacity);
    }
}

void TrafficModel::setPaused(bool paused)
{
    if (m_paused == paused)
        return;
    m_paused = paused;
    if (paused)
        return;
    TrafficRows held;
    held.swap(m_held);
    m_heldDropped = 0;
    apply(held);
    showNewlySlow();
}

void TrafficModel::apply(const TrafficRows &rows)
{
    if (rows.isEmpty())
        return;
    const qint64 now = m_clock();
    // More than fit: only the newest capacity rows are kept.
    const qsizetype start = std::max<qsizetype>(0, rows.size() - m_capacity);
    const qint64 incoming = rows.size() - start;
    dropOldest(qint64(m_rows.size()) + incoming - m_capacity);

    const qint64 base = m_first + qint64(m_rows.size());
    std::vector<qint64> paired; // kept before this batch, now answered
    for (qsizetype i = start; i < rows.size(); ++i) {
        const TrafficRow &row = rows.at(i);
        const qint64 absolute = base + (i - start);
        m_rows.push_back(row);
        if (row.isAnswer() && row.requestSeq > 0) {
            auto server = m_requests.find(row.server);
            if (server != m_requests.end()) {
                const auto request = server->constFind(row.requestSeq);
                if (request != server->cend()) {
                    at(*request).takeAnswer(row);
                    if (*request < base)
                        paired.push_back(*request);
                    server->erase(request);
                }
            }
        }
        if (row.kind == TrafficRow::Kind::Request && !row.id.isUndefined())
            m_requests[row.server].insert(row.seq, absolute);
    }

    std::vector<qint64> shown;
    for (qint64 absolute = base; absolute < base + incoming; ++absolute) {
        const TrafficRow &row = at(absolute);
        if (matches(row, now))
            shown.push_back(absolute);
        else if (waitsToBeSlow(row))
            m_candidates.insert(absolute);
    }
    if (!shown.empty()) {
        const int first = int(m_visible.size());
        beginInsertRows({}, first, first + int(shown.size()) - 1);
        m_visible.insert(m_visible.end(), shown.begin(), shown.end());
        endInsertRows();
    }

    // One dataChanged per run of adjacent answered rows (one per answer, mostly).
    std::vector<int> changed;
    for (qint64 absolute : paired) {
        const int row = viewRowOf(absolute);
        if (row >= 0)
            changed.push_back(row);
    }
    std::sort(changed.begin(), changed.end());
    for (size_t i = 0; i < changed.size();) {
        size_t j = i + 1;
        while (j < changed.size() && changed[j] <= changed[j - 1] + 1)
            ++j;
        emit dataChanged(index(changed[i], DurationColumn), index(changed[j - 1], StatusColumn));
        i = j;
    }
}

void TrafficModel::showNewlySlow()
{
    if (!m_filter.slowOnly || m_paused || m_candidates.empty())
        return;
    const qint64 now = m_clock();
    std::vector<qint64> slow;
    for (auto it = m_candidates.begin(); it != m_candidates.end();) {
        const TrafficRow &row = at(*it);
        if (row.isSlow(m_filter.slowThresholdMs, now)) {
            slow.push_back(*it);
            it = m_candidates.erase(it);
        } else if (!row.isPending()) {
            it = m_candidates.erase(it); // answered fast: never shown
        } else {
            ++it;
        }
    }
    // Rows that land between the same two shown rows go in with one insert.
    for (size_t i = 0; i < slow.size();) {
        const auto position = std::lower_bound(m_visible.begin(), m_visible.end(), slow[i]);
        const int row = int(position - m_visible.begin());
        size_t j = i + 1;
        while (j < slow.size() && (position == m_visible.end() || slow[j] < *position))
            ++j;
        beginInsertRows({}, row, row + int(j - i) - 1);
        m_visible.insert(m_visible.begin() + row, slow.begin() + qsizetype(i), slow.begin() + qsizetype(j));
        endInsertRows();
        i = j;
    }
}

void TrafficModel::setFilter(const Filter &filter)
{
    beginResetModel();
    m_filter = filter;
    rebuildVisible();
    endResetModel();
}

void TrafficModel::clear()
{
    beginResetModel();
    m_first += qint64(m_rows.size());
    m_rows.clear();
    m_visible.clear();
    m_requests.clear();
    m_candidates.clear();
    m_held.clear();
    m_heldDropped = 0;
    endResetModel();
}

void TrafficModel::forgetRequests(const QString &server)
{
    m_requests.remove(server);
}

const TrafficRow &TrafficModel::row(int row) const
{
    return at(m_visible.at(size_t(row)));
}

TrafficRows TrafficModel::keptRows() const
{
    return TrafficRows(m_rows.begin(), m_rows.end());
}

QStringList TrafficModel::clients() const
{
    QSet<QString> names;
    for (const TrafficRow &row : m_rows) {
        if (!row.client.isEmpty())
            names.insert(row.client);
    }
    QStringList sorted(names.begin(), names.end());
    sorted.sort(Qt::CaseInsensitive);
    return sorted;
}

bool TrafficModel::matches(const TrafficRow &row, qint64 nowUs) const
{
    if (!m_filter.client.isEmpty() && row.client != m_filter.client)
        return false;
    if (!m_filter.method.isEmpty() && !row.method.contains(m_filter.method, Qt::CaseInsensitive))
        return false;
    if (m_filter.errorsOnly && !row.isError())
        return false;
    return !m_filter.slowOnly || row.isSlow(m_filter.slowThresholdMs, nowUs);
}

// "Slow only" hides a pending request until it has waited longer than the threshold.
bool TrafficModel::waitsToBeSlow(const TrafficRow &row) const
{
    if (!m_filter.slowOnly || m_filter.errorsOnly || !row.isPending())
        return false;
    return (m_filter.client.isEmpty() || row.client == m_filter.client) &&
           (m_filter.method.isEmpty() || row.method.contains(m_filter.method, Qt::CaseInsensitive));
}

int TrafficModel::viewRowOf(qint64 absolute) const
{
    const auto it = std::lower_bound(m_visible.begin(), m_visible.end(), absolute);
    return it != m_visible.end() && *it == absolute ? int(it - m_visible.begin()) : -1;
}

void TrafficModel::dropOldest(qint64 count)
{
    count = std::min(count, qint64(m_rows.size()));
    if (count <= 0)
        return;
    const qint64 newFirst = m_first + count;
    const auto kept = std::lower_bound(m_visible.begin(), m_visible.end(), newFirst);
    const int removed = int(kept - m_visible.begin());
    if (removed > 0)
        beginRemoveRows({}, 0, removed - 1);
    m_visible.erase(m_visible.begin(), kept);
    for (qint64 i = 0; i < count; ++i) {
        const TrafficRow &row = m_rows.front();
        if (row.isPending()) {
            auto server = m_requests.find(row.server);
            if (server != m_requests.end() && server->value(row.seq, -1) == m_first)
                server->remove(row.seq);
        }
        m_rows.pop_front();
        ++m_first;
    }
    m_candidates.erase(m_candidates.begin(), m_candidates.lower_bound(newFirst));
    if (removed > 0)
        endRemoveRows();
}

void TrafficModel::rebuildVisible()
{
    m_visible.clear();
    m_candidates.clear();
    const qint64 now = m_clock();
    for (qint64 absolute = m_first; absolute < m_first + qint64(m_rows.size()); ++absolute) {
        if (matches(at(absolute), now))
            m_visible.push_back(absolute);
        else if (waitsToBeSlow(at(absolute)))
            m_candidates.insert(absolute);
    }
}

int TrafficModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_visible.size());
}

int TrafficModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

} // namespace manifold
