#pragma once

#include <QAbstractItemModel>
#include <QJsonObject>
#include <QMap>
#include <QPointer>
#include <QStringList>

#include <memory>
#include <vector>

namespace manifold {

class BrokerView;

// Who uses what: the connected client sessions as a tree, either by client application
// (application -> server -> session) or by server (server -> instance -> session), kept up to
// date from a BrokerView's session signals with targeted row inserts, removals and dataChanged.
// Also summarises the same sessions as clients, instances and the edges between them, for the
// painted map.
class ClientMapModel final : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Column { NameColumn, SessionsColumn, InstanceColumn, RequestsColumn, ColumnCount };
    enum Role {
        ServerRole = Qt::UserRole, // QString: the server of a server, instance or session row
        SessionIdRole,             // qint64: a session row's id, -1 on other rows
        NodeKindRole,              // NodeKind
        ClientNameRole,            // QString: the client application of a client or session row
        InstanceKeyRole,           // QString: the instance key of an instance or session row
        ExecutableRole,            // QString: a client's executables (parentExe basenames), joined
        ProjectsRole,              // QStringList: the projects (cwd or instance project) of a row
    };
    enum class Grouping { ByClient, ByServer };
    enum NodeKind { ClientNode, ServerNode, InstanceNode, SessionNode };
    Q_ENUM(NodeKind)

    // One client application as the map shows it.
    struct MapClient
    {
        QString name;
        QStringList executables;
        QStringList projects;
        int sessions = 0;
        qint64 requests = 0;
    };
    // One server instance (a running child) as the map shows it.
    struct MapInstance
    {
        QString server;
        QString key; // "shared", "project:/home/u/app", ...
        int sessions = 0;
        qint64 requests = 0;
    };
    // The sessions one client application has with one instance.
    struct MapEdge
    {
        int client;   // index into clients()
        int instance; // index into instances()
        int sessions = 0;
        qint64 requests = 0;
    };

    explicit ClientMapModel(BrokerView *view, QObject *parent = nullptr);
    ~ClientMapModel() override;

    // Switching the grouping is a user action: the one place the model resets.
    void setGrouping(Grouping grouping);
    Grouping grouping() const { return m_grouping; }

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // The row of a session (invalid if not shown).
    QModelIndex indexOfSession(qint64 id) const;
    // The top-level row of a client application (ByClient) or server (ByServer).
    QModelIndex indexOfTopLevel(const QString &key) const;

    // Sorted by name; instances by server then key; edges by client then instance.
    QList<MapClient> clients() const;
    QList<MapInstance> instances() const;
    QList<MapEdge> edges() const;

    // The client name a session is grouped under ("Unknown client" when it has not said).
    static QString clientOf(const QJsonObject &session);
    // An instance key for people: "shared", or the key as the broker wrote it.
    static QString instanceText(const QString &key);

signals:
    // After every change of the sessions shown (live or reset), for the painted map.
    void sessionsUpdated();

private:
    struct Node;

    void onSessionOpened(const QJsonObject &session);
    void onSessionChanged(const QJsonObject &session);
    void onSessionClosed(qint64 id);
    void onServerRemoved(const QString &name);
    void resync();
    void insertSession(const QJsonObject &session);
    void removeSession(qint64 id);
    void touchAncestors(Node *node);
    void rebuild();
    QStringList groupKeys(const QJsonObject &session) const;
    Node *childFor(Node *parent, const QString &key, bool create);
    QModelIndex indexOf(const Node *node, int column = 0) const;
    Node *nodeOf(const QModelIndex &index) const;
    QVariant display(const Node *node, int column) const;
    QVariant toolTip(const Node *node) const;
    void collectSessions(const Node *node, QList<QJsonObject> &out) const;

    QPointer<BrokerView> m_view;
    Grouping m_grouping = Grouping::ByClient;
    std::unique_ptr<Node> m_root;
    QMap<qint64, QJsonObject> m_sessions; // every live session by id
};

} // namespace manifold
