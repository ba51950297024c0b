#include "sessiontablemodel.h"

#include <algorithm>

#include <QDateTime>
#include <QFileInfo>
#include <QJsonArray>
#include <QSet>
#include <QTimer>

#include "control/brokerview.h"
#include "modelformat.h"

namespace manifold {

namespace {

const QString kId = QStringLiteral("id");
const QString kServer = QStringLiteral("server");
const QString kEndedReason = QStringLiteral("endedReason");   // set on a row by sessionCutOff
const QString kEndedMessage = QStringLiteral("endedMessage");
const QString kEnded = QStringLiteral("ended");               // the session has closed

qint64 idOf(const QJsonObject &session)
{
    return session.value(kId).toInteger(-1);
}

} // namespace

SessionTableModel::SessionTableModel(BrokerView *view, QObject *parent)
    : QAbstractTableModel(parent), m_view(view)
{
    if (!view)
        return;
    connect(view, &BrokerView::sessionOpened, this, &SessionTableModel::onSessionOpened);
    connect(view, &BrokerView::sessionChanged, this, &SessionTableModel::onSessionChanged);
    connect(view, &BrokerView::sessionClosed, this, &SessionTableModel::onSessionClosed);
    connect(view, &BrokerView::sessionCutOff, this, &SessionTableModel::onSessionCutOff);
    connect(view, &BrokerView::connected, this, &SessionTableModel::resync);
}

void SessionTableModel::setServer(const QString &name)
{
    if (name == m_server)
        return;
    beginResetModel();
    m_server = name;
    m_rows.clear();
    if (m_view && !name.isEmpty()) {
        for (const QJsonValue &value :
             m_view->status().value(QStringLiteral("sessions")).toArray()) {
            if (belongs(value.toObject()))
                m_rows.append(value.toObject());
        }
        std::sort(m_rows.begin(), m_rows.end(),
                  [](const QJsonObject &a, const QJsonObject &b) { return idOf(a) < idOf(b); });
    }
    endResetModel();
}

int SessionTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int SessionTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SessionTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QJsonObject &session = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return display(session, index.column());
    case Qt::ToolTipRole:
        return toolTip(session, index.column());
    case Qt::TextAlignmentRole:
        return index.column() == ShimPidColumn || index.column() == RequestsColumn
                   ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                   : QVariant();
    case SessionIdRole:
        return idOf(session);
    case RawJsonRole:
        return session;
    case SortRole:
        return sortValue(session, index.column());
    case EndedRole:
        return session.value(kEnded).toBool();
    default:
        return {};
    }
}

QVariant SessionTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case ClientColumn:
        return tr("Client");
    case TransportColumn:
        return tr("Transport");
    case TokenColumn:
        return tr("Token");
    case RemoteAddressColumn:
        return tr("Remote address");
    case InstanceColumn:
        return tr("Instance");
    case ShimPidColumn:
        return tr("Shim PID");
    case ProcessColumn:
        return tr("Client process");
    case ConnectedColumn:
        return tr("Connected since");
    case RequestsColumn:
        return tr("Requests");
    case LastActivityColumn:
        return tr("Last activity");
    case StateColumn:
        return tr("State");
    default:
        return {};
    }
}

QHash<int, QByteArray> SessionTableModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(SessionIdRole, "sessionId");
    names.insert(RawJsonRole, "rawJson");
    names.insert(SortRole, "sortValue");
    names.insert(EndedRole, "ended");
    return names;
}

int SessionTableModel::rowOf(qint64 sessionId) const
{
    const int position = insertPosition(sessionId);
    return position < m_rows.size() && idOf(m_rows.at(position)) == sessionId ? position : -1;
}

bool SessionTableModel::hasFrontDoorSessions() const
{
    return std::any_of(m_rows.cbegin(), m_rows.cend(), [](const QJsonObject &row) { return !isShim(row); });
}

QJsonObject SessionTableModel::session(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row) : QJsonObject{};
}

void SessionTableModel::onSessionOpened(const QJsonObject &session)
{
    if (!belongs(session))
        return;
    if (rowOf(idOf(session)) >= 0) {
        onSessionChanged(session);
        return;
    }
    const int position = insertPosition(idOf(session));
    beginInsertRows({}, position, position);
    m_rows.insert(position, session);
    endInsertRows();
}

