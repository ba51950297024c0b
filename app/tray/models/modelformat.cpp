#include "modelformat.h"

#include <chrono>

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonValue>
#include <QLocale>

namespace manifold::ModelFormat {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("ModelFormat", text);
}
} // namespace

qint64 steadyNowMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

QString none()
{
    return QStringLiteral("\u2014");
}

QString duration(qint64 ms)
{
    const qint64 s = qMax<qint64>(0, ms) / 1000;
    const auto two = [](qint64 n) { return QStringLiteral("%1").arg(n, 2, 10, QLatin1Char('0')); };
    if (s < 60)
        return tr("%1s").arg(s);
    if (s < 3600)
        return tr("%1m %2s").arg(s / 60).arg(two(s % 60));
    if (s < 86400)
        return tr("%1h %2m").arg(s / 3600).arg(two(s % 3600 / 60));
    return tr("%1d %2h").arg(s / 86400).arg(two(s % 86400 / 3600));
}

QString shortDuration(qint64 ms)
{
    ms = qMax<qint64>(0, ms);
    if (ms < 1000)
        return tr("%1 ms").arg(ms);
    if (ms < 60000)
        return tr("%1 s").arg(QLocale().toString(double(ms) / 1000.0, 'f', 1));
    return duration(ms);
}

QString memory(const QJsonValue &kb)
{
    if (!kb.isDouble() || kb.toDouble() < 0)
        return none();
    return QLocale().formattedDataSize(kb.toInteger() * 1024, 1);
}

QString localTime(const QString &iso)
{
    const QDateTime time = QDateTime::fromString(iso, Qt::ISODateWithMs);
    if (iso.isEmpty() || !time.isValid())
        return none();
    const QDateTime local = time.toLocalTime();
    if (local.date() == QDate::currentDate())
        return local.toString(QStringLiteral("HH:mm:ss"));
    return local.toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

QString fullTime(const QString &iso)
{
    const QDateTime time = QDateTime::fromString(iso, Qt::ISODateWithMs);
    if (iso.isEmpty() || !time.isValid())
        return {};
    return QLocale().toString(time.toLocalTime(), QLocale::LongFormat);
}

} // namespace manifold::ModelFormat
