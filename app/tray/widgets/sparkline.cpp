#include "sparkline.h"

#include <QDateTime>
#include <QEvent>
#include <QHelpEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>

#include <algorithm>

namespace manifold {

namespace {

constexpr qreal kMargin = 3.0; // room for the last-value dot and the line's width
constexpr qreal kDotRadius = 2.5;

double maxOf(const QList<double> &values)
{
    return values.isEmpty() ? 0.0 : *std::max_element(values.cbegin(), values.cend());
}

} // namespace

Sparkline::Sparkline(QWidget *parent) : QWidget(parent)
{
    setAttribute(Qt::WA_OpaquePaintEvent, false);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setMouseTracking(false); // tooltips come from QEvent::ToolTip; hovering repaints nothing
    updateDescription();
}

void Sparkline::setMetric(const QString &name, ValueText valueText)
{
    setAccessibleName(name);
    m_valueText = std::move(valueText);
    updateDescription();
}

void Sparkline::setSamples(const QList<double> &values, qint64 firstMs, qint64 stepMs)
{
    if (values == m_values && firstMs == m_firstMs && stepMs == m_stepMs)
        return;
    m_values = values;
    m_firstMs = firstMs;
    m_stepMs = stepMs > 0 ? stepMs : 60000;
    updateDescription();
    update();
}

void Sparkline::setSecondarySamples(const QList<double> &values, ValueText valueText)
{
    if (valueText)
        m_secondaryText = std::move(valueText);
    if (values == m_secondary)
        return;
    m_secondary = values;
    update();
}

void Sparkline::setThreshold(double value)
{
    if (m_hasThreshold && value == m_threshold)
        return;
    m_threshold = value;
    m_hasThreshold = true;
    update();
}

void Sparkline::clearThreshold()
{
    if (!m_hasThreshold)
        return;
    m_hasThreshold = false;
    update();
}

void Sparkline::setShowMinMax(bool show)
{
    if (show == m_showMinMax)
        return;
    m_showMinMax = show;
    update();
}

double Sparkline::scaleMax() const
{
    double top = std::max(maxOf(m_values), maxOf(m_secondary));
    if (m_hasThreshold)
        top = std::max(top, m_threshold);
    return top > 0 ? top : 1.0;
}

QRectF Sparkline::plotRect(const QSize &size) const
{
    return QRectF(kMargin, kMargin, std::max(1.0, size.width() - 2 * kMargin),
                  std::max(1.0, size.height() - 2 * kMargin));
}

QPolygonF Sparkline::project(const QList<double> &values, const QSize &size) const
{
    QPolygonF points;
    if (values.isEmpty())
        return points;
    const QRectF plot = plotRect(size);
    const double top = scaleMax();
    const qreal step = values.size() > 1 ? plot.width() / qreal(values.size() - 1) : 0.0;
    points.reserve(values.size());
    for (int i = 0; i < values.size(); ++i) {
        const double value = std::clamp(values.at(i), 0.0, top);
        points.append(QPointF(plot.left() + i * step, plot.bottom() - value / top * plot.height()));
    }
    return points;
}

QPolygonF Sparkline::pointsFor(const QSize &size) const
{
    return project(m_values, size);
}

QPolygonF Sparkline::secondaryPointsFor(const QSize &size) const
{
    return project(m_secondary, size);
}

qreal Sparkline::thresholdYFor(const QSize &size) const
{
    if (!m_hasThreshold)
        return -1;
    const QRectF plot = plotRect(size);
    return plot.bottom() - m_threshold / scaleMax() * plot.height();
}

int Sparkline::sampleAt(qreal x, const QSize &size) const
{
    if (m_values.isEmpty())
        return -1;
    const QRectF plot = plotRect(size);
    if (m_values.size() == 1)
        return 0;
    const qreal step = plot.width() / qreal(m_values.size() - 1);
    return std::clamp(int((x - plot.left()) / step + 0.5), 0, int(m_values.size()) - 1);
}

QString Sparkline::text(double value) const
{
    return m_valueText ? m_valueText(value) : QString::number(value, 'g', 4);
}

QString Sparkline::sampleText(int i) const
{
    if (i < 0 || i >= m_values.size())
        return {};
    const QString time = m_firstMs > 0
        ? QDateTime::fromMSecsSinceEpoch(m_firstMs + i * m_stepMs).toLocalTime().toString(QStringLiteral("HH:mm"))
        : QString();
    QString value = text(m_values.at(i));
    if (i < m_secondary.size() && m_secondaryText)
        value = tr("%1, %2").arg(value, m_secondaryText(m_secondary.at(i)));
    //: A chart's tooltip: the minute, then the value
    return time.isEmpty() ? value : tr("%1 — %2").arg(time, value);
}

QColor Sparkline::lineColor() const
{
    return palette().color(QPalette::Highlight);
}

void Sparkline::updateDescription()
{
    if (m_values.isEmpty()) {
        setAccessibleDescription(tr("no data yet"));
        return;
    }
    //: A chart's accessible description
    setAccessibleDescription(tr("last %1, max %2 over the last hour").arg(text(m_values.last()), text(maxOf(m_values))));
}

QSize Sparkline::sizeHint() const
{
    return {160, 36};
}

QSize Sparkline::minimumSizeHint() const
{
    return {60, 24};
}

void Sparkline::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QRectF plot = plotRect(size());
    const QColor line = lineColor();
    QColor fill = line;
    fill.setAlphaF(0.25);

    if (m_hasThreshold && !m_values.isEmpty()) {
        QPen dashed(palette().color(QPalette::PlaceholderText), 0, Qt::DashLine);
        dashed.setCosmetic(true);
        painter.setPen(dashed);
        const qreal y = thresholdYFor(size());
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
    }

    const QPolygonF points = pointsFor(size());
    if (points.size() >= 2) {
        QPainterPath area;
        area.moveTo(points.first().x(), plot.bottom());
        for (const QPointF &point : points)
            area.lineTo(point);
        area.lineTo(points.last().x(), plot.bottom());
        area.closeSubpath();
        painter.fillPath(area, fill);
    }
    const QPolygonF secondary = secondaryPointsFor(size());
    if (secondary.size() >= 2) {
        QPen thin(palette().color(QPalette::Text), 0, Qt::SolidLine);
        thin.setCosmetic(true);
        painter.setPen(thin);
        painter.drawPolyline(secondary);
    }
    if (!points.isEmpty()) {
        QPen pen(line, 1.5, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
        pen.setCosmetic(true);
        painter.setPen(pen);
        if (points.size() >= 2)
            painter.drawPolyline(points);
        painter.setPen(Qt::NoPen);
        painter.setBrush(line);
        painter.drawEllipse(points.last(), kDotRadius, kDotRadius);
    }
    if (m_showMinMax && !m_values.isEmpty()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        QFont small = font();
        small.setPointSizeF(small.pointSizeF() * 0.8);
        painter.setFont(small);
        painter.drawText(plot, Qt::AlignLeft | Qt::AlignTop, tr("max %1").arg(text(maxOf(m_values))));
    }
}

bool Sparkline::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QString tip = sampleText(sampleAt(help->pos().x(), size()));
        if (tip.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), tip, this);
        return true;
    }
    return QWidget::event(event);
}

void Sparkline::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        update();
    QWidget::changeEvent(event);
}

} // namespace manifold
