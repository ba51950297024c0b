#include "statecolors.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QPainter>
#include <QPainterPath>
#include <QPalette>
#include <QPixmap>

namespace manifold::StateColors {

namespace {

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightnessF() < 0.5;
}

// One hue per meaning; lightness adapts so the dot contrasts with the window background.
QColor tone(int hue, const QPalette &palette)
{
    return QColor::fromHsl(hue, 170, isDark(palette) ? 150 : 105);
}

QColor healthColor(Health health, const QPalette &palette)
{
    switch (health) {
    case Health::Good:
        return tone(130, palette);
    case Health::Degraded:
        return tone(38, palette);
    case Health::Failed:
        return tone(2, palette);
    }
    return palette.color(QPalette::Mid);
}

QPixmap drawApp(int size, Health health, const QPalette &palette)
{
    QPixmap pixmap(size, size);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    const qreal s = size;
    // Three inputs converging into one outlet: the manifold.
    QPen pen(palette.color(QPalette::WindowText), s * 0.1, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    painter.setPen(pen);
    const QPointF outlet(s * 0.62, s * 0.42);
    for (const qreal y : {0.14, 0.42, 0.70})
        painter.drawLine(QPointF(s * 0.10, s * y), outlet);
    painter.drawLine(outlet, QPointF(s * 0.90, s * 0.42));
    // Health badge, bottom right.
    const qreal r = s * 0.22;
    const QPointF centre(s - r - s * 0.02, s - r - s * 0.02);
    painter.setPen(QPen(palette.color(QPalette::Window), s * 0.05));
    painter.setBrush(healthColor(health, palette));
    painter.drawEllipse(centre, r, r);
    return pixmap;
}

} // namespace

QString stateText(const QString &state)
{
    static const char *const names[] = {
        QT_TRANSLATE_NOOP("manifold::StateColors", "stopped"),
        QT_TRANSLATE_NOOP("manifold::StateColors", "starting"),
        QT_TRANSLATE_NOOP("manifold::StateColors", "running"),
        QT_TRANSLATE_NOOP("manifold::StateColors", "restarting"),
        QT_TRANSLATE_NOOP("manifold::StateColors", "stopping"),
        QT_TRANSLATE_NOOP("manifold::StateColors", "failed"),
        QT_TRANSLATE_NOOP("manifold::StateColors", "unresponsive"),
        QT_TRANSLATE_NOOP("manifold::StateColors", "sign-in-required"),
    };
    for (const char *name : names) {
        if (state == QLatin1String(name))
            return QCoreApplication::translate("manifold::StateColors", name);
    }
    return state;
}

QColor forState(const QString &state, bool unresponsive, const QPalette &palette)
{
    if (state == QLatin1String("failed"))
        return healthColor(Health::Failed, palette);
    if (unresponsive || state == QLatin1String("restarting") || state == QLatin1String("starting") ||
        state == QLatin1String("stopping") || state == QLatin1String("sign-in-required"))
        return healthColor(Health::Degraded, palette);
    if (state == QLatin1String("running"))
        return healthColor(Health::Good, palette);
    return palette.color(QPalette::Disabled, QPalette::WindowText);
}

QIcon dot(const QString &state, bool unresponsive, const QPalette &palette)
{
    QIcon icon;
    for (const int size : {12, 16, 24, 32}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(Qt::NoPen);
        painter.setBrush(forState(state, unresponsive, palette));
        const qreal margin = size * 0.2;
        painter.drawEllipse(QRectF(margin, margin, size - 2 * margin, size - 2 * margin));
        painter.end();
        icon.addPixmap(pixmap);
    }
    return icon;
}

Health health(const QJsonArray &servers)
{
    Health result = Health::Good;
    for (const QJsonValue &value : servers) {
        const QJsonObject server = value.toObject();
        const QString state = server.value(QLatin1String("state")).toString();
        if (state == QLatin1String("failed"))
            return Health::Failed;
        if (state == QLatin1String("restarting") || state == QLatin1String("starting") ||
            state == QLatin1String("sign-in-required") || server.value(QLatin1String("unresponsive")).toBool())
            result = Health::Degraded;
    }
    return result;
}

QIcon appIcon(Health health, const QPalette &palette)
{
    QIcon icon;
    for (const int size : {16, 22, 24, 32, 48, 64, 128})
        icon.addPixmap(drawApp(size, health, palette));
    return icon;
}

} // namespace manifold::StateColors
