#pragma once

#include "trafficrow.h"

#include <QAbstractTableModel>
#include <QHash>

#include <deque>
#include <functional>
#include <set>

namespace manifold {

// The traffic view's table: a bounded ring of the records the feed delivered, filtered in the
// model (no proxy: a proxy re-maps every row when the ring drops its oldest). Each applied batch
// is at most one removal at the top and one insertion at the bottom; an answer updates its
// request's Duration..Status with one dataChanged. Only a user's filter change resets.
class TrafficModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { TimeColumn, ServerColumn, ClientColumn, DirectionColumn, MethodColumn, IdColumn,
                  DurationColumn, SizeColumn, StatusColumn, ColumnCount };
    enum Role {
        RawRowRole = Qt::UserRole, // TrafficRow
        SeqRole,                   // qint64
        ServerRole,                // QString
        ErrorRole,                 // bool: an error record
        SlowRole,                  // bool: slower than the slow threshold (or pending longer)
        MutedRole,                 // bool: the cell shows a stand-in ("all clients"), drawn muted
    };

    struct Filter
    {
        QString client;            // exact client name; "" = all
        QString method;            // case-insensitive substring; "" = all
        bool errorsOnly = false;
        bool slowOnly = false;
        double slowThresholdMs = 1000;
    };

    static constexpr int DefaultCapacity = 50000;
    // Microseconds since the epoch; tests move it by hand.
    using Clock = std::function<qint64()>;

    explicit TrafficModel(QObject *parent = nullptr);

    // Rows kept (matching or not); the oldest go first. Shrinking drops them at once.
    void setCapacity(int rows);
    int capacity() const { return m_capacity; }
    void setClock(Clock clock) { m_clock = std::move(clock); }

    // A live batch from the feed (oldest first): applied now, or held while paused.
    void applyBatch(const TrafficRows &rows);
    // Paused: batches are held (at most capacity rows, the oldest dropped) and applied as one
    // batch on resume.
    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }
    int heldRows() const { return int(m_held.size()); }
    qint64 heldDropped() const { return m_heldDropped; }
    // With "slow only": shows the pending requests that became slow since (targeted inserts).
    void showNewlySlow();

    void setFilter(const Filter &filter); // resets (a user's action)
    const Filter &filter() const { return m_filter; }
    void clear();                         // resets
    // A broker restart reuses sequence numbers: answers must not pair with old requests.
    void forgetRequests(const QString &server);

    // The row (matching the filter) at a view row.
    const TrafficRow &row(int row) const;
    // Every kept row, oldest first (matching the filter or not).
    TrafficRows keptRows() const;
    // Client names seen in the kept rows, sorted.
    QStringList clients() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void apply(const TrafficRows &rows);
    bool matches(const TrafficRow &row, qint64 nowUs) const;
    bool waitsToBeSlow(const TrafficRow &row) const;
    TrafficRow &at(qint64 absolute) { return m_rows[size_t(absolute - m_first)]; }
    const TrafficRow &at(qint64 absolute) const { return m_rows[size_t(absolute - m_first)]; }
    int viewRowOf(qint64 absolute) const; // -1: not shown
    void dropOldest(qint64 count);
    void rebuildVisible();
    QString statusText(const TrafficRow &row) const;
    static QString clientText(const TrafficRow &row);

    std::deque<TrafficRow> m_rows;        // kept rows, oldest first
    qint64 m_first = 0;                   // absolute number of m_rows.front()
    std::deque<qint64> m_visible;         // absolute numbers of the matching rows, ascending
    QHash<QString, QHash<qint64, qint64>> m_requests; // server -> request seq -> absolute
    std::set<qint64> m_candidates;        // slow only: pending requests not slow yet
    TrafficRows m_held;
    qint64 m_heldDropped = 0;
    Filter m_filter;
    int m_capacity = DefaultCapacity;
    bool m_paused = false;
    Clock m_clock;
};

} // namespace manifold
