#pragma once

#include <QAbstractListModel>
#include <QDateTime>
#include <QList>
#include <QPointer>

class QJsonObject;

namespace manifold {

class BrokerView;

// The Log tab: the selected server's recent stderr lines and broker events, the history fetched
// with the "logs" control call, then live lines appended; bounded, dropping the oldest.
class LogModel final : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role {
        TimeRole = Qt::UserRole, // QDateTime
        SourceRole,              // "stderr" | "broker"
        TextRole,                // the line as the server wrote it
    };

    static constexpr int DefaultMaxLines = 5000;
    static constexpr int HistoryLines = 2000;

    explicit LogModel(BrokerView *view, QObject *parent = nullptr);

    // Shows this server's log (empty: none): resets, asks for the history, then follows live lines.
    void setServer(const QString &name);
    QString server() const { return m_server; }
    // Fetches the history again (after a reconnect).
    void reload();
    void setMaxLines(int lines);
    int maxLines() const { return m_maxLines; }
    bool isLoading() const { return m_loading; }

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

signals:
    // The history of the current server arrived (or could not be fetched: ok false, error).
    void historyLoaded(bool ok, const QString &error);

private:
    struct Line
    {
        QDateTime time;
        QString source;
        QString text;
        bool operator==(const Line &other) const
        {
            return time == other.time && source == other.source && text == other.text;
        }
    };

    static Line lineFrom(const QJsonObject &json);
    void onLogAppended(const QString &server, const QJsonObject &line);
    void onHistory(quint64 generation, bool ok, const QJsonObject &result, const QString &error);
    void dropOldest(qsizetype count);

    QPointer<BrokerView> m_view;
    QString m_server;
    QList<Line> m_lines;
    QList<Line> m_pending; // live lines that arrived while the history was on its way
    bool m_loading = false;
    quint64 m_generation = 0; // a reply for an earlier setServer() is ignored
    int m_maxLines = DefaultMaxLines;
};

} // namespace manifold
