#pragma once

#include "models/trafficrow.h"

#include <QHash>
#include <QObject>
#include <QPointer>

class QTimer;

namespace manifold {

class BrokerView;

// Pulls a server's (or every server's) traffic records from the broker with the `traffic`
// control call, ten times a second while started, never two calls at once. It keeps the
// per-server cursors, asks for the newest records only (skipOld), and reports what the broker
// skipped or dropped. Works the same in-process and over the control socket.
class TrafficFeed final : public QObject
{
    Q_OBJECT

public:
    static constexpr int DefaultIntervalMs = 100;
    static constexpr int BatchLimit = 500;

    explicit TrafficFeed(BrokerView *view, QObject *parent = nullptr);

    // "" = all servers. A different server starts from its oldest kept record.
    void setServer(const QString &name);
    QString server() const { return m_server; }
    void setInterval(int ms);
    int interval() const;

    void start();
    void stop();
    bool isRunning() const;
    // Asks now, unless a call is still outstanding.
    void poll();
    bool isWaiting() const { return m_waiting; }
    // Server -> last seq received.
    QHash<QString, qint64> cursors() const { return m_cursors; }

signals:
    void recordsArrived(const manifold::TrafficRows &rows);
    // Since the last report: records the broker's ring dropped before we read them (memory cap),
    // and records skipped so the view keeps up.
    void dropped(qint64 missed, qint64 skipped);
    // The server's sequence went backwards (the broker restarted): its cursor starts over.
    void cursorReset(const QString &server);
    void pollFailed(const QString &error);
    // A poll was answered (records or not).
    void polled();

private:
    void onReply(quint64 generation, bool ok, const QJsonObject &result, const QString &error);

    QPointer<BrokerView> m_view;
    QTimer *m_timer;
    QString m_server;
    QHash<QString, qint64> m_cursors;
    quint64 m_generation = 0; // replies of an older generation are ignored
    bool m_waiting = false;
};

} // namespace manifold
