#include "healthmodel.h"

#include "control/brokerview.h"

#include <QJsonArray>
#include <QSet>

namespace manifold {

namespace {

const QString kName = QStringLiteral("name");

bool lessByName(const QString &a, const QString &b)
{
    const int folded = QString::compare(a, b, Qt::CaseInsensitive);
    return folded != 0 ? folded < 0 : a < b;
}

} // namespace

HealthModel::HealthModel(BrokerView *view, QObject *parent)
    : QAbstractListModel(parent), m_view(view)
{
    if (!view)
        return;
    connect(view, &BrokerView::serverAdded, this, &HealthModel::onServerAdded);
    connect(view, &BrokerView::serverChanged, this, &HealthModel::onServerChanged);
    connect(view, &BrokerView::serverRemoved, this, &HealthModel::onServerRemoved);
    connect(view, &BrokerView::connected, this, &HealthModel::resync);
    resync();
}

int HealthModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant HealthModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    const HealthSeries &health = row.health;
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return row.name;
    case StateRole:
        return row.server.value(QLatin1String("state")).toString();
    case UnresponsiveRole:
        return row.server.value(QLatin1String("unresponsive")).toBool();
    case HasHealthRole:
        return row.hasHealth;
    case CallsPerMinRole:
        return health.callsPerMin;
    case P50Role:
        return health.p50Ms;
    case P95Role:
        return health.p95Ms;
    case ErrorsPerMinRole:
        return health.errorsPerMin;
    case MemoryKbRole:
        return health.memoryKb;
    case CallsSeriesRole:
        return QVariant::fromValue(health.values(HealthSeries::Metric::Calls));
    case P50SeriesRole:
        return QVariant::fromValue(health.values(HealthSeries::Metric::P50));
    case P95SeriesRole:
        return QVariant::fromValue(health.values(HealthSeries::Metric::P95));
    case ErrorsSeriesRole:
        return QVariant::fromValue(health.values(HealthSeries::Metric::Errors));
    case MemorySeriesRole:
        return QVariant::fromValue(health.values(HealthSeries::Metric::Memory));
    case SeriesStartRole:
        return health.firstBucketMs();
    case BucketMsRole:
        return health.bucketMs;
    default:
        return {};
    }
}

QHash<int, QByteArray> HealthModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert({{NameRole, "name"},
                  {StateRole, "state"},
                  {UnresponsiveRole, "unresponsive"},
                  {HasHealthRole, "hasHealth"},
                  {CallsPerMinRole, "callsPerMin"},
                  {P50Role, "p50Ms"},
                  {P95Role, "p95Ms"},
                  {ErrorsPerMinRole, "errorsPerMin"},
                  {MemoryKbRole, "memoryKb"},
                  {CallsSeriesRole, "callsSeries"},
                  {P50SeriesRole, "p50Series"},
                  {P95SeriesRole, "p95Series"},
                  {ErrorsSeriesRole, "errorsSeries"},
                  {MemorySeriesRole, "memorySeries"},
                  {SeriesStartRole, "seriesStart"},
                  {BucketMsRole, "bucketMs"}});
    return names;
}

int HealthModel::rowOf(const QString &name) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).name == name)
            return i;
    }
    return -1;
}

QList<int> HealthModel::healthRoles()
{
    return {HasHealthRole,    CallsPerMinRole,  P50Role,          P95Role,
            ErrorsPerMinRole, MemoryKbRole,     CallsSeriesRole,  P50SeriesRole,
            P95SeriesRole,    ErrorsSeriesRole, MemorySeriesRole, SeriesStartRole,
            BucketMsRole};
}

void HealthModel::setHealth(const QString &server, const HealthSeries &series)
{
    const int row = rowOf(server);
    if (row < 0)
        return;
    m_rows[row].health = series;
    m_rows[row].hasHealth = true;
    const QModelIndex changed = index(row);
    emit dataChanged(changed, changed, healthRoles());
}

HealthSeries HealthModel::health(const QString &server) const
{
    const int row = rowOf(server);
    return row < 0 ? HealthSeries{} : m_rows.at(row).health;
}

int HealthModel::insertPosition(const QString &name) const
{
    int position = 0;
    while (position < m_rows.size() && lessByName(m_rows.at(position).name, name))
        ++position;
    return position;
}

void HealthModel::onServerAdded(const QJsonObject &server)
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
    m_rows.insert(position, Row{name, server, {}, false});
    endInsertRows();
}

void HealthModel::onServerChanged(const QJsonObject &server)
{
    const int row = rowOf(server.value(kName).toString());
    if (row < 0) {
        onServerAdded(server);
        return;
    }
    m_rows[row].server = server;
    const QModelIndex changed = index(row);
    emit dataChanged(changed, changed, {StateRole, UnresponsiveRole});
}

void HealthModel::onServerRemoved(const QString &name)
{
    const int row = rowOf(name);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_rows.removeAt(row);
    endRemoveRows();
}

// After a reconnect: targeted removals and insertions towards the broker's list, no reset.
void HealthModel::resync()
{
    if (!m_view)
        return;
    const QJsonArray servers = m_view->status().value(QLatin1String("servers")).toArray();
    QSet<QString> present;
    for (const QJsonValue &value : servers)
        present.insert(value.toObject().value(kName).toString());
    for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
        if (!present.contains(m_rows.at(row).name))
            onServerRemoved(m_rows.at(row).name);
    }
    for (const QJsonValue &value : servers)
        onServerAdded(value.toObject());
}

} // namespace manifold
