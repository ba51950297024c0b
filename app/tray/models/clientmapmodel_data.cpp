// ClientMapModel: what its rows show, and the map's summary of the same sessions.
#include "clientmapmodel.h"

#include <algorithm>

#include <QFileInfo>

#include "clientmapmodel_node.h"
#include "modelformat.h"

namespace manifold {

namespace {

const QString kServer = QStringLiteral("server");
const QString kInstance = QStringLiteral("instance");
const QString kRequests = QStringLiteral("requestsServed");
const QString kProjectPrefix = QStringLiteral("project:");

QString executableOf(const QJsonObject &session)
{
    return QFileInfo(session.value(QStringLiteral("parentExe")).toString()).fileName();
}

// The project a session works in: its working directory, else its instance's project.
QString projectOf(const QJsonObject &session)
{
    const QString cwd = session.value(QStringLiteral("cwd")).toString();
    if (!cwd.isEmpty())
        return cwd;
    const QString key = session.value(kInstance).toString();
    return key.startsWith(kProjectPrefix)
               ? key.mid(kProjectPrefix.size()).section(QLatin1Char(' '), 0, 0)
               : QString();
}

void addDistinct(QStringList &list, const QString &value)
{
    if (!value.isEmpty() && !list.contains(value))
        list.append(value);
}

QString transportText(const QJsonObject &session)
{
    const QString transport = session.value(QStringLiteral("transport")).toString();
    if (transport == QLatin1String("http"))
        return ClientMapModel::tr("HTTP");
    if (transport == QLatin1String("sse"))
        return ClientMapModel::tr("SSE");
    return transport.isEmpty() || transport == QLatin1String("shim") ? ClientMapModel::tr("shim")
                                                                     : transport;
}

bool lessText(const QString &a, const QString &b)
{
    const int folded = a.compare(b, Qt::CaseInsensitive);
    return folded != 0 ? folded < 0 : a < b;
}

} // namespace

QVariant ClientMapModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Node *node = nodeOf(index);
    const bool byClient = m_grouping == Grouping::ByClient;
    const NodeKind kind = node->level == 2   ? SessionNode
                          : node->level == 0 ? (byClient ? ClientNode : ServerNode)
                                             : (byClient ? ServerNode : InstanceNode);
    switch (role) {
    case Qt::DisplayRole:
        return display(node, index.column());
    case Qt::ToolTipRole:
        return toolTip(node);
    case Qt::TextAlignmentRole:
        return index.column() == SessionsColumn || index.column() == RequestsColumn
                   ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                   : QVariant();
    case ServerRole:
        if (kind == SessionNode)
            return node->session.value(kServer).toString();
        if (kind == ServerNode)
            return node->key;
        return kind == InstanceNode ? node->parent->key : QString();
    case SessionIdRole:
        return node->id;
    case NodeKindRole:
        return kind;
    case ClientNameRole:
        return kind == SessionNode  ? clientOf(node->session)
               : kind == ClientNode ? node->key
                                    : QString();
    case InstanceKeyRole:
        return kind == SessionNode    ? node->session.value(kInstance).toString()
               : kind == InstanceNode ? node->key
                                      : QString();
    case ExecutableRole:
    case ProjectsRole: {
        QList<QJsonObject> sessions;
        collectSessions(node, sessions);
        QStringList values;
        for (const QJsonObject &session : std::as_const(sessions))
            addDistinct(values,
                        role == ExecutableRole ? executableOf(session) : projectOf(session));
        if (role == ProjectsRole)
            return values;
        return values.join(QStringLiteral(", "));
    }
    default:
        return {};
    }
}

QVariant ClientMapModel::display(const Node *node, int column) const
{
    QList<QJsonObject> sessions;
    collectSessions(node, sessions);
    const bool byClient = m_grouping == Grouping::ByClient;
    switch (column) {
    case NameColumn: {
        if (node->level == 2) {
            const QString project = projectOf(node->session);
            const QString where = project.isEmpty() ? ModelFormat::none() : project;
            if (byClient)
                //: A session row under a client and server: id, project, transport
                return tr("Session %1 · %2 · %3")
                    .arg(node->id)
                    .arg(where, transportText(node->session));
            //: A session row under a server instance: client, id, project
            return tr("%1 · session %2 · %3").arg(clientOf(node->session)).arg(node->id).arg(where);
        }
        if (node->level == 1 && !byClient)
            return instanceText(node->key);
        if (node->level == 0 && byClient) {
            QStringList executables;
            for (const QJsonObject &session : std::as_const(sessions))
                addDistinct(executables, executableOf(session));
            executables.removeAll(node->key);
            //: A client application and its executables: "Cursor (cursor)"
            return executables.isEmpty()
                       ? node->key
                       : tr("%1 (%2)").arg(node->key, executables.join(QStringLiteral(", ")));
        }
        return node->key;
    }
    case SessionsColumn:
        return node->level == 2 ? QVariant() : QVariant(int(sessions.size()));
    case InstanceColumn: {
        QStringList keys;
        for (const QJsonObject &session : std::as_const(sessions))
            addDistinct(keys, session.value(kInstance).toString());
        if (keys.size() > 1)
            return tr("%n instance(s)", nullptr, int(keys.size()));
        return instanceText(keys.value(0));
    }
    case RequestsColumn: {
        qint64 requests = 0;
        for (const QJsonObject &session : std::as_const(sessions))
            requests += session.value(kRequests).toInteger();
        return requests;
    }
    default:
        return {};
    }
}

