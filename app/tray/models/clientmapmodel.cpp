#include "clientmapmodel.h"

#include <algorithm>

#include <QJsonArray>

#include "clientmapmodel_node.h"
#include "control/brokerview.h"
#include "modelformat.h"

namespace manifold {

namespace {

const QString kId = QStringLiteral("id");
const QString kServer = QStringLiteral("server");
const QString kInstance = QStringLiteral("instance");

qint64 idOf(const QJsonObject &session)
{
    return session.value(kId).toInteger(-1);
}

} // namespace

ClientMapModel::ClientMapModel(BrokerView *view, QObject *parent)
    : QAbstractItemModel(parent), m_view(view), m_root(std::make_unique<Node>())
{
    if (!view)
        return;
    for (const QJsonValue &value : view->status().value(QStringLiteral("sessions")).toArray()) {
        if (idOf(value.toObject()) >= 0)
            m_sessions.insert(idOf(value.toObject()), value.toObject());
    }
    rebuild();
    connect(view, &BrokerView::sessionOpened, this, &ClientMapModel::onSessionOpened);
    connect(view, &BrokerView::sessionChanged, this, &ClientMapModel::onSessionChanged);
    connect(view, &BrokerView::sessionClosed, this, &ClientMapModel::onSessionClosed);
    connect(view, &BrokerView::serverRemoved, this, &ClientMapModel::onServerRemoved);
    connect(view, &BrokerView::connected, this, &ClientMapModel::resync);
}

ClientMapModel::~ClientMapModel() = default;

void ClientMapModel::setGrouping(Grouping grouping)
{
    if (grouping == m_grouping)
        return;
    m_grouping = grouping;
    rebuild();
    emit sessionsUpdated();
}

QString ClientMapModel::clientOf(const QJsonObject &session)
{
    const QString name = session.value(QStringLiteral("clientName")).toString();
    return name.isEmpty() ? tr("Unknown client") : name;
}

QString ClientMapModel::instanceText(const QString &key)
{
    if (key.isEmpty())
        return ModelFormat::none();
    return key == QLatin1String("shared") ? tr("shared") : key;
}

QStringList ClientMapModel::groupKeys(const QJsonObject &session) const
{
    const QString server = session.value(kServer).toString();
    if (m_grouping == Grouping::ByClient)
        return {clientOf(session), server};
    return {server, session.value(kInstance).toString()};
}

// --- live updates -------------------------------------------------------------------------

void ClientMapModel::onSessionOpened(const QJsonObject &session)
{
    onSessionChanged(session);
}

void ClientMapModel::onSessionChanged(const QJsonObject &session)
{
    const qint64 id = idOf(session);
    if (id < 0)
        return;
    const auto known = m_sessions.constFind(id);
    if (known == m_sessions.constEnd()) {
        insertSession(session);
    } else if (groupKeys(*known) != groupKeys(session)) {
        removeSession(id); // it said who it is, or moved to another instance: a new place
        insertSession(session);
    } else if (*known != session) {
        m_sessions.insert(id, session);
        const QModelIndex row = indexOfSession(id);
        Node *node = nodeOf(row);
        node->session = session;
        emit dataChanged(row, row.siblingAtColumn(ColumnCount - 1));
        touchAncestors(node->parent);
    } else {
        return;
    }
    emit sessionsUpdated();
}

void ClientMapModel::onSessionClosed(qint64 id)
{
    if (!m_sessions.contains(id))
        return;
    removeSession(id);
    emit sessionsUpdated();
}

void ClientMapModel::onServerRemoved(const QString &name)
{
    QList<qint64> gone;
    for (auto it = m_sessions.cbegin(); it != m_sessions.cend(); ++it) {
        if (it->value(kServer).toString() == name)
            gone.append(it.key());
    }
    for (qint64 id : gone)
        removeSession(id);
    if (!gone.isEmpty())
        emit sessionsUpdated();
}

// After (re)connecting: bring the tree in line with status() by targeted steps.
void ClientMapModel::resync()
{
    if (!m_view)
        return;
    QMap<qint64, QJsonObject> current;
    for (const QJsonValue &value : m_view->status().value(QStringLiteral("sessions")).toArray()) {
        if (idOf(value.toObject()) >= 0)
            current.insert(idOf(value.toObject()), value.toObject());
    }
    const QList<qint64> known = m_sessions.keys();
    for (qint64 id : known) {
        if (!current.contains(id))
            removeSession(id);
    }
    for (const QJsonObject &session : std::as_const(current))
        onSessionChanged(session);
    emit sessionsUpdated();
}

void ClientMapModel::insertSession(const QJsonObject &session)
{
    const QStringList keys = groupKeys(session);
    Node *top = childFor(m_root.get(), keys.at(0), true);
    Node *middle = childFor(top, keys.at(1), true);
    const qint64 id = idOf(session);
    const auto position = std::find_if(middle->children.cbegin(), middle->children.cend(),
                                       [id](const auto &child) { return child->id > id; });
    const int row = int(position - middle->children.cbegin());
    auto node = std::make_unique<Node>();
    node->level = 2;
    node->id = id;
    node->key = QString::number(id);
    node->session = session;
    node->parent = middle;
    beginInsertRows(indexOf(middle), row, row);
    middle->children.insert(middle->children.begin() + row, std::move(node));
    m_sessions.insert(id, session);
    endInsertRows();
    touchAncestors(middle);
}

void ClientMapModel::removeSession(qint64 id)
{
    const QModelIndex row = indexOfSession(id);
    if (!row.isValid())
        return;
    Node *node = nodeOf(row);
    Node *parent = node->parent;
    beginRemoveRows(row.parent(), row.row(), row.row());
    parent->children.erase(parent->children.begin() + row.row());
    m_sessions.remove(id);
    endRemoveRows();
    // Groups left without sessions go too.
    while (parent != m_root.get() && parent->children.empty()) {
        Node *above = parent->parent;
        const int position = parent->row();
        beginRemoveRows(indexOf(above), position, position);
        above->children.erase(above->children.begin() + position);
        endRemoveRows();
        parent = above;
    }
    touchAncestors(parent);
}

// The counts of a group and of the groups above it follow its sessions.
void ClientMapModel::touchAncestors(Node *node)
{
    for (; node && node != m_root.get(); node = node->parent) {
        const QModelIndex first = indexOf(node);
        emit dataChanged(first, first.siblingAtColumn(ColumnCount - 1));
    }
}

ClientMapModel::Node *ClientMapModel::childFor(Node *parent, const QString &key, bool create)
{
    auto &children = parent->children;
    const auto position =
        std::find_if(children.cbegin(), children.cend(),
                     [&key](const auto &child) { return !child->before(key, -1); });
    if (position != children.cend() && (*position)->key == key)
        return position->get();
    if (!create)
        return nullptr;
    const int row = int(position - children.cbegin());
    auto node = std::make_unique<Node>();
    node->level = parent->level + 1;
    node->key = key;
    node->parent = parent;
    Node *created = node.get();
    beginInsertRows(indexOf(parent), row, row);
    children.insert(children.begin() + row, std::move(node));
    endInsertRows();
    return created;
}

// Builds the tree afresh for a grouping: a reset, for the user's switch only.
void ClientMapModel::rebuild()
{
    beginResetModel();
    m_root = std::make_unique<Node>();
    for (const QJsonObject &session : std::as_const(m_sessions)) {
        const QStringList keys = groupKeys(session);
        Node *parent = m_root.get();
        for (const QString &key : keys) {
            auto &children = parent->children;
            auto position =
                std::find_if(children.begin(), children.end(),
                             [&key](const auto &child) { return !child->before(key, -1); });
            if (position == children.end() || (*position)->key != key) {
                auto node = std::make_unique<Node>();
                node->level = parent->level + 1;
                node->key = key;
                node->parent = parent;
                position = children.insert(position, std::move(node));
            }
            parent = position->get();
        }
        auto node = std::make_unique<Node>(); // m_sessions is sorted by id: append
        node->level = 2;
        node->id = idOf(session);
        node->key = QString::number(node->id);
        node->session = session;
        node->parent = parent;
        parent->children.push_back(std::move(node));
    }
    endResetModel();
}

// --- the item model ----------------------------------------------------------------------

ClientMapModel::Node *ClientMapModel::nodeOf(const QModelIndex &index) const
{
    return index.isValid() ? static_cast<Node *>(index.internalPointer()) : m_root.get();
}

QModelIndex ClientMapModel::indexOf(const Node *node, int column) const
{
    if (!node || node == m_root.get())
        return {};
    return createIndex(node->row(), column, const_cast<Node *>(node));
}

QModelIndex ClientMapModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    return createIndex(row, column, nodeOf(parent)->children.at(size_t(row)).get());
}

