#include "servertablemodel.h"

#include <algorithm>
#include <limits>

#include <QDateTime>
#include <QJsonArray>
#include <QSet>

#include "control/brokerview.h"
#include "control/instancestatus.h"

namespace manifold {

namespace {

const QString kName = QStringLiteral("name");
const QString kState = QStringLiteral("state");
const QString kPid = QStringLiteral("pid");
const QString kUptime = QStringLiteral("uptimeMs");
const QString kInstances = QStringLiteral("instances");
const QString kMemory = QStringLiteral("memoryKb");

bool lessByName(const QString &a, const QString &b)
{
    const int folded = QString::compare(a, b, Qt::CaseInsensitive);
    return folded != 0 ? folded < 0 : a < b;
}

// Pids of the children: the shared one, or each instance's for per-client/isolated servers.
QList<qint64> pids(const QJsonObject &server)
{
    if (server.value(kPid).isDouble())
        return {server.value(kPid).toInteger()};
    QList<qint64> result;
    for (const QJsonValue &instance : server.value(kInstances).toArray()) {
        if (instance.toObject().value(kPid).isDouble())
            result.append(instance.toObject().value(kPid).toInteger());
    }
    return result;
}

// memoryKb of the server, or the sum over its instances; undefined when nobody reported one.
QJsonValue memoryKb(const QJsonObject &server)
{
    if (server.value(kMemory).isDouble())
        return server.value(kMemory);
    qint64 sum = 0;
    bool any = false;
    for (const QJsonValue &instance : server.value(kInstances).toArray()) {
        const QJsonValue kb = instance.toObject().value(kMemory);
        if (kb.isDouble() && kb.toInteger() >= 0) {
            sum += kb.toInteger();
            any = true;
        }
    }
    return any ? QJsonValue(sum) : QJsonValue(QJsonValue::Undefined);
}

// The longest-running child's uptime as reported.
qint64 reportedUptime(const QJsonObject &server)
{
    qint64 uptime = server.value(kUptime).toInteger();
    for (const QJsonValue &instance : server.value(kInstances).toArray())
        uptime = std::max(uptime, instance.toObject().value(kUptime).toInteger());
    return uptime;
}

// What tells an instance from its siblings: its key as the broker gave it.
QString instanceIdentity(const QJsonObject &instance)
{
    const QString key = instance.value(QStringLiteral("key")).toString();
    return key.isEmpty() ? instanceLabel(instance) : key;
}

QString stateText(const QString &state)
{
    if (state == QLatin1String("stopped"))
        return ServerTableModel::tr("stopped");
    if (state == QLatin1String("starting"))
        return ServerTableModel::tr("starting");
    if (state == QLatin1String("running"))
        return ServerTableModel::tr("running");
    if (state == QLatin1String("restarting"))
        return ServerTableModel::tr("restarting");
    if (state == QLatin1String("stopping"))
        return ServerTableModel::tr("stopping");
    if (state == QLatin1String("failed"))
        return ServerTableModel::tr("failed");
    return state;
}

// The instance rows of a server, sorted by key: every instance, unless the server is plainly
// shared (its one instance is the server row itself).
QList<QJsonObject> listedInstances(const QJsonObject &server)
{
    const QJsonArray instances = server.value(kInstances).toArray();
    if (server.value(QStringLiteral("sharing")).toString() == QLatin1String("shared") &&
        instances.size() <= 1)
        return {};
    QList<QJsonObject> result;
    for (const QJsonValue &instance : instances)
        result.append(instance.toObject());
    std::sort(result.begin(), result.end(), [](const QJsonObject &a, const QJsonObject &b) {
        return instanceIdentity(a) < instanceIdentity(b);
    });
    return result;
}

bool isNumberColumn(int column)
{
    switch (column) {
    case ServerTableModel::PidColumn:
    case ServerTableModel::UptimeColumn:
    case ServerTableModel::SessionsColumn:
    case ServerTableModel::InFlightColumn:
    case ServerTableModel::QueuedColumn:
    case ServerTableModel::RestartsColumn:
    case ServerTableModel::MemoryColumn:
        return true;
    default:
        return false;
    }
}

} // namespace

ServerTableModel::ServerTableModel(BrokerView *view, QObject *parent)
    : QAbstractItemModel(parent), m_view(view)
{
    if (!view)
        return;
    connect(view, &BrokerView::serverAdded, this, &ServerTableModel::onServerAdded);
    connect(view, &BrokerView::serverChanged, this, &ServerTableModel::onServerChanged);
    connect(view, &BrokerView::serverRemoved, this, &ServerTableModel::onServerRemoved);
    connect(view, &BrokerView::connected, this, &ServerTableModel::resync);
    resync();
}

void ServerTableModel::setClock(ModelFormat::Clock clock)
{
    const qint64 before = m_clock();
    m_clock = std::move(clock);
    // Keep each row's age: rebase the receive times on the new clock.
    const qint64 after = m_clock();
    for (const std::shared_ptr<Row> &row : m_rows)
        row->receivedAtMs += after - before;
}

QModelIndex ServerTableModel::index(int row, int column, const QModelIndex &parent) const
{
    if (column < 0 || column >= ColumnCount || row < 0)
        return {};
    if (!parent.isValid())
        return row < m_rows.size() ? createIndex(row, column, nullptr) : QModelIndex();
    // Only a server's first column has children (instances have none).
    if (parent.internalPointer() || parent.column() != 0 || parent.row() >= m_rows.size())
        return {};
    Row *server = m_rows.at(parent.row()).get();
    return row < server->instances.size() ? createIndex(row, column, server) : QModelIndex();
}

QModelIndex ServerTableModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || !child.internalPointer())
        return {};
    const int position = positionOf(static_cast<const Row *>(child.internalPointer()));
    return position < 0 ? QModelIndex() : createIndex(position, 0, nullptr);
}

int ServerTableModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_rows.size());
    if (parent.internalPointer() || parent.column() != 0)
        return 0;
    return int(m_rows.at(parent.row())->instances.size());
}

int ServerTableModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant ServerTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Row *server = static_cast<const Row *>(index.internalPointer());
    const Item item = server ? Item{*server, &server->instances.at(index.row())}
                             : Item{*m_rows.at(index.row()), nullptr};
    switch (role) {
    case Qt::DisplayRole:
        return display(item, index.column());
    case Qt::ToolTipRole:
        return toolTip(item, index.column());
    case Qt::TextAlignmentRole:
        return isNumberColumn(index.column()) ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                              : QVariant();
    case NameRole:
        return item.row.name;
    case StateRole:
        return item.json().value(kState).toString();
    case RawJsonRole:
        return item.json();
    case SortRole:
        return sortValue(item, index.column());
    case InstanceKeyRole:
        return item.instance ? item.instance->key : QString();
    default:
        return {};
    }
}

QVariant ServerTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractItemModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn:
        return tr("Name");
    case StateColumn:
        return tr("State");
    case PidColumn:
        return tr("PID");
    case UptimeColumn:
        return tr("Uptime");
    case SessionsColumn:
        return tr("Sessions");
    case InFlightColumn:
        return tr("In flight");
    case QueuedColumn:
        return tr("Queued");
    case RestartsColumn:
        return tr("Restarts");
    case HeartbeatColumn:
        return tr("Last heartbeat");
    case MemoryColumn:
        return tr("Memory");
    default:
        return {};
    }
}

QHash<int, QByteArray> ServerTableModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractItemModel::roleNames();
    names.insert(NameRole, "name");
    names.insert(StateRole, "state");
    names.insert(RawJsonRole, "rawJson");
    names.insert(SortRole, "sortValue");
    names.insert(InstanceKeyRole, "instanceKey");
    return names;
}

int ServerTableModel::rowOf(const QString &name) const
{
    const int position = insertPosition(name);
    return position < m_rows.size() && m_rows.at(position)->name == name ? position : -1;
}

QJsonObject ServerTableModel::server(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row)->json : QJsonObject{};
}

void ServerTableModel::refreshClock()
{
    int first = -1, last = -1;
    for (int i = 0; i < m_rows.size(); ++i) {
        const Row &row = *m_rows.at(i);
        if (ticks({row, nullptr})) {
            first = first < 0 ? i : first;
            last = i;
        }
        int firstChild = -1, lastChild = -1;
        for (int c = 0; c < row.instances.size(); ++c) {
            if (ticks({row, &row.instances.at(c)})) {
                firstChild = firstChild < 0 ? c : firstChild;
                lastChild = c;
            }
        }
        if (firstChild >= 0) {
            const QModelIndex parent = index(i, 0);
            emit dataChanged(index(firstChild, UptimeColumn, parent),
                             index(lastChild, UptimeColumn, parent), {Qt::DisplayRole});
        }
    }
    if (first >= 0)
        emit dataChanged(index(first, UptimeColumn), index(last, UptimeColumn), {Qt::DisplayRole});
}

