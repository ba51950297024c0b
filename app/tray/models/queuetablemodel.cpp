#include "queuetablemodel.h"

#include <QJsonArray>

#include "control/brokerview.h"

namespace manifold {

namespace {
const QString kSession = QStringLiteral("session");
const QString kState = QStringLiteral("state");
} // namespace

QueueTableModel::QueueTableModel(BrokerView *view, QObject *parent)
    : QAbstractTableModel(parent), m_view(view)
{
    if (!view)
        return;
    connect(view, &BrokerView::serverChanged, this, &QueueTableModel::onServerChanged);
    connect(view, &BrokerView::serverAdded, this, &QueueTableModel::onServerChanged);
    connect(view, &BrokerView::serverRemoved, this, &QueueTableModel::onServerRemoved);
    connect(view, &BrokerView::sessionOpened, this, &QueueTableModel::onSessionSeen);
    connect(view, &BrokerView::sessionChanged, this, &QueueTableModel::onSessionSeen);
    connect(view, &BrokerView::sessionClosed, this,
            [this](qint64 id) { m_clientNames.remove(id); });
    connect(view, &BrokerView::connected, this, [this] {
        const QJsonObject status = m_view->status();
        for (const QJsonValue &session : status.value(QStringLiteral("sessions")).toArray())
            onSessionSeen(session.toObject());
        for (const QJsonValue &server : status.value(QStringLiteral("servers")).toArray())
            onServerChanged(server.toObject());
    });
    for (const QJsonValue &session : view->status().value(QStringLiteral("sessions")).toArray())
        onSessionSeen(session.toObject());
}

void QueueTableModel::setClock(ModelFormat::Clock clock)
{
    const qint64 before = m_clock();
    m_clock = std::move(clock);
    const qint64 after = m_clock();
    for (Row &row : m_rows)
        row.receivedAtMs += after - before;
}

void QueueTableModel::setServer(const QString &name)
{
    if (name == m_server)
        return;
    beginResetModel();
    m_server = name;
    m_rows.clear();
    if (m_view && !name.isEmpty()) {
        const qint64 now = m_clock();
        for (const QJsonValue &server :
             m_view->status().value(QStringLiteral("servers")).toArray()) {
            if (server.toObject().value(QStringLiteral("name")).toString() != name)
                continue;
            for (const QJsonValue &entry :
                 server.toObject().value(QStringLiteral("queue")).toArray())
                m_rows.append(Row{entry.toObject(), now});
        }
    }
    endResetModel();
}

int QueueTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int QueueTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant QueueTableModel::data(const QModelIndex &index, int role) const
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
        return index.column() == AgeColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                           : QVariant();
    case SessionIdRole:
        return row.json.value(kSession).toInteger();
    case StateRole:
        return row.json.value(kState).toString();
    case RawJsonRole:
        return row.json;
    case SortRole:
        switch (index.column()) {
        case SessionColumn:
            return row.json.value(kSession).toInteger();
        case AgeColumn:
            return row.json.value(QStringLiteral("ageMs")).toInteger() - row.receivedAtMs;
        default:
            return display(row, index.column());
        }
    default:
        return {};
    }
}

QVariant QueueTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case MethodColumn:
        return tr("Method");
    case SessionColumn:
        return tr("Session");
    case AgeColumn:
        return tr("Age");
    case StateColumn:
        return tr("State");
    default:
        return {};
    }
}

QHash<int, QByteArray> QueueTableModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(SessionIdRole, "sessionId");
    names.insert(StateRole, "state");
    names.insert(RawJsonRole, "rawJson");
    names.insert(SortRole, "sortValue");
    return names;
}

void QueueTableModel::refreshClock()
{
    if (!m_rows.isEmpty())
        emit dataChanged(index(0, AgeColumn), index(int(m_rows.size()) - 1, AgeColumn),
                         {Qt::DisplayRole});
}

void QueueTableModel::onServerChanged(const QJsonObject &server)
{
    if (!m_server.isEmpty() && server.value(QStringLiteral("name")).toString() == m_server)
        apply(server.value(QStringLiteral("queue")).toArray());
}

void QueueTableModel::onServerRemoved(const QString &name)
{
    if (name == m_server)
        apply({});
}

void QueueTableModel::onSessionSeen(const QJsonObject &session)
{
    const QString name = session.value(QStringLiteral("clientName")).toString();
    if (!name.isEmpty())
        m_clientNames.insert(session.value(QStringLiteral("id")).toInteger(), name);
}

// Entries carry no id, so rows are matched by position: shared rows get one dataChanged over
// the cells that moved, then the tail is inserted or removed.
void QueueTableModel::apply(const QJsonArray &queue)
{
    const qint64 now = m_clock();
    const int oldCount = int(m_rows.size());
    const int newCount = int(queue.size());
    const int common = qMin(oldCount, newCount);
    int firstRow = -1, lastRow = -1, firstColumn = ColumnCount, lastColumn = -1;
    for (int i = 0; i < common; ++i) {
        const Row before = m_rows.at(i);
        Row &row = m_rows[i];
        row = Row{queue.at(i).toObject(), now};
        for (int column = 0; column < ColumnCount; ++column) {
            if (display(before, column) != display(row, column) ||
                toolTip(before, column) != toolTip(row, column)) {
                firstRow = firstRow < 0 ? i : firstRow;
                lastRow = i;
                firstColumn = qMin(firstColumn, column);
                lastColumn = qMax(lastColumn, column);
            }
        }
    }
    if (firstRow >= 0)
        emit dataChanged(index(firstRow, firstColumn), index(lastRow, lastColumn));
    if (newCount > oldCount) {
        beginInsertRows({}, oldCount, newCount - 1);
        for (int i = oldCount; i < newCount; ++i)
            m_rows.append(Row{queue.at(i).toObject(), now});
        endInsertRows();
    } else if (newCount < oldCount) {
        beginRemoveRows({}, newCount, oldCount - 1);
        m_rows.remove(newCount, oldCount - newCount);
        endRemoveRows();
    }
}

QVariant QueueTableModel::display(const Row &row, int column) const
{
    switch (column) {
    case MethodColumn:
        return row.json.value(QStringLiteral("method")).toString();
    case SessionColumn: {
        const qint64 id = row.json.value(kSession).toInteger();
        const QString client = m_clientNames.value(id);
        return client.isEmpty() ? QStringLiteral("#%1").arg(id)
                                : QStringLiteral("#%1 %2").arg(id).arg(client);
    }
    case AgeColumn:
        return ModelFormat::shortDuration(row.json.value(QStringLiteral("ageMs")).toInteger() +
                                          qMax<qint64>(0, m_clock() - row.receivedAtMs));
    case StateColumn: {
        const QString state = row.json.value(kState).toString();
        if (state == QLatin1String("in-flight"))
            return tr("in flight");
        if (state == QLatin1String("queued"))
            return tr("queued");
        return state;
    }
    default:
        return {};
    }
}

QVariant QueueTableModel::toolTip(const Row &row, int column) const
{
    const QString instance = row.json.value(QStringLiteral("instance")).toString();
    if (column == SessionColumn && !instance.isEmpty())
        return tr("Instance: %1").arg(instance);
    return {};
}

} // namespace manifold
