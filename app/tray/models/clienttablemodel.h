#pragma once

#include "clients/clientsetup.h"

#include <QAbstractTableModel>
#include <QList>

namespace manifold {

// The Clients table of the tray window: one row per client config file (ClientSetup::status), in
// catalog order, updated row by row when the status is read again.
class ClientTableModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        ClientColumn,
        ScopeColumn,
        StateColumn,
        LocalColumn,       // stdio entries Manifold can take over
        ManagedColumn,     // entries that run manifold-shim
        RemoteColumn,      // URL entries, left alone
        UnsupportedColumn, // entries left alone for another reason
        RevertColumn,
        PathColumn,
        ColumnCount
    };
    enum Role {
        ClientIdRole = Qt::UserRole, // QString ("claude-desktop"), any column
        PathRole,                    // QString, the config file, any column
        StateRole,                   // int, a ClientFileStatus::State, any column
        InstalledRole,               // bool: the file exists or the client's directory does
        RevertibleRole,              // bool, any column
        SortRole,                    // the cell's raw value for sorting
    };

    explicit ClientTableModel(QObject *parent = nullptr);

    // Shows this status; rows that stay are updated in place, others inserted or removed.
    void setFiles(const QList<ClientFileStatus> &files);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    int rowOf(const QString &clientId, const QString &path) const; // -1 if not shown
    ClientFileStatus file(int row) const;

    // "not set up", "set up"... as the State column shows it (translated).
    static QString stateText(ClientFileStatus::State state);
    static int count(const ClientFileStatus &file, ClientEntry::Kind kind);

private:
    QVariant display(const ClientFileStatus &file, int column) const;
    QVariant toolTip(const ClientFileStatus &file, int column) const;
    QVariant sortValue(const ClientFileStatus &file, int column) const;

    QList<ClientFileStatus> m_rows;
};

} // namespace manifold
