#pragma once

#include "healthseries.h"

#include <QAbstractListModel>
#include <QJsonObject>
#include <QList>
#include <QPointer>

namespace manifold {

class BrokerView;

// The dashboard's data: one row per server in name order (inserted and removed with the
// BrokerView's serverAdded/serverRemoved, like ServerTableModel), with its state and the last
// hour of health the broker's `health` method reports. Each health update is one dataChanged
// for that server's row.
class HealthModel final : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role {
        NameRole = Qt::UserRole, // QString
        StateRole,               // QString as on the wire ("running")
        UnresponsiveRole,        // bool
        HasHealthRole,           // bool: a health sample arrived for this server
        CallsPerMinRole,         // double, the last 60 s
        P50Role,                 // double, ms
        P95Role,                 // double, ms
        ErrorsPerMinRole,        // double
        MemoryKbRole,            // double
        CallsSeriesRole,         // QList<double>, one value per bucket, oldest first
        P50SeriesRole,
        P95SeriesRole,
        ErrorsSeriesRole,
        MemorySeriesRole,
        SeriesStartRole, // qint64: epoch ms of the first bucket's start
        BucketMsRole,    // qint64: the width of a bucket
    };

    explicit HealthModel(BrokerView *view, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    int rowOf(const QString &name) const; // -1 if unknown
    // A server's new health; a server without a row is ignored.
    void setHealth(const QString &server, const HealthSeries &series);
    HealthSeries health(const QString &server) const;

    // The roles a health update changes.
    static QList<int> healthRoles();

private:
    struct Row
    {
        QString name;
        QJsonObject server;
        HealthSeries health;
        bool hasHealth = false;
    };

    void onServerAdded(const QJsonObject &server);
    void onServerChanged(const QJsonObject &server);
    void onServerRemoved(const QString &name);
    void resync();
    int insertPosition(const QString &name) const;

    QPointer<BrokerView> m_view;
    QList<Row> m_rows;
};

} // namespace manifold
