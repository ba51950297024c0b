#pragma once

#include <QList>
#include <QPolygonF>
#include <QWidget>

#include <functional>

namespace manifold {

// A small painted chart of one metric over time (the last hour of a server's health): a line
// over a light filled area in the palette's highlight colour on a faint baseline, an optional
// second series (drawn thinner and lighter), an optional dashed threshold, a ringed dot on the
// last value and a tooltip per sample.
// Geometry is computed in logical coordinates with cosmetic pens, so it stays crisp at any
// device pixel ratio; it repaints only when its samples or the palette change.
class Sparkline final : public QWidget
{
    Q_OBJECT

public:
    using ValueText = std::function<QString(double)>;

    explicit Sparkline(QWidget *parent = nullptr);

    // The metric's name (accessible name) and how a value reads ("220 ms", "42 calls/min").
    void setMetric(const QString &name, ValueText valueText);
    // Values oldest first; the first starts at firstMs (epoch ms), one every stepMs.
    void setSamples(const QList<double> &values, qint64 firstMs = 0, qint64 stepMs = 60000);
    // A second series over the same buckets (p50 under p95); its own text for the tooltip.
    void setSecondarySamples(const QList<double> &values, ValueText valueText = {});
    void setThreshold(double value);
    void clearThreshold();
    void setShowMinMax(bool show);
    // Zero means "nothing measured" (latency of a minute without calls, memory before the
    // server ran): the line breaks there instead of dropping to the baseline.
    void setZeroIsGap(bool gap);
    bool zeroIsGap() const { return m_zeroIsGap; }

    QList<double> samples() const { return m_values; }
    bool hasThreshold() const { return m_hasThreshold; }
    // Where the samples are drawn in a widget of that size (logical pixels).
    QPolygonF pointsFor(const QSize &size) const;
    QPolygonF secondaryPointsFor(const QSize &size) const;
    // The threshold line's y in a widget of that size, or -1 without a threshold.
    qreal thresholdYFor(const QSize &size) const;
    // The sample under x in a widget of that size, or -1.
    int sampleAt(qreal x, const QSize &size) const;
    // "14:05 — 220 ms" for sample i.
    QString sampleText(int i) const;
    // The line's colour as painted now (follows the palette).
    QColor lineColor() const;
    // Highest value shown (the top of the chart).
    double scaleMax() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    QRectF plotRect(const QSize &size) const;
    QPolygonF project(const QList<double> &values, const QSize &size) const;
    // The points split where the line breaks (every point one run unless zeroIsGap).
    QList<QPolygonF> runs(const QList<double> &values, const QPolygonF &points) const;
    void paintSeries(QPainter &painter, const QList<double> &values, const QPolygonF &points, const QColor &line,
                     qreal width, bool filled) const;
    void updateDescription();
    QString text(double value) const;

    QList<double> m_values;
    QList<double> m_secondary;
    qint64 m_firstMs = 0;
    qint64 m_stepMs = 60000;
    ValueText m_valueText;
    ValueText m_secondaryText;
    double m_threshold = 0;
    bool m_hasThreshold = false;
    bool m_showMinMax = false;
    bool m_zeroIsGap = false;
};

} // namespace manifold
