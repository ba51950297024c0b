#include "healthfeed.h"

#include "control/brokerview.h"

#include <QJsonObject>
#include <QLoggingCategory>
#include <QPointer>
#include <QTimer>

Q_LOGGING_CATEGORY(lcHealthFeed, "manifold.tray.health")

namespace manifold {

HealthFeed::HealthFeed(BrokerView *view, QObject *parent)
    : QObject(parent), m_view(view), m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    m_timer->setInterval(defaultIntervalMs);
    connect(m_timer, &QTimer::timeout, this, &HealthFeed::pollNow);
}

HealthFeed *HealthFeed::forView(BrokerView *view)
{
    if (auto *existing = view->findChild<HealthFeed *>(QString(), Qt::FindDirectChildrenOnly))
        return existing;
    return new HealthFeed(view, view);
}

void HealthFeed::setInterval(int ms)
{
    m_timer->setInterval(qMax(1, ms));
}

int HealthFeed::interval() const
{
    return m_timer->interval();
}

void HealthFeed::start()
{
    if (m_active)
        return;
    m_active = true;
    // Not inside the caller's stack: a constructor that starts the feed sees no call yet.
    QTimer::singleShot(0, this, &HealthFeed::pollNow);
}

void HealthFeed::stop()
{
    m_active = false;
    m_timer->stop();
}

bool HealthFeed::isActive() const
{
    return m_active;
}

void HealthFeed::pollNow()
{
    if (m_pending || !m_view)
        return;
    m_timer->stop();
    m_pending = true;
    QPointer<HealthFeed> self(this);
    m_view->call(QStringLiteral("health"), {},
                 [self](bool ok, const QJsonObject &result, const QString &error) {
                     if (!self)
                         return;
                     if (!ok)
                         qCDebug(lcHealthFeed) << "health:" << error;
                     self->onReply(ok, result);
                 });
}

void HealthFeed::onReply(bool ok, const QJsonObject &result)
{
    m_pending = false;
    if (ok) {
        m_latest = HealthSeries::listFromReply(result);
        for (const HealthSeries &series : std::as_const(m_latest))
            emit healthChanged(series.server, series);
        emit polled();
    }
    if (m_active)
        m_timer->start();
}

} // namespace manifold