void ServerTableModel::onServerAdded(const QJsonObject &server)
{
    const QString name = server.value(kName).toString();
    if (name.isEmpty())
        return;
    if (rowOf(name) >= 0) {
        onServerChanged(server);
        return;
    }
    const int position = insertPosition(name);
    beginInsertRows({}, position, position);
    m_rows.insert(position, std::make_shared<Row>(Row{name, server, m_clock(), {}}));
    endInsertRows();
    syncInstances(position);
}

void ServerTableModel::onServerChanged(const QJsonObject &server)
{
    const QString name = server.value(kName).toString();
    const int position = rowOf(name);
    if (position < 0) {
        onServerAdded(server);
        return;
    }
    Row &row = *m_rows[position];
    if (row.json == server)
        return;
    const Row before{row.name, row.json, row.receivedAtMs, {}};
    row.json = server;
    row.receivedAtMs = m_clock();
    // One signal for the row, spanning the cells whose text or tooltip moved.
    int first = -1, last = -1;
    for (int column = 0; column < ColumnCount; ++column) {
        const Item was{before, nullptr}, is{row, nullptr};
        if (display(was, column) != display(is, column) ||
            toolTip(was, column) != toolTip(is, column)) {
            first = first < 0 ? column : first;
            last = column;
        }
    }
    if (first >= 0)
        emit dataChanged(index(position, first), index(position, last));
    else // only fields no column shows
        emit dataChanged(index(position, 0), index(position, ColumnCount - 1), {RawJsonRole});
    syncInstances(position);
}

void ServerTableModel::onServerRemoved(const QString &name)
{
    const int position = rowOf(name);
    if (position < 0)
        return;
    beginRemoveRows({}, position, position);
    m_rows.removeAt(position);
    endRemoveRows();
}

// After (re)connecting: bring the rows in line with status() by the same targeted steps.
void ServerTableModel::resync()
{
    if (!m_view)
        return;
    const QJsonArray servers = m_view->status().value(QStringLiteral("servers")).toArray();
    QSet<QString> present;
    for (const QJsonValue &value : servers)
        present.insert(value.toObject().value(kName).toString());
    for (int i = int(m_rows.size()) - 1; i >= 0; --i) {
        if (!present.contains(m_rows.at(i)->name))
            onServerRemoved(m_rows.at(i)->name);
    }
    for (const QJsonValue &value : servers)
        onServerChanged(value.toObject());
}

// Brings the server's instance rows in line with its json: removes the gone, inserts the new at
// their key position, and signals the changed, one row at a time.
void ServerTableModel::syncInstances(int position)
{
    Row &row = *m_rows[position];
    const QModelIndex parent = index(position, 0);
    const QList<QJsonObject> wanted = listedInstances(row.json);
    QSet<QString> wantedKeys;
    for (const QJsonObject &instance : wanted)
        wantedKeys.insert(instanceIdentity(instance));
    for (int i = int(row.instances.size()) - 1; i >= 0; --i) {
        if (wantedKeys.contains(row.instances.at(i).key))
            continue;
        beginRemoveRows(parent, i, i);
        row.instances.removeAt(i);
        endRemoveRows();
    }
    // Both lists are in key order and what is left is a subset of wanted: one merge pass.
    for (int i = 0; i < wanted.size(); ++i) {
        const QString key = instanceIdentity(wanted.at(i));
        if (i < row.instances.size() && row.instances.at(i).key == key) {
            if (row.instances.at(i).json != wanted.at(i)) {
                row.instances[i].json = wanted.at(i);
                emit dataChanged(index(i, 0, parent), index(i, ColumnCount - 1, parent));
            }
            continue;
        }
        beginInsertRows(parent, i, i);
        row.instances.insert(i, Instance{key, wanted.at(i)});
        endInsertRows();
    }
}

int ServerTableModel::positionOf(const Row *row) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).get() == row)
            return i;
    }
    return -1;
}

int ServerTableModel::insertPosition(const QString &name) const
{
    const auto it = std::lower_bound(m_rows.cbegin(), m_rows.cend(), name,
                                     [](const std::shared_ptr<Row> &row, const QString &key) {
                                         return lessByName(row->name, key);
                                     });
    return int(it - m_rows.cbegin());
}

bool ServerTableModel::ticks(const Item &item) const
{
    return !pids(item.json()).isEmpty();
}

