#pragma once

#include "modelformat.h"

#include <QAbstractTableModel>
#include <QJsonObject>
#include <QList>
#include <QPointer>

namespace manifold {

class BrokerView;

// The Servers table of the tray window: one row per server in name order, updated row by row
// from a BrokerView's signals; the Uptime column ticks through refreshClock().
class ServerTableModel final : public QAbstractTableModel
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
        NameRole = Qt::UserRole, // QString, any column
        StateRole,               // QString as on the wire ("running"), any column
        RawJsonRole,             // QJsonObject, the whole server object, any column
        SortRole,                // the cell's raw value (number, string, QDateTime) for sorting
    };

    explicit ServerTableModel(BrokerView *view, QObject *parent = nullptr);

    // Tests move time by hand; the default is a monotonic clock.
    void setClock(ModelFormat::Clock clock);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    int rowOf(const QString &name) const; // -1 if unknown
    QJsonObject server(int row) const;

    // Emits dataChanged for the Uptime cells of running servers; the window calls it each second.
    void refreshClock();

private:
    struct Row
    {
        QString name;
        QJsonObject json;
        qint64 receivedAtMs = 0; // on m_clock, when json arrived: uptime = uptimeMs + (now - this)
    };

    void onServerAdded(const QJsonObject &server);
    void onServerChanged(const QJsonObject &server);
    void onServerRemoved(const QString &name);
    void resync();

    int insertPosition(const QString &name) const;
    bool ticks(const Row &row) const;
    qint64 uptimeMs(const Row &row) const;
    QVariant display(const Row &row, int column) const;
    QVariant toolTip(const Row &row, int column) const;
    QVariant sortValue(const Row &row, int column) const;

    QPointer<BrokerView> m_view;
    QList<Row> m_rows;
    ModelFormat::Clock m_clock = &ModelFormat::steadyNowMs;
};

} // namespace manifold
