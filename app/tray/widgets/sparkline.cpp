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

void Sparkline::setZeroIsGap(bool gap)
{
    if (gap == m_zeroIsGap)
        return;
    m_zeroIsGap = gap;
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

QList<QPolygonF> Sparkline::runs(const QList<double> &values, const QPolygonF &points) const
{
    QList<QPolygonF> result;
    QPolygonF run;
    for (int i = 0; i < points.size(); ++i) {
        if (m_zeroIsGap && values.at(i) <= 0) {
            if (!run.isEmpty())
                result.append(run);
            run.clear();
            continue;
        }
        run.append(points.at(i));
    }
    if (!run.isEmpty())
        result.append(run);
    return result;
}

void Sparkline::paintSeries(QPainter &painter, const QList<double> &values, const QPolygonF &points,
                            const QColor &line, qreal width, bool filled) const
{
    const QRectF plot = plotRect(size());
    QColor fill = line;
    fill.setAlphaF(line.alphaF() * 0.28);
    QPen pen(line, width, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    pen.setCosmetic(true);
    for (const QPolygonF &run : runs(values, points)) {
        if (run.size() == 1) {
            // A lone measurement: a short mark, a line needs two.
            painter.setPen(Qt::NoPen);
            painter.setBrush(line);
            painter.drawEllipse(run.first(), width, width);
            continue;
        }
        if (filled) {
            QPainterPath area;
            area.moveTo(run.first().x(), plot.bottom());
            for (const QPointF &point : run)
                area.lineTo(point);
            area.lineTo(run.last().x(), plot.bottom());
            area.closeSubpath();
            painter.fillPath(area, fill);
        }
        painter.setPen(pen);
        painter.setBrush(Qt::NoBrush);
        painter.drawPolyline(run);
    }
}

void Sparkline::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QRectF plot = plotRect(size());
    const QColor line = lineColor();

    // The time axis: a faint line at zero, drawn on whole device pixels.
    QColor axis = palette().color(QPalette::PlaceholderText);
    axis.setAlphaF(0.45);
    QPen axisPen(axis, 0);
    axisPen.setCosmetic(true);
    painter.setPen(axisPen);
    painter.drawLine(QPointF(plot.left(), plot.bottom() + 0.5), QPointF(plot.right(), plot.bottom() + 0.5));

    if (m_hasThreshold && !m_values.isEmpty()) {
        QPen dashed(palette().color(QPalette::PlaceholderText), 0, Qt::DashLine);
        dashed.setCosmetic(true);
        painter.setPen(dashed);
        const qreal y = thresholdYFor(size());
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
    }

    const QPolygonF points = pointsFor(size());
    paintSeries(painter, m_values, points, line, 1.5, true);
    QColor lighter = line;
    lighter.setAlphaF(0.55);
    paintSeries(painter, m_secondary, secondaryPointsFor(size()), lighter, 1.0, false);

    // The latest value: a dot ringed in the background colour, so it reads on the line.
    if (!points.isEmpty() && !(m_zeroIsGap && m_values.last() <= 0)) {
        painter.setPen(QPen(palette().color(QPalette::Window), 1.5));
        painter.setBrush(line);
        painter.drawEllipse(points.last(), kDotRadius + 0.5, kDotRadius + 0.5);
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
