#include "healthnotifier.h"

#include "control/brokerview.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QSet>
#include <QTimer>

namespace manifold {

namespace {

qint64 steadyMs()
{
    static QElapsedTimer timer;
    if (!timer.isValid())
        timer.start();
    return timer.elapsed();
}

bool needsSignIn(const QString &authState)
{
    return authState == QLatin1String("sign-in-required") || authState == QLatin1String("signing-in");
}

QString authStateOf(const QJsonObject &server)
{
    return server.value(QLatin1String("auth")).toObject().value(QLatin1String("state")).toString();
}

} // namespace

HealthNotifier::HealthNotifier(BrokerView *view, QObject *parent)
    : QObject(parent), m_view(view), m_clock(&steadyMs), m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &HealthNotifier::deliverPending);
    if (!view)
        return;
    connect(view, &BrokerView::serverChanged, this, &HealthNotifier::onServerChanged);
    connect(view, &BrokerView::serverFailed, this, &HealthNotifier::onServerFailed);
    connect(view, &BrokerView::sessionCutOff, this,
            [this](const QString &server, qint64, const QString &message, const QString &) {
                onSessionCutOff(server, message);
            });
    connect(view, &BrokerView::connected, this, &HealthNotifier::onConnected);
    seedFromStatus();
}

void HealthNotifier::setClock(Clock clock)
{
    m_clock = std::move(clock);
}

// What the broker shows at (re)connection was there before us: remembered, not announced.
void HealthNotifier::seedFromStatus()
{
    if (!m_view)
        return;
    for (const QJsonValue &value : m_view->status().value(QLatin1String("servers")).toArray()) {
        const QJsonObject server = value.toObject();
        const QString name = server.value(QLatin1String("name")).toString();
        m_authStates.insert(name, authStateOf(server));
        const bool failed = server.value(QLatin1String("state")).toString() == QLatin1String("failed");
        m_failed.insert(name, failed);
        if (failed)
            raise(name, Kind::CrashLoop, true, {});
        if (needsSignIn(authStateOf(server)))
            raise(name, Kind::SignIn, true, {});
    }
}

void HealthNotifier::onConnected()
{
    m_seen.clear();
    seedFromStatus();
}

HealthNotifier::Condition &HealthNotifier::condition(const QString &server, Kind kind)
{
    return m_conditions[server][int(kind)];
}

void HealthNotifier::raise(const QString &server, Kind kind, bool silent, const Notice &notice)
{
    Condition &state = condition(server, kind);
    if (state.raised)
        return;
    state.raised = true;
    state.clearSince = -1;
    const bool coolingDown = state.clearedAt >= 0 && m_clock() - state.clearedAt < m_limits.coolDownMs;
    if (!silent && !coolingDown)
        announce(notice);
}

void HealthNotifier::clear(const QString &server, Kind kind)
{
    Condition &state = condition(server, kind);
    state.hits = 0;
    state.clearSince = -1;
    if (!state.raised)
        return;
    state.raised = false;
    state.clearedAt = m_clock();
}

void HealthNotifier::onHealth(const QString &server, const HealthSeries &series)
{
    deliverPending();
    // The first sample after (re)connecting shows what was already there.
    const bool silent = !m_seen.value(server);
    m_seen.insert(server, true);
    evaluateSlow(server, series, silent);
    evaluateErrors(server, series, silent);
}

void HealthNotifier::evaluateSlow(const QString &server, const HealthSeries &series, bool silent)
{
    Condition &state = condition(server, Kind::Slow);
    const double threshold = m_limits.slowP95Ms;
    const qint64 now = m_clock();
    if (series.p95Ms > threshold)
        ++state.hits;
    else
        state.hits = 0;
    if (!state.raised) {
        // A failed server is slow because it is down: the crash loop speaks for it.
        if (m_failed.value(server))
            return;
        if (state.hits >= m_limits.slowSamples || (silent && state.hits > 0)) {
            raise(server, Kind::Slow, silent,
                  {server, tr("\"%1\" is slow").arg(server),
                   tr("Half its calls wait over %1 ms; the slowest 5% over %2 ms.")
                       .arg(qRound(series.p50Ms))
                       .arg(qRound(series.p95Ms))});
        }
        return;
    }
    if (series.p95Ms < m_limits.slowClearRatio * threshold) {
        if (state.clearSince < 0)
            state.clearSince = now;
        if (now - state.clearSince >= m_limits.clearHoldMs)
            clear(server, Kind::Slow);
    } else {
        state.clearSince = -1;
    }
}

