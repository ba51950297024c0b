#include "servertablemodel.h"

#include <algorithm>
#include <limits>

#include <QDateTime>
#include <QJsonArray>
#include <QSet>

#include "control/brokerview.h"

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
    : QAbstractTableModel(parent), m_view(view)
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
    for (Row &row : m_rows)
        row.receivedAtMs += after - before;
}

int ServerTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ServerTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ServerTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return display(row, index.column());
    case Qt::ToolTipRole:
        return toolTip(row, index.column());
    case Qt::TextAlignmentRole:
        return isNumberColumn(index.column()) ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                              : QVariant();
    case NameRole:
        return row.name;
    case StateRole:
        return row.json.value(kState).toString();
    case RawJsonRole:
        return row.json;
    case SortRole:
        return sortValue(row, index.column());
    default:
        return {};
    }
}

QVariant ServerTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
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
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(NameRole, "name");
    names.insert(StateRole, "state");
    names.insert(RawJsonRole, "rawJson");
    names.insert(SortRole, "sortValue");
    return names;
}

int ServerTableModel::rowOf(const QString &name) const
{
    const int position = insertPosition(name);
    return position < m_rows.size() && m_rows.at(position).name == name ? position : -1;
}

QJsonObject ServerTableModel::server(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).json : QJsonObject{};
}

void ServerTableModel::refreshClock()
{
    int first = -1, last = -1;
    for (int i = 0; i < m_rows.size(); ++i) {
        if (ticks(m_rows.at(i))) {
            first = first < 0 ? i : first;
            last = i;
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
    m_rows.insert(position, Row{name, server, m_clock()});
    endInsertRows();
}

void ServerTableModel::onServerChanged(const QJsonObject &server)
{
    const QString name = server.value(kName).toString();
    const int position = rowOf(name);
    if (position < 0) {
        onServerAdded(server);
        return;
    }
    Row &row = m_rows[position];
    if (row.json == server)
        return;
    const Row before = row;
    row.json = server;
    row.receivedAtMs = m_clock();
    // One signal for the row, spanning the cells whose text or tooltip moved.
    int first = -1, last = -1;
    for (int column = 0; column < ColumnCount; ++column) {
        if (display(before, column) != display(row, column) ||
            toolTip(before, column) != toolTip(row, column)) {
            first = first < 0 ? column : first;
            last = column;
        }
    }
    if (first >= 0)
        emit dataChanged(index(position, first), index(position, last));
    else // only fields no column shows
        emit dataChanged(index(position, 0), index(position, ColumnCount - 1), {RawJsonRole});
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
        if (!present.contains(m_rows.at(i).name))
            onServerRemoved(m_rows.at(i).name);
    }
    for (const QJsonValue &value : servers)
        onServerChanged(value.toObject());
}

int ServerTableModel::insertPosition(const QString &name) const
{
    const auto it = std::lower_bound(
        m_rows.cbegin(), m_rows.cend(), name,
        [](const Row &row, const QString &key) { return lessByName(row.name, key); });
    return int(it - m_rows.cbegin());
}

bool ServerTableModel::ticks(const Row &row) const
{
    return !pids(row.json).isEmpty();
}

qint64 ServerTableModel::uptimeMs(const Row &row) const
{
    return ticks(row) ? reportedUptime(row.json) + qMax<qint64>(0, m_clock() - row.receivedAtMs)
                      : 0;
}

QVariant ServerTableModel::display(const Row &row, int column) const
{
    const QJsonObject &json = row.json;
    switch (column) {
    case NameColumn:
        return row.name;
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
        return ticks(row) ? ModelFormat::duration(uptimeMs(row)) : ModelFormat::none();
    case SessionsColumn:
        return json.value(QStringLiteral("sessions")).toInteger();
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

QVariant ServerTableModel::toolTip(const Row &row, int column) const
{
    const QJsonObject &json = row.json;
    switch (column) {
    case NameColumn: {
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

QVariant ServerTableModel::sortValue(const Row &row, int column) const
{
    const QJsonObject &json = row.json;
    switch (column) {
    case NameColumn:
        return row.name;
    case StateColumn:
        return json.value(kState).toString();
    case PidColumn: {
        const QList<qint64> list = pids(json);
        return list.isEmpty() ? qint64(0) : list.first();
    }
    case UptimeColumn:
        // The reported base: a sort key that does not move every second.
        return ticks(row) ? reportedUptime(json) - row.receivedAtMs
                          : std::numeric_limits<qint64>::min();
    case HeartbeatColumn:
        return QDateTime::fromString(json.value(QStringLiteral("lastHeartbeat")).toString(),
                                     Qt::ISODateWithMs);
    case MemoryColumn:
        return memoryKb(json).toInteger(-1);
    default:
        return display(row, column);
    }
}

} // namespace manifold