QModelIndex ClientMapModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    return indexOf(nodeOf(child)->parent);
}

int ClientMapModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() && parent.column() != 0)
        return 0;
    return int(nodeOf(parent)->children.size());
}

int ClientMapModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QModelIndex ClientMapModel::indexOfSession(qint64 id) const
{
    const auto known = m_sessions.constFind(id);
    if (known == m_sessions.constEnd())
        return {};
    Node *node = m_root.get();
    for (const QString &key : groupKeys(*known)) {
        node = const_cast<ClientMapModel *>(this)->childFor(node, key, false);
        if (!node)
            return {};
    }
    for (const auto &child : node->children) {
        if (child->id == id)
            return indexOf(child.get());
    }
    return {};
}

QModelIndex ClientMapModel::indexOfTopLevel(const QString &key) const
{
    return indexOf(const_cast<ClientMapModel *>(this)->childFor(m_root.get(), key, false));
}

void ClientMapModel::collectSessions(const Node *node, QList<QJsonObject> &out) const
{
    if (node->level == 2) {
        out.append(node->session);
        return;
    }
    for (const auto &child : node->children)
        collectSessions(child.get(), out);
}

QVariant ClientMapModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractItemModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn:
        return m_grouping == Grouping::ByClient ? tr("Client / server / session")
                                                : tr("Server / instance / session");
    case SessionsColumn:
        return tr("Sessions");
    case InstanceColumn:
        return tr("Instance");
    case RequestsColumn:
        return tr("Requests");
    default:
        return {};
    }
}

} // namespace manifold