QVariant ClientMapModel::toolTip(const Node *node) const
{
    if (node->level == 2) {
        const QJsonObject &session = node->session;
        QStringList lines{tr("Client: %1").arg(clientOf(session)),
                          tr("Server: %1").arg(session.value(kServer).toString()),
                          tr("Instance: %1").arg(instanceText(session.value(kInstance).toString())),
                          tr("Transport: %1").arg(transportText(session))};
        const QString exe = session.value(QStringLiteral("parentExe")).toString();
        if (!exe.isEmpty())
            lines.append(tr("Process: %1").arg(exe));
        const QString since =
            ModelFormat::fullTime(session.value(QStringLiteral("connectedSince")).toString());
        if (!since.isEmpty())
            lines.append(tr("Connected since %1").arg(since));
        return lines.join(QLatin1Char('\n'));
    }
    QList<QJsonObject> sessions;
    collectSessions(node, sessions);
    QStringList projects;
    for (const QJsonObject &session : std::as_const(sessions))
        addDistinct(projects, projectOf(session));
    QString text = tr("%n session(s)", nullptr, int(sessions.size()));
    if (!projects.isEmpty())
        text += QLatin1Char('\n') + tr("Projects: %1").arg(projects.join(QStringLiteral(", ")));
    return text;
}

QList<ClientMapModel::MapClient> ClientMapModel::clients() const
{
    QList<MapClient> clients;
    for (const QJsonObject &session : std::as_const(m_sessions)) {
        const QString name = clientOf(session);
        auto it = std::find_if(clients.begin(), clients.end(),
                               [&name](const MapClient &c) { return c.name == name; });
        if (it == clients.end())
            it = clients.insert(clients.end(), MapClient{name, {}, {}, 0, 0});
        addDistinct(it->executables, executableOf(session));
        addDistinct(it->projects, projectOf(session));
        ++it->sessions;
        it->requests += session.value(kRequests).toInteger();
    }
    std::sort(clients.begin(), clients.end(),
              [](const MapClient &a, const MapClient &b) { return lessText(a.name, b.name); });
    return clients;
}

QList<ClientMapModel::MapInstance> ClientMapModel::instances() const
{
    QList<MapInstance> instances;
    for (const QJsonObject &session : std::as_const(m_sessions)) {
        const QString server = session.value(kServer).toString();
        const QString key = session.value(kInstance).toString();
        auto it = std::find_if(instances.begin(), instances.end(), [&](const MapInstance &i) {
            return i.server == server && i.key == key;
        });
        if (it == instances.end())
            it = instances.insert(instances.end(), MapInstance{server, key, 0, 0});
        ++it->sessions;
        it->requests += session.value(kRequests).toInteger();
    }
    std::sort(instances.begin(), instances.end(), [](const MapInstance &a, const MapInstance &b) {
        return a.server != b.server ? lessText(a.server, b.server) : lessText(a.key, b.key);
    });
    return instances;
}

QList<ClientMapModel::MapEdge> ClientMapModel::edges() const
{
    const QList<MapClient> clientList = clients();
    const QList<MapInstance> instanceList = instances();
    QList<MapEdge> edges;
    for (const QJsonObject &session : std::as_const(m_sessions)) {
        const QString name = clientOf(session);
        const QString server = session.value(kServer).toString();
        const QString key = session.value(kInstance).toString();
        const int client = int(std::find_if(clientList.cbegin(), clientList.cend(),
                                            [&](const MapClient &c) { return c.name == name; }) -
                               clientList.cbegin());
        const int instance = int(
            std::find_if(instanceList.cbegin(), instanceList.cend(),
                         [&](const MapInstance &i) { return i.server == server && i.key == key; }) -
            instanceList.cbegin());
        auto it = std::find_if(edges.begin(), edges.end(), [&](const MapEdge &e) {
            return e.client == client && e.instance == instance;
        });
        if (it == edges.end())
            it = edges.insert(edges.end(), MapEdge{client, instance, 0, 0});
        ++it->sessions;
        it->requests += session.value(kRequests).toInteger();
    }
    std::sort(edges.begin(), edges.end(), [](const MapEdge &a, const MapEdge &b) {
        return a.client != b.client ? a.client < b.client : a.instance < b.instance;
    });
    return edges;
}

} // namespace manifold
