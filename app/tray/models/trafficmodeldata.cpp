// What TrafficModel's cells show.
#include "trafficmodel.h"

#include <QDateTime>
#include <QLocale>

namespace manifold {

namespace {

QString idText(const QJsonValue &id)
{
    if (id.isString())
        return QLatin1Char('"') + id.toString() + QLatin1Char('"');
    if (id.isDouble())
        return QString::number(id.toInteger());
    return {};
}

} // namespace

QString TrafficModel::statusText(const TrafficRow &row) const
{
    const QString byBroker = row.byBroker ? tr(" (by Manifold)") : QString();
    switch (row.kind) {
    case TrafficRow::Kind::Notification:
        return {};
    case TrafficRow::Kind::Result:
        return tr("ok") + byBroker;
    case TrafficRow::Kind::Error:
        return tr("error %1: %2").arg(row.errorCode).arg(row.errorMessage) + byBroker;
    case TrafficRow::Kind::Request:
        break;
    }
    if (row.id.isUndefined())
        return {};
    if (!row.answered)
        return tr("pending");
    return row.answerErrorCode != 0 ? tr("error %1: %2").arg(row.answerErrorCode).arg(row.answerErrorMessage)
                                    : tr("ok");
}

QString TrafficModel::clientText(const TrafficRow &row)
{
    // Session 0 without a name: the server spoke to several sessions or to none.
    if (row.session == 0 && row.client.isEmpty())
        return tr("all clients");
    QString client = row.client.isEmpty() ? tr("unknown") : row.client;
    if (row.session > 0)
        client = tr("%1 #%2").arg(client).arg(row.session);
    // Only per-project or per-client instances tell something; one shared instance does not.
    if (!row.instance.isEmpty() && row.instance != QLatin1String("shared"))
        client = tr("%1 (%2)").arg(client, row.instance);
    return client;
}

QVariant TrafficModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TrafficRow &row = this->row(index.row());
    switch (role) {
    case RawRowRole:
        return QVariant::fromValue(row);
    case SeqRole:
        return row.seq;
    case ServerRole:
        return row.server;
    case ErrorRole:
        return row.isError() || (row.answered && row.answerErrorCode != 0);
    case SlowRole:
        return row.isSlow(m_filter.slowThresholdMs, m_clock());
    case MutedRole:
        return index.column() == ClientColumn && row.session == 0 && row.client.isEmpty();
    case Qt::TextAlignmentRole:
        if (index.column() == DurationColumn || index.column() == SizeColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ToolTipRole:
        if (index.column() == TimeColumn)
            return QDateTime::fromMSecsSinceEpoch(row.timeUs / 1000).toString(Qt::ISODateWithMs);
        if (index.column() == DirectionColumn)
            return data(index, Qt::AccessibleTextRole);
        if (index.column() == StatusColumn)
            return statusText(row);
        return {};
    case Qt::AccessibleTextRole:
        if (index.column() == DirectionColumn)
            return row.toServer ? tr("to the server") : tr("from the server");
        return data(index, Qt::DisplayRole);
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }

    const QLocale locale;
    switch (index.column()) {
    case TimeColumn:
        return QDateTime::fromMSecsSinceEpoch(row.timeUs / 1000).toString(QStringLiteral("HH:mm:ss.zzz"));
    case ServerColumn:
        return row.server;
    case ClientColumn:
        return clientText(row);
    case DirectionColumn:
        return row.toServer ? QStringLiteral("\u2192") : QStringLiteral("\u2190");
    case MethodColumn:
        return row.method;
    case IdColumn:
        return idText(row.id);
    case DurationColumn: {
        const double ms = row.shownDurationMs();
        if (ms < 0)
            return QString();
        if (ms >= 1000)
            return tr("%1 s").arg(locale.toString(ms / 1000, 'f', 2));
        return tr("%1 ms").arg(locale.toString(ms, 'f', ms < 10 ? 2 : 1));
    }
    case SizeColumn:
        if (row.size < 1024)
            return tr("%1 B").arg(row.size);
        if (row.size < 1024 * 1024)
            return tr("%1 KiB").arg(locale.toString(double(row.size) / 1024, 'f', 1));
        return tr("%1 MiB").arg(locale.toString(double(row.size) / (1024 * 1024), 'f', 1));
    case StatusColumn:
        return statusText(row);
    default:
        return {};
    }
}

QVariant TrafficModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    // The arrow column is narrow: its header is abbreviated, the full word in tooltip and for screen readers.
    if (section == DirectionColumn && (role == Qt::ToolTipRole || role == Qt::AccessibleTextRole))
        return tr("Direction");
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case ServerColumn:
        return tr("Server");
    case ClientColumn:
        return tr("Client");
    case DirectionColumn:
        return tr("Dir.", "abbreviation of Direction");
    case MethodColumn:
        return tr("Method");
    case IdColumn:
        return tr("Id");
    case DurationColumn:
        return tr("Duration");
    case SizeColumn:
        return tr("Size");
    case StatusColumn:
        return tr("Status");
    default:
        return {};
    }
}

} // namespace manifold