void HealthNotifier::evaluateErrors(const QString &server, const HealthSeries &series, bool silent)
{
    Condition &state = condition(server, Kind::Errors);
    const qint64 now = m_clock();
    const double ratio = series.callsPerMin > 0 ? series.errorsPerMin / series.callsPerMin
                                                : (series.errorsPerMin > 0 ? 1.0 : 0.0);
    if (!state.raised) {
        if (m_failed.value(server))
            return;
        if (series.errorsPerMin >= m_limits.minErrors && ratio >= m_limits.errorRatio) {
            raise(server, Kind::Errors, silent,
                  {server, tr("\"%1\" keeps failing calls").arg(server),
                   tr("%1 of %2 calls in the last minute were errors.")
                       .arg(qRound(series.errorsPerMin))
                       .arg(qRound(series.callsPerMin))});
        }
        return;
    }
    if (ratio < m_limits.errorClearRatio) {
        if (state.clearSince < 0)
            state.clearSince = now;
        if (now - state.clearSince >= m_limits.clearHoldMs)
            clear(server, Kind::Errors);
    } else {
        state.clearSince = -1;
    }
}

void HealthNotifier::onServerChanged(const QJsonObject &server)
{
    deliverPending();
    const QString name = server.value(QLatin1String("name")).toString();
    const QString state = server.value(QLatin1String("state")).toString();
    const bool failed = state == QLatin1String("failed");
    m_failed.insert(name, failed);
    if (state == QLatin1String("running"))
        clear(name, Kind::CrashLoop);

    const QJsonObject auth = server.value(QLatin1String("auth")).toObject();
    if (auth.isEmpty())
        return;
    const QString authState = auth.value(QLatin1String("state")).toString();
    const QString before = std::exchange(m_authStates[name], authState);
    if (authState == before)
        return;
    if (!needsSignIn(authState)) {
        clear(name, Kind::SignIn);
        return;
    }
    // sign-in-required -> signing-in is still the same need: one notification.
    raise(name, Kind::SignIn, false,
          {name, tr("Sign in to \"%1\"").arg(name),
           authState == QLatin1String("signing-in")
               ? tr("A browser window was opened to sign in. Every client uses this one sign-in.")
               : tr("%1\nUse \"Sign In\" in the Manifold menu.").arg(auth.value(QLatin1String("message")).toString())});
}

void HealthNotifier::onServerFailed(const QString &name, const QStringList &lastStderr)
{
    deliverPending();
    m_failed.insert(name, true);
    QString body = lastStderr.mid(qMax(0, int(lastStderr.size()) - 5)).join(QLatin1Char('\n'));
    if (body.isEmpty())
        body = tr("It left no error output.");
    // A crash outranks the server's slowness and errors: those wait until it runs again.
    m_pending.erase(std::remove_if(m_pending.begin(), m_pending.end(),
                                   [&name](const Notice &notice) { return notice.server == name; }),
                    m_pending.end());
    raise(name, Kind::CrashLoop, false, {name, tr("Server \"%1\" failed").arg(name), body});
}

void HealthNotifier::onSessionCutOff(const QString &server, const QString &message)
{
    deliverPending();
    // One per server: a cut-off is raised and cleared at once, so the cool-down spaces them.
    raise(server, Kind::Stalled, false,
          {server, tr("A client of \"%1\" stopped reading; disconnected").arg(server), message});
    clear(server, Kind::Stalled);
}

void HealthNotifier::announce(const Notice &notice)
{
    const qint64 now = m_clock();
    if (m_lastNotifiedAt >= 0 && now - m_lastNotifiedAt < m_limits.minGapMs) {
        m_pending.append(notice);
        m_timer->start(int(m_limits.minGapMs - (now - m_lastNotifiedAt)));
        return;
    }
    m_lastNotifiedAt = now;
    emit notify(notice.title, notice.message);
}

void HealthNotifier::deliverPending()
{
    if (m_pending.isEmpty())
        return;
    const qint64 now = m_clock();
    if (m_lastNotifiedAt >= 0 && now - m_lastNotifiedAt < m_limits.minGapMs) {
        m_timer->start(int(m_limits.minGapMs - (now - m_lastNotifiedAt)));
        return;
    }
    const QList<Notice> pending = std::exchange(m_pending, {});
    m_timer->stop();
    m_lastNotifiedAt = now;
    if (pending.size() == 1) {
        emit notify(pending.first().title, pending.first().message);
        return;
    }
    QSet<QString> others;
    for (const Notice &notice : pending) {
        if (notice.server != pending.first().server)
            others.insert(notice.server);
    }
    const QString message = others.isEmpty()
        ? tr("%1; %n more problem(s)", nullptr, int(pending.size()) - 1).arg(pending.first().title)
        : tr("%1; %n more server(s) need attention", nullptr, int(others.size())).arg(pending.first().title);
    emit notify(tr("Manifold: servers need attention"), message);
}

} // namespace manifold