qint64 ServerTableModel::uptimeMs(const Item &item) const
{
    return ticks(item)
               ? reportedUptime(item.json()) + qMax<qint64>(0, m_clock() - item.row.receivedAtMs)
               : 0;
}

QVariant ServerTableModel::display(const Item &item, int column) const
{
    const QJsonObject &json = item.json();
    switch (column) {
    case NameColumn:
        return item.instance ? instanceLabel(json) : item.row.name;
    case StateColumn: {
        const QString state = stateText(json.value(kState).toString());
        return json.value(QStringLiteral("unresponsive")).toBool()
                   ? tr("%1 (unresponsive)").arg(state)
                   : state;
    }
    case PidColumn: {
        const QList<qint64> list = pids(json);
        if (list.isEmpty())
            return ModelFormat::none();
        QStringList texts;
        for (qint64 pid : list)
            texts.append(QString::number(pid));
        return texts.join(QStringLiteral(", "));
    }
    case UptimeColumn:
        return ticks(item) ? ModelFormat::duration(uptimeMs(item)) : ModelFormat::none();
    case SessionsColumn:
        return instanceSessionCount(json);
    case InFlightColumn:
        return json.value(QStringLiteral("inFlight")).toInteger();
    case QueuedColumn:
        return json.value(QStringLiteral("queued")).toInteger();
    case RestartsColumn:
        return json.value(QStringLiteral("restarts")).toInteger();
    case HeartbeatColumn:
        return ModelFormat::localTime(json.value(QStringLiteral("lastHeartbeat")).toString());
    case MemoryColumn:
        return ModelFormat::memory(memoryKb(json));
    default:
        return {};
    }
}

QVariant ServerTableModel::toolTip(const Item &item, int column) const
{
    const QJsonObject &json = item.json();
    switch (column) {
    case NameColumn: {
        if (item.instance) {
            const QJsonArray sessions =
                m_view ? m_view->status().value(QStringLiteral("sessions")).toArray()
                       : QJsonArray();
            QStringList ids;
            for (qint64 id : instanceSessionIds(item.row.name, json, sessions))
                ids.append(QString::number(id));
            return ids.isEmpty() ? tr("Instance %1 of %2").arg(instanceLabel(json), item.row.name)
                                 : tr("Instance %1 of %2, sessions %3")
                                       .arg(instanceLabel(json), item.row.name,
                                            ids.join(QStringLiteral(", ")));
        }
        QStringList commandLine{json.value(QStringLiteral("command")).toString()};
        for (const QJsonValue &arg : json.value(QStringLiteral("args")).toArray())
            commandLine.append(arg.toString());
        return commandLine.join(QLatin1Char(' '));
    }
    case StateColumn:
    case RestartsColumn: {
        QStringList lines;
        if (json.value(QStringLiteral("unresponsive")).toBool())
            lines.append(tr("The server does not answer pings."));
        const QString lastExit = json.value(QStringLiteral("lastExit")).toString();
        if (!lastExit.isEmpty())
            lines.append(tr("Last exit: %1").arg(lastExit));
        return lines.isEmpty() ? QVariant() : QVariant(lines.join(QLatin1Char('\n')));
    }
    case HeartbeatColumn: {
        const QString full =
            ModelFormat::fullTime(json.value(QStringLiteral("lastHeartbeat")).toString());
        return full.isEmpty() ? QVariant() : QVariant(full);
    }
    case MemoryColumn: {
        const QJsonValue kb = memoryKb(json);
        return kb.isDouble() ? QVariant(tr("%1 KiB resident, the server and its child processes")
                                            .arg(kb.toInteger()))
                             : QVariant();
    }
    default:
        return {};
    }
}

QVariant ServerTableModel::sortValue(const Item &item, int column) const
{
    const QJsonObject &json = item.json();
    switch (column) {
    case NameColumn:
        return display(item, column);
    case StateColumn:
        return json.value(kState).toString();
    case PidColumn: {
        const QList<qint64> list = pids(json);
        return list.isEmpty() ? qint64(0) : list.first();
    }
    case UptimeColumn:
        // The reported base: a sort key that does not move every second.
        return ticks(item) ? reportedUptime(json) - item.row.receivedAtMs
                           : std::numeric_limits<qint64>::min();
    case HeartbeatColumn:
        return QDateTime::fromString(json.value(QStringLiteral("lastHeartbeat")).toString(),
                                     Qt::ISODateWithMs);
    case MemoryColumn:
        return memoryKb(json).toInteger(-1);
    default:
        return display(item, column);
    }
}

} // namespace manifold