void SessionTableModel::onSessionChanged(const QJsonObject &changed)
{
    const int position = rowOf(idOf(changed));
    if (position < 0) {
        onSessionOpened(changed);
        return;
    }
    if (!belongs(changed)) {
        removeRow(idOf(changed));
        return;
    }
    const QJsonObject before = m_rows.at(position);
    if (before.value(kEnded).toBool())
        return;   // the same id again would be a new broker's session: resync has dropped the row
    QJsonObject session = changed;   // with why it is being cut off, if it is
    for (const QString &key : {kEndedReason, kEndedMessage}) {
        if (before.contains(key))
            session.insert(key, before.value(key));
    }
    if (before == session)
        return;
    m_rows[position] = session;
    int first = -1, last = -1;
    for (int column = 0; column < ColumnCount; ++column) {
        if (display(before, column) != display(session, column) ||
            toolTip(before, column) != toolTip(session, column)) {
            first = first < 0 ? column : first;
            last = column;
        }
    }
    if (first >= 0)
        emit dataChanged(index(position, first), index(position, last));
    else
        emit dataChanged(index(position, 0), index(position, ColumnCount - 1), {RawJsonRole});
}

void SessionTableModel::onSessionClosed(qint64 id)
{
    const int position = rowOf(id);
    if (position < 0)
        return;
    if (!m_rows.at(position).contains(kEndedReason)) {
        removeRow(id);
        return;
    }
    m_rows[position].insert(kEnded, true);
    emit dataChanged(index(position, 0), index(position, ColumnCount - 1));
    QTimer::singleShot(EndedRowKeptMs, this, [this, id] { removeRow(id); });
}

void SessionTableModel::onSessionCutOff(const QString &server, qint64 id, const QString &message,
                                        const QString &reason)
{
    const int position = rowOf(id);
    if (server != m_server || position < 0)
        return;
    m_rows[position].insert(kEndedReason, reason);
    m_rows[position].insert(kEndedMessage, message);
    emit dataChanged(index(position, StateColumn), index(position, StateColumn));
}

void SessionTableModel::removeRow(qint64 id)
{
    const int position = rowOf(id);
    if (position < 0)
        return;
    beginRemoveRows({}, position, position);
    m_rows.removeAt(position);
    endRemoveRows();
}

// After (re)connecting: bring the rows in line with status() by targeted steps.
void SessionTableModel::resync()
{
    if (!m_view || m_server.isEmpty())
        return;
    QList<QJsonObject> current;
    QSet<qint64> present;
    for (const QJsonValue &value : m_view->status().value(QStringLiteral("sessions")).toArray()) {
        if (belongs(value.toObject())) {
            current.append(value.toObject());
            present.insert(idOf(value.toObject()));
        }
    }
    for (int i = int(m_rows.size()) - 1; i >= 0; --i) {
        const QJsonObject &row = m_rows.at(i);
        // An ended row stays, unless its id is live again (a new broker counts from 1 again).
        if (row.value(kEnded).toBool() ? present.contains(idOf(row)) : !present.contains(idOf(row)))
            removeRow(idOf(row));
    }
    for (const QJsonObject &session : current)
        onSessionChanged(session);
}

bool SessionTableModel::belongs(const QJsonObject &session) const
{
    return !m_server.isEmpty() && session.value(kServer).toString() == m_server &&
           idOf(session) >= 0;
}

int SessionTableModel::insertPosition(qint64 id) const
{
    const auto it =
        std::lower_bound(m_rows.cbegin(), m_rows.cend(), id,
                         [](const QJsonObject &row, qint64 key) { return idOf(row) < key; });
    return int(it - m_rows.cbegin());
}

