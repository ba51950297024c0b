#pragma once

#include "modelformat.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QPointer>

namespace manifold {

class BrokerView;

// The Queue table of the tray window: the selected server's in-flight requests, then its queued
// ones in serving order, diffed row by row on each serverChanged; ages tick via refreshClock().
class QueueTableModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { MethodColumn, SessionColumn, AgeColumn, StateColumn, ColumnCount };
    enum Role {
        SessionIdRole = Qt::UserRole, // qint64, any column
        StateRole,                    // "in-flight" | "queued", any column
        RawJsonRole,                  // QJsonObject, the queue entry, any column
        SortRole,                     // the cell's raw value for sorting
    };

    explicit QueueTableModel(BrokerView *view, QObject *parent = nullptr);

    void setClock(ModelFormat::Clock clock);
    // Shows the queue of this server (empty: none); resets the model.
    void setServer(const QString &name);
    QString server() const { return m_server; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Emits dataChanged for the Age column; the window calls it each second.
    void refreshClock();

private:
    struct Row
    {
        QJsonObject json;
        qint64 receivedAtMs = 0; // on m_clock: age = ageMs + (now - this)
    };

    void onServerChanged(const QJsonObject &server);
    void onServerRemoved(const QString &name);
    void onSessionSeen(const QJsonObject &session);
    void apply(const QJsonArray &queue);
    QVariant display(const Row &row, int column) const;
    QVariant toolTip(const Row &row, int column) const;

    QPointer<BrokerView> m_view;
    QString m_server;
    QList<Row> m_rows;
    QHash<qint64, QString> m_clientNames; // session id -> client name, for the Session column
    ModelFormat::Clock m_clock = &ModelFormat::steadyNowMs;
};

} // namespace manifold
