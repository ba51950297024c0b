#pragma once

#include "modelformat.h"

#include <QAbstractItemModel>
#include <QJsonObject>
#include <QList>
#include <QPointer>

#include <memory>

namespace manifold {

class BrokerView;

// The Servers table of the tray window: one row per server in name order, updated row by row
// from a BrokerView's signals; the Uptime column ticks through refreshClock(). A server that runs
// instances (per-project, per-client, isolated; or several left from an earlier mode) has one
// child row per instance, in key order, with the instance's key in the Name column and its own
// state, pid, sessions, queue and memory. A plainly shared server has none: its row is its
// only instance.
class ServerTableModel final : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Column {
        NameColumn,
        StateColumn,
        PidColumn,
        UptimeColumn,
        SessionsColumn,
        InFlightColumn,
        QueuedColumn,
        RestartsColumn,
        HeartbeatColumn,
        MemoryColumn,
        ColumnCount
    };
    enum Role {
        NameRole = Qt::UserRole, // QString, any column; an instance row: its server's name
        StateRole,               // QString as on the wire ("running"), any column
        RawJsonRole,             // QJsonObject, the whole server (or instance) object
        SortRole,                // the cell's raw value (number, string, QDateTime) for sorting
        InstanceKeyRole,         // QString: an instance row's "key"; empty on server rows
    };

    explicit ServerTableModel(BrokerView *view, QObject *parent = nullptr);

    // Tests move time by hand; the default is a monotonic clock.
    void setClock(ModelFormat::Clock clock);

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    int rowOf(const QString &name) const; // -1 if unknown (top-level rows)
    QJsonObject server(int row) const;

    // Emits dataChanged for the Uptime cells of running servers; the window calls it each second.
    void refreshClock();

private:
    struct Instance
    {
        QString key;
        QJsonObject json;
    };
    struct Row
    {
        QString name;
        QJsonObject json;
        qint64 receivedAtMs = 0; // on m_clock, when json arrived: uptime = uptimeMs + (now - this)
        QList<Instance> instances;
    };
    // What a cell shows: a server row (instance == nullptr) or one of its instance rows.
    struct Item
    {
        const Row &row;
        const Instance *instance;
        const QJsonObject &json() const { return instance ? instance->json : row.json; }
    };

    void onServerAdded(const QJsonObject &server);
    void onServerChanged(const QJsonObject &server);
    void onServerRemoved(const QString &name);
    void resync();

    void syncInstances(int position);
    int positionOf(const Row *row) const;
    int insertPosition(const QString &name) const;
    bool ticks(const Item &item) const;
    qint64 uptimeMs(const Item &item) const;
    QVariant display(const Item &item, int column) const;
    QVariant toolTip(const Item &item, int column) const;
    QVariant sortValue(const Item &item, int column) const;

    QPointer<BrokerView> m_view;
    // Rows live on the heap: an instance row's index points at its server's Row, which must not
    // move when other servers come and go.
    QList<std::shared_ptr<Row>> m_rows;
    ModelFormat::Clock m_clock = &ModelFormat::steadyNowMs;
};

} // namespace manifold