QVariant SessionTableModel::display(const QJsonObject &session, int column) const
{
    switch (column) {
    case ClientColumn: {
        const QString name = session.value(QStringLiteral("clientName")).toString();
        const QString version = session.value(QStringLiteral("clientVersion")).toString();
        if (name.isEmpty())
            return ModelFormat::none();
        return version.isEmpty() ? name : name + QLatin1Char(' ') + version;
    }
    case TransportColumn: {
        const QString transport = session.value(QStringLiteral("transport")).toString();
        if (transport == QLatin1String("http"))
            return tr("HTTP");
        if (transport == QLatin1String("sse"))
            return tr("SSE");
        return isShim(session) ? tr("shim") : transport;
    }
    case TokenColumn:
    case RemoteAddressColumn: {
        const QString value = session.value(column == TokenColumn ? QStringLiteral("tokenName")
                                                                  : QStringLiteral("remoteAddress")).toString();
        return value.isEmpty() ? ModelFormat::none() : value;
    }
    case InstanceColumn: {
        const QString key = session.value(QStringLiteral("instance")).toString();
        return key.isEmpty() ? ModelFormat::none() : key;
    }
    case ShimPidColumn: {
        if (!isShim(session) || !session.value(QStringLiteral("shimPid")).isDouble())
            return ModelFormat::none();
        const qint64 pid = session.value(QStringLiteral("shimPid")).toInteger();
        if (session.value(QStringLiteral("versionMismatch")).toBool())
            //: Shim PID column when the shim is another Manifold version: pid (shim version)
            return tr("%1 (v%2)").arg(pid).arg(session.value(QStringLiteral("shimVersion")).toString());
        return pid;
    }
    case ProcessColumn: {
        if (!isShim(session))
            return ModelFormat::none();   // an HTTP client is known by its token and address
        const QString exe =
            QFileInfo(session.value(QStringLiteral("parentExe")).toString()).fileName();
        const QJsonValue ppid = session.value(QStringLiteral("parentPid"));
        if (!ppid.isDouble() || ppid.toInteger() <= 0)   // -1: the shim could not tell
            return exe.isEmpty() ? ModelFormat::none() : exe;
        return exe.isEmpty() ? QString::number(ppid.toInteger())
                             : QStringLiteral("%1 (%2)").arg(exe).arg(ppid.toInteger());
    }
    case ConnectedColumn:
        return ModelFormat::localTime(session.value(QStringLiteral("connectedSince")).toString());
    case RequestsColumn:
        return session.value(QStringLiteral("requestsServed")).toInteger();
    case LastActivityColumn:
        return ModelFormat::localTime(session.value(QStringLiteral("lastActivity")).toString());
    case StateColumn:
        if (session.contains(kEndedReason))
            //: Sessions table, State column: a session the broker disconnected, and why
            return tr("Cut off: %1").arg(session.value(kEndedReason).toString());
        return tr("Connected");
    default:
        return {};
    }
}

QVariant SessionTableModel::toolTip(const QJsonObject &session, int column) const
{
    QString text;
    switch (column) {
    case ClientColumn: {
        const QString protocol = session.value(QStringLiteral("protocolVersion")).toString();
        if (!protocol.isEmpty())
            text = tr("MCP protocol %1").arg(protocol);
        break;
    }
    case TransportColumn: {
        const QString transport = session.value(QStringLiteral("transport")).toString();
        if (transport == QLatin1String("http"))
            text = tr("Streamable HTTP through the front door (/mcp/%1)").arg(session.value(kServer).toString());
        else if (transport == QLatin1String("sse"))
            text = tr("The older HTTP+SSE transport through the front door (/sse/%1)").arg(session.value(kServer).toString());
        else if (isShim(session))
            text = tr("manifold-shim, started by the client, over the broker's local socket");
        break;
    }
    case ShimPidColumn: {
        const QString version = session.value(QStringLiteral("shimVersion")).toString();
        if (version.isEmpty())
            break;
        text = tr("manifold-shim %1").arg(version);
        if (session.value(QStringLiteral("versionMismatch")).toBool())
            text += QLatin1Char('\n') +
                    tr("This shim is not the broker's version: restart the client so it uses the installed one.");
        break;
    }
    case ProcessColumn: {
        if (!isShim(session))
            break;
        QStringList lines;
        const QString exe = session.value(QStringLiteral("parentExe")).toString();
        if (!exe.isEmpty())
            lines.append(exe);
        const QString cwd = session.value(QStringLiteral("cwd")).toString();
        if (!cwd.isEmpty())
            lines.append(tr("Working directory: %1").arg(cwd));
        text = lines.join(QLatin1Char('\n'));
        break;
    }
    case ConnectedColumn:
        text = ModelFormat::fullTime(session.value(QStringLiteral("connectedSince")).toString());
        break;
    case LastActivityColumn:
        text = ModelFormat::fullTime(session.value(QStringLiteral("lastActivity")).toString());
        break;
    case StateColumn:
        text = session.value(kEndedMessage).toString();
        break;
    default:
        break;
    }
    return text.isEmpty() ? QVariant() : QVariant(text);
}

// A session without "transport" comes from a broker older than the front door: a shim's.
bool SessionTableModel::isShim(const QJsonObject &session)
{
    const QString transport = session.value(QStringLiteral("transport")).toString();
    return transport.isEmpty() || transport == QLatin1String("shim");
}

QVariant SessionTableModel::sortValue(const QJsonObject &session, int column) const
{
    switch (column) {
    case ShimPidColumn:
        return session.value(QStringLiteral("shimPid")).toInteger();
    case ProcessColumn:
        return display(session, column);
    case ConnectedColumn:
        return QDateTime::fromString(session.value(QStringLiteral("connectedSince")).toString(),
                                     Qt::ISODateWithMs);
    case RequestsColumn:
        return session.value(QStringLiteral("requestsServed")).toInteger();
    case LastActivityColumn:
        return QDateTime::fromString(session.value(QStringLiteral("lastActivity")).toString(),
                                     Qt::ISODateWithMs);
    default:
        return display(session, column);
    }
}

} // namespace manifold
