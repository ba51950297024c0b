#include "clienttablemodel.h"

#include <algorithm>

#include <QDir>
#include <QHash>

#include "modelformat.h"

namespace manifold {

namespace {

using State = ClientFileStatus::State;

QString keyOf(const ClientFileStatus &file)
{
    // One path can be read as a user file and as a project file (a project in $HOME).
    return file.file.clientId + QLatin1Char('\n') + file.file.scope + QLatin1Char('\n') +
           file.file.path;
}

// What a row shows; a row whose signature is unchanged gets no dataChanged.
QString signature(const ClientFileStatus &file)
{
    QStringList parts{QString::number(int(file.state)), file.error, QString::number(file.installed),
                      QString::number(file.revertible)};
    for (const ClientEntry &entry : file.entries)
        parts << entry.name << QString::number(int(entry.kind)) << entry.command
              << entry.managedServer << entry.url << entry.reason;
    return parts.join(QChar(0x1f));
}

bool hasCounts(const ClientFileStatus &file)
{
    return file.state != State::Missing && file.state != State::Broken;
}

} // namespace

ClientTableModel::ClientTableModel(QObject *parent) : QAbstractTableModel(parent) {}

void ClientTableModel::setFiles(const QList<ClientFileStatus> &files)
{
    QHash<QString, int> wanted;
    for (int i = 0; i < files.size(); ++i)
        wanted.insert(keyOf(files.at(i)), i);
    for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
        if (!wanted.contains(keyOf(m_rows.at(row)))) {
            beginRemoveRows({}, row, row);
            m_rows.removeAt(row);
            endRemoveRows();
        }
    }
    // status() lists files in catalog order, so the rows left are in the new order: walk both.
    for (int i = 0; i < files.size(); ++i) {
        const ClientFileStatus &file = files.at(i);
        if (i < m_rows.size() && keyOf(m_rows.at(i)) == keyOf(file)) {
            if (signature(m_rows.at(i)) != signature(file)) {
                m_rows[i] = file;
                emit dataChanged(index(i, 0), index(i, ColumnCount - 1));
            } else {
                m_rows[i] = file;
            }
            continue;
        }
        const bool knownLater =
            std::any_of(m_rows.cbegin() + std::min<qsizetype>(i, m_rows.size()), m_rows.cend(),
                        [&](const ClientFileStatus &row) { return keyOf(row) == keyOf(file); });
        if (knownLater) { // another order than before: never expected, but stay correct
            beginResetModel();
            m_rows = files;
            endResetModel();
            return;
        }
        beginInsertRows({}, i, i);
        m_rows.insert(i, file);
        endInsertRows();
    }
}

int ClientTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ClientTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ClientTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ClientFileStatus &file = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return display(file, index.column());
    case Qt::ToolTipRole:
        return toolTip(file, index.column());
    case Qt::TextAlignmentRole:
        return index.column() >= LocalColumn && index.column() <= UnsupportedColumn
                   ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                   : QVariant();
    case ClientIdRole:
        return file.file.clientId;
    case PathRole:
        return file.file.path;
    case StateRole:
        return int(file.state);
    case InstalledRole:
        return file.installed;
    case RevertibleRole:
        return file.revertible;
    case SortRole:
        return sortValue(file, index.column());
    default:
        return {};
    }
}

QVariant ClientTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case LocalColumn:
            return tr("Local (stdio) servers Manifold can take over");
        case ManagedColumn:
            return tr("Servers that already run through Manifold");
        case RemoteColumn:
            return tr("Remote (URL) servers, left as they are");
        case UnsupportedColumn:
            return tr("Servers left as they are for another reason");
        case RevertColumn:
            return tr("Whether setup changed this file and can put it back");
        default:
            return {};
        }
    }
    if (role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case ClientColumn:
        return tr("Client");
    case ScopeColumn:
        return tr("Scope");
    case StateColumn:
        return tr("State");
    case LocalColumn:
        return tr("Local");
    case ManagedColumn:
        return tr("Manifold");
    case RemoteColumn:
        return tr("Remote");
    case UnsupportedColumn:
        return tr("Unsupported");
    case RevertColumn:
        return tr("Revertible");
    case PathColumn:
        return tr("Config file");
    default:
        return {};
    }
}

QHash<int, QByteArray> ClientTableModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(ClientIdRole, "clientId");
    names.insert(PathRole, "path");
    names.insert(StateRole, "state");
    names.insert(InstalledRole, "installed");
    names.insert(RevertibleRole, "revertible");
    names.insert(SortRole, "sortValue");
    return names;
}

