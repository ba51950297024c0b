#include "trafficfeed.h"

#include "control/brokerview.h"

#include <QJsonArray>
#include <QSet>
#include <QTimer>

namespace manifold {

TrafficFeed::TrafficFeed(BrokerView *view, QObject *parent)
    : QObject(parent)
    , m_view(view)
    , m_timer(new QTimer(this))
{
    m_timer->setInterval(DefaultIntervalMs);
    connect(m_timer, &QTimer::timeout, this, &TrafficFeed::poll);
    // A call in flight when the connection drops may never be answered: forget it. The cursors
    // stay; a restarted broker shows itself by sequence numbers that went backwards.
    connect(view, &BrokerView::disconnected, this, [this] {
        ++m_generation;
        m_waiting = false;
    });
    connect(view, &BrokerView::connected, this, [this] {
        ++m_generation;
        m_waiting = false;
        if (isRunning())
            poll();
    });
}

void TrafficFeed::setServer(const QString &name)
{
    if (name == m_server)
        return;
    m_server = name;
    m_cursors.clear();
    ++m_generation;
    m_waiting = false;
}

void TrafficFeed::setInterval(int ms)
{
    m_timer->setInterval(ms);
}

int TrafficFeed::interval() const
{
    return m_timer->interval();
}

void TrafficFeed::start()
{
    if (!m_timer->isActive())
        m_timer->start();
}

void TrafficFeed::stop()
{
    m_timer->stop();
}

bool TrafficFeed::isRunning() const
{
    return m_timer->isActive();
}

void TrafficFeed::poll()
{
    if (m_waiting || !m_view || !m_view->isConnected())
        return;
    QJsonObject after;
    for (auto it = m_cursors.cbegin(); it != m_cursors.cend(); ++it)
        after.insert(it.key(), it.value());
    QJsonObject params{{QStringLiteral("limit"), BatchLimit}, {QStringLiteral("skipOld"), true}};
    if (!m_server.isEmpty())
        params.insert(QStringLiteral("name"), m_server);
    if (!after.isEmpty())
        params.insert(QStringLiteral("after"), after);
    m_waiting = true;
    const quint64 generation = m_generation;
    const QPointer<TrafficFeed> self(this);
    m_view->call(QStringLiteral("traffic"), params,
                 [self, generation](bool ok, const QJsonObject &result, const QString &error) {
                     if (self)
                         self->onReply(generation, ok, result, error);
                 });
}

void TrafficFeed::onReply(quint64 generation, bool ok, const QJsonObject &result, const QString &error)
{
    if (generation != m_generation)
        return;
    m_waiting = false;
    if (!ok) {
        emit pollFailed(error);
        return;
    }
    // A cursor the broker reports below ours: its ring started over (a restarted broker).
    QSet<QString> reset;
    const QJsonObject cursor = result.value(QLatin1String("cursor")).toObject();
    for (auto it = cursor.constBegin(); it != cursor.constEnd(); ++it) {
        const qint64 seq = it.value().toInteger();
        const auto known = m_cursors.constFind(it.key());
        if (known != m_cursors.cend() && seq < *known)
            reset.insert(it.key());
        else
            m_cursors.insert(it.key(), seq);
    }

    TrafficRows rows;
    const QJsonArray records = result.value(QLatin1String("records")).toArray();
    rows.reserve(records.size());
    for (const QJsonValue &record : records) {
        TrafficRow row = TrafficRow::fromJson(record.toObject());
        if (reset.contains(row.server))
            continue; // read again from the oldest kept
        rows.append(std::move(row));
    }
    for (const QString &server : std::as_const(reset)) {
        m_cursors.remove(server);
        emit cursorReset(server);
    }

    const qint64 missed = result.value(QLatin1String("missed")).toInteger();
    const qint64 skipped = result.value(QLatin1String("skipped")).toInteger();
    emit polled();
    if (missed > 0 || skipped > 0)
        emit dropped(missed, skipped);
    if (!rows.isEmpty())
        emit recordsArrived(rows);
}

} // namespace manifold
