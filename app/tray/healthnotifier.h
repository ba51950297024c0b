#pragma once

#include "models/healthseries.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QStringList>

#include <functional>

class QJsonObject;
class QTimer;

namespace manifold {

class BrokerView;

// Decides which health problems deserve a desktop notification, so the tray raises one per
// problem and never a storm. Per (server, condition): slow server, repeated errors, crash loop,
// stalled client, sign-in needed. A condition notifies once when it is raised; it notifies again
// only after it cleared and a cool-down passed. At most one notification per minimum gap; what
// is raised meanwhile is merged into the next one. Conditions already present in the first
// sample after (re)connecting are not announced. Pure logic: the clock is injected.
class HealthNotifier final : public QObject
{
    Q_OBJECT

public:
    using Clock = std::function<qint64()>; // milliseconds, monotonic

    struct Limits
    {
        double slowP95Ms = 2000;     // slow when the last minute's p95 is above this...
        int slowSamples = 3;         // ...in this many consecutive health samples
        double slowClearRatio = 0.8; // clears below ratio × threshold...
        qint64 clearHoldMs = 120000; // ...held this long (errors alike)
        int minErrors = 10;          // repeated errors: at least this many in a minute...
        double errorRatio = 0.2;     // ...and this share of the calls
        double errorClearRatio = 0.05;
        qint64 coolDownMs = 600000;  // after a clear, before the same condition notifies again
        qint64 minGapMs = 30000;     // between two notifications
    };

    // Listens to the view's serverChanged, serverFailed, sessionCutOff and connected; health
    // samples come through onHealth(). Without a view, the tests call the on*() inputs.
    explicit HealthNotifier(BrokerView *view = nullptr, QObject *parent = nullptr);

    void setClock(Clock clock);
    void setLimits(const Limits &limits) { m_limits = limits; }
    Limits limits() const { return m_limits; }

    void onHealth(const QString &server, const HealthSeries &series);
    void onServerChanged(const QJsonObject &server);
    void onServerFailed(const QString &name, const QStringList &lastStderr = {});
    void onSessionCutOff(const QString &server, const QString &message);
    // (Re)connected: whatever the next samples show was already there.
    void onConnected();
    // Sends what waits for the gap to pass, if it has; the internal timer calls it too.
    void deliverPending();
    int pendingCount() const { return int(m_pending.size()); }

signals:
    void notify(const QString &title, const QString &message);

private:
    enum class Kind { Slow, Errors, CrashLoop, Stalled, SignIn };
    struct Condition
    {
        bool raised = false;
        int hits = 0;             // consecutive samples over the raise threshold
        qint64 clearSince = -1;   // first sample in the current run under the clear threshold
        qint64 clearedAt = -1;    // when it last cleared; -1: never raised
    };
    struct Notice
    {
        QString server;
        QString title;
        QString message;
    };

    Condition &condition(const QString &server, Kind kind);
    // Raises the condition; announces it unless silent or cooling down.
    void raise(const QString &server, Kind kind, bool silent, const Notice &notice);
    void clear(const QString &server, Kind kind);
    void evaluateSlow(const QString &server, const HealthSeries &series, bool silent);
    void evaluateErrors(const QString &server, const HealthSeries &series, bool silent);
    void announce(const Notice &notice);
    void seedFromStatus();

    QPointer<BrokerView> m_view;
    Clock m_clock;
    Limits m_limits;
    QHash<QString, QHash<int, Condition>> m_conditions;
    QHash<QString, QString> m_authStates;   // server -> auth state last seen
    QHash<QString, bool> m_failed;          // server -> in the failed state
    QHash<QString, bool> m_seen;            // server -> a health sample since (re)connecting
    QList<Notice> m_pending;
    qint64 m_lastNotifiedAt = -1;
    QTimer *m_timer;
};

} // namespace manifold