int ClientTableModel::rowOf(const QString &clientId, const QString &path) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).file.clientId == clientId && m_rows.at(row).file.path == path)
            return row;
    }
    return -1;
}

ClientFileStatus ClientTableModel::file(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row) : ClientFileStatus{};
}

QString ClientTableModel::stateText(ClientFileStatus::State state)
{
    switch (state) {
    case State::Missing:
        return tr("missing");
    case State::Broken:
        return tr("broken");
    case State::NoServers:
        return tr("no servers");
    case State::NotSetUp:
        return tr("not set up");
    case State::SetUp:
        return tr("set up");
    case State::Partly:
        return tr("partly set up");
    }
    return QString();
}

int ClientTableModel::count(const ClientFileStatus &file, ClientEntry::Kind kind)
{
    return int(std::count_if(file.entries.cbegin(), file.entries.cend(),
                             [kind](const ClientEntry &entry) { return entry.kind == kind; }));
}

QVariant ClientTableModel::display(const ClientFileStatus &file, int column) const
{
    switch (column) {
    case ClientColumn:
        return file.kind ? file.kind->displayName : file.file.clientId;
    case ScopeColumn:
        return file.file.scope == QLatin1String("project")
                   ? tr("project %1").arg(QDir(file.file.projectDir).dirName())
                   : tr("user");
    case StateColumn:
        return file.state == State::Broken && !file.error.isEmpty()
                   //: State of a config file that does not parse: broken: why
                   ? tr("broken: %1").arg(file.error)
                   : stateText(file.state);
    case LocalColumn:
        return hasCounts(file) ? QVariant(count(file, ClientEntry::Kind::Stdio))
                               : QVariant(ModelFormat::none());
    case ManagedColumn:
        return hasCounts(file) ? QVariant(count(file, ClientEntry::Kind::Managed))
                               : QVariant(ModelFormat::none());
    case RemoteColumn:
        return hasCounts(file) ? QVariant(count(file, ClientEntry::Kind::Remote))
                               : QVariant(ModelFormat::none());
    case UnsupportedColumn:
        return hasCounts(file) ? QVariant(count(file, ClientEntry::Kind::Unsupported))
                               : QVariant(ModelFormat::none());
    case RevertColumn:
        return file.revertible ? tr("yes") : ModelFormat::none();
    case PathColumn:
        return QDir::toNativeSeparators(file.file.path);
    default:
        return {};
    }
}

QVariant ClientTableModel::toolTip(const ClientFileStatus &file, int column) const
{
    switch (column) {
    case ScopeColumn:
        return file.file.projectDir.isEmpty() ? QVariant()
                                              : QDir::toNativeSeparators(file.file.projectDir);
    case StateColumn:
        if (file.state == State::Broken)
            return tr("Does not parse, so setup leaves it untouched: %1").arg(file.error);
        if (file.state == State::Missing)
            return file.installed ? tr("The client is installed but has no config file here.")
                                  : tr("The client does not seem to be installed.");
        return {};
    case LocalColumn:
    case ManagedColumn:
    case RemoteColumn:
    case UnsupportedColumn: {
        static const ClientEntry::Kind kinds[] = {
            ClientEntry::Kind::Stdio, ClientEntry::Kind::Managed, ClientEntry::Kind::Remote,
            ClientEntry::Kind::Unsupported};
        const ClientEntry::Kind kind = kinds[column - LocalColumn];
        QStringList lines;
        for (const ClientEntry &entry : file.entries) {
            if (entry.kind != kind)
                continue;
            if (kind == ClientEntry::Kind::Unsupported && !entry.reason.isEmpty())
                lines.append(QStringLiteral("%1 (%2)").arg(entry.name, entry.reason));
            else if (kind == ClientEntry::Kind::Remote)
                lines.append(QStringLiteral("%1 (%2)").arg(entry.name, entry.url));
            else
                lines.append(entry.name);
        }
        return lines.isEmpty() ? QVariant() : lines.join(QLatin1Char('\n'));
    }
    case PathColumn:
        return QDir::toNativeSeparators(file.file.path);
    default:
        return {};
    }
}

QVariant ClientTableModel::sortValue(const ClientFileStatus &file, int column) const
{
    switch (column) {
    case StateColumn:
        return int(file.state);
    case LocalColumn:
        return count(file, ClientEntry::Kind::Stdio);
    case ManagedColumn:
        return count(file, ClientEntry::Kind::Managed);
    case RemoteColumn:
        return count(file, ClientEntry::Kind::Remote);
    case UnsupportedColumn:
        return count(file, ClientEntry::Kind::Unsupported);
    case RevertColumn:
        return file.revertible;
    default:
        return display(file, column);
    }
}

} // namespace manifold
