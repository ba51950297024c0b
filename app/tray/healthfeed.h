#pragma once

#include "models/healthseries.h"

#include <QObject>
#include <QPointer>

class QTimer;

namespace manifold {

class BrokerView;

// Asks the broker for every server's health (`health`, through BrokerView::call) every few
// seconds, never with two calls outstanding, and hands each server's series on. One feed per
// BrokerView serves the tray icon and the window alike (forView()).
class HealthFeed final : public QObject
{
    Q_OBJECT

public:
    explicit HealthFeed(BrokerView *view, QObject *parent = nullptr);

    // The view's shared feed, created (as the view's child) on first use.
    static HealthFeed *forView(BrokerView *view);

    static constexpr int defaultIntervalMs = 5000;
    void setInterval(int ms);
    int interval() const;
    // Polls at once, then every interval; a second start() is harmless.
    void start();
    void stop();
    bool isActive() const;
    // Asks now unless a call is outstanding; the interval restarts from the reply.
    void pollNow();
    bool isPending() const { return m_pending; }
    // The last series per server, for late subscribers.
    QList<HealthSeries> latest() const { return m_latest; }

signals:
    void healthChanged(const QString &server, const manifold::HealthSeries &series);
    // A reply arrived and every server in it was announced.
    void polled();

private:
    void onReply(bool ok, const QJsonObject &result);

    QPointer<BrokerView> m_view;
    QTimer *m_timer;
    bool m_pending = false;
    bool m_active = false;
    QList<HealthSeries> m_latest;
};

} // namespace manifold
