#pragma once

#include <QAbstractTableModel>
#include <QJsonObject>
#include <QList>
#include <QPointer>

namespace manifold {

class BrokerView;

// The Sessions table of the tray window: the client sessions of one server (setServer), in
// connection order, updated row by row from a BrokerView's session signals.
//
// A session the broker cut off (its client stopped reading) keeps its row after it closes, with
// its last state and the reason, for EndedRowKeptMs, so the user sees which client it was even
// after the notification has gone.
class SessionTableModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        ClientColumn,
        TransportColumn,     // "shim", "HTTP" (Streamable HTTP) or "SSE" (the older HTTP+SSE)
        TokenColumn,         // the front door token an HTTP session came with
        RemoteAddressColumn, // where an HTTP session connects from
        InstanceColumn, // the key of the instance that serves it ("project /home/u/app")
        ShimPidColumn,
        ProcessColumn,
        ConnectedColumn,
        RequestsColumn,
        LastActivityColumn,
        StateColumn,    // "connected", or why the session ended
        ColumnCount
    };
    enum Role {
        SessionIdRole = Qt::UserRole, // qint64, any column
        RawJsonRole,                  // QJsonObject, the whole session object, any column
        SortRole,                     // the cell's raw value for sorting
        EndedRole,                    // bool: the session is gone, the row shows its last state
    };
    static constexpr int EndedRowKeptMs = 10 * 60 * 1000;

    explicit SessionTableModel(BrokerView *view, QObject *parent = nullptr);

    // Shows the sessions of this server (empty: none). The one place the model resets.
    void setServer(const QString &name);
    QString server() const { return m_server; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    int rowOf(qint64 sessionId) const; // -1 if not shown
    // Some row is a session through the HTTP front door (its Token and Remote address columns
    // say something).
    bool hasFrontDoorSessions() const;
    QJsonObject session(int row) const;

private:
    void onSessionOpened(const QJsonObject &session);
    void onSessionChanged(const QJsonObject &session);
    void onSessionClosed(qint64 id);
    void onSessionCutOff(const QString &server, qint64 id, const QString &message, const QString &reason);
    void removeRow(qint64 id);
    void resync();
    bool belongs(const QJsonObject &session) const;
    int insertPosition(qint64 id) const;
    QVariant display(const QJsonObject &session, int column) const;
    QVariant toolTip(const QJsonObject &session, int column) const;
    QVariant sortValue(const QJsonObject &session, int column) const;
    static bool isShim(const QJsonObject &session);

    QPointer<BrokerView> m_view;
    QString m_server;
    QList<QJsonObject> m_rows; // sorted by id
};

} // namespace manifold
