#include "logmodel.h"

#include <algorithm>

#include <QJsonArray>
#include <QJsonObject>

#include "control/brokerview.h"

namespace manifold {

LogModel::LogModel(BrokerView *view, QObject *parent) : QAbstractListModel(parent), m_view(view)
{
    if (!view)
        return;
    connect(view, &BrokerView::logAppended, this, &LogModel::onLogAppended);
    connect(view, &BrokerView::connected, this, &LogModel::reload);
}

void LogModel::setServer(const QString &name)
{
    if (name == m_server)
        return;
    m_server = name;
    reload();
}

void LogModel::reload()
{
    beginResetModel();
    m_lines.clear();
    m_pending.clear();
    m_loading = m_view && !m_server.isEmpty();
    const quint64 generation = ++m_generation;
    endResetModel();
    if (!m_loading)
        return;
    QPointer<LogModel> self(this);
    m_view->call(QStringLiteral("logs"),
                 {{QStringLiteral("name"), m_server}, {QStringLiteral("lines"), HistoryLines}},
                 [self, generation](bool ok, const QJsonObject &result, const QString &error) {
                     if (self)
                         self->onHistory(generation, ok, result, error);
                 });
}

void LogModel::setMaxLines(int lines)
{
    m_maxLines = qMax(1, lines);
    if (m_lines.size() > m_maxLines)
        dropOldest(m_lines.size() - m_maxLines);
    if (m_pending.size() > m_maxLines)
        m_pending.remove(0, m_pending.size() - m_maxLines);
}

int LogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_lines.size());
}

QVariant LogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Line &line = m_lines.at(index.row());
    switch (role) {
    case Qt::DisplayRole: {
        const QString time = line.time.isValid()
                                 ? line.time.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz"))
                                 : QString();
        return line.source == QLatin1String("broker")
                   ? tr("%1  [broker] %2").arg(time, line.text)
                   : QStringLiteral("%1  %2").arg(time, line.text);
    }
    case Qt::ToolTipRole:
        return line.time.toLocalTime().toString(Qt::ISODateWithMs);
    case TimeRole:
        return line.time;
    case SourceRole:
        return line.source;
    case TextRole:
        return line.text;
    default:
        return {};
    }
}

QHash<int, QByteArray> LogModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(TimeRole, "time");
    names.insert(SourceRole, "source");
    names.insert(TextRole, "text");
    return names;
}

LogModel::Line LogModel::lineFrom(const QJsonObject &json)
{
    return Line{
        QDateTime::fromString(json.value(QStringLiteral("time")).toString(), Qt::ISODateWithMs),
        json.value(QStringLiteral("source")).toString(),
        json.value(QStringLiteral("text")).toString()};
}

void LogModel::onLogAppended(const QString &server, const QJsonObject &json)
{
    if (server.isEmpty() || server != m_server)
        return;
    if (m_loading) {
        m_pending.append(lineFrom(json));
        if (m_pending.size() > m_maxLines)
            m_pending.removeFirst();
        return;
    }
    if (m_lines.size() >= m_maxLines)
        dropOldest(m_lines.size() - m_maxLines + 1);
    const int row = int(m_lines.size());
    beginInsertRows({}, row, row);
    m_lines.append(lineFrom(json));
    endInsertRows();
}

void LogModel::onHistory(quint64 generation, bool ok, const QJsonObject &result,
                         const QString &error)
{
    if (generation != m_generation || !m_loading)
        return;
    m_loading = false;
    QList<Line> lines;
    if (ok) {
        for (const QJsonValue &value : result.value(QStringLiteral("lines")).toArray())
            lines.append(lineFrom(value.toObject()));
    }
    // Live lines that arrived before the history was taken are its tail already: skip the longest
    // prefix of them that the history ends with.
    qsizetype overlap = qMin(lines.size(), m_pending.size());
    while (overlap > 0 &&
           !std::equal(m_pending.cbegin(), m_pending.cbegin() + overlap, lines.cend() - overlap))
        --overlap;
    for (qsizetype i = overlap; i < m_pending.size(); ++i)
        lines.append(m_pending.at(i));
    m_pending.clear();
    if (lines.size() > m_maxLines)
        lines.remove(0, lines.size() - m_maxLines);
    if (!lines.isEmpty()) {
        beginInsertRows({}, 0, int(lines.size()) - 1);
        m_lines = std::move(lines);
        endInsertRows();
    }
    emit historyLoaded(ok, error);
}

void LogModel::dropOldest(qsizetype count)
{
    if (count <= 0)
        return;
    beginRemoveRows({}, 0, int(count) - 1);
    m_lines.remove(0, count);
    endRemoveRows();
}

} // namespace manifold
