// The painted sparkline: geometry from known samples (not pixels), the threshold, HiDPI
// rendering, the palette, what assistive technology reads, and repaints only on change.

#include "widgets/sparkline.h"

#include <QApplication>
#include <QDateTime>
#include <QEvent>
#include <QImage>
#include <QPainter>
#include <QTest>

#include <gtest/gtest.h>

using namespace manifold;

namespace {

// Plot area of a 106×46 widget: 3 px margins, 100×40.
const QSize kSize(106, 46);

class PaintCounter final : public QObject
{
public:
    int paints = 0;
    bool eventFilter(QObject *, QEvent *event) override
    {
        if (event->type() == QEvent::Paint)
            ++paints;
        return false;
    }
};

QImage renderAt(Sparkline &spark, qreal dpr)
{
    spark.resize(kSize);
    QImage image(kSize * dpr, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(dpr);
    image.fill(Qt::transparent);
    spark.render(&image, {}, {}, QWidget::RenderFlags());
    return image;
}

bool near(const QColor &a, const QColor &b)
{
    return qAbs(a.red() - b.red()) < 24 && qAbs(a.green() - b.green()) < 24 && qAbs(a.blue() - b.blue()) < 24;
}

} // namespace

TEST(SparklineTest, PointsForKnownSamples)
{
    Sparkline spark;
    EXPECT_TRUE(spark.pointsFor(kSize).isEmpty());
    spark.setSamples({0, 5, 10});
    const QPolygonF points = spark.pointsFor(kSize);
    ASSERT_EQ(points.size(), 3);
    EXPECT_EQ(points.at(0), QPointF(3, 43));  // zero sits on the bottom
    EXPECT_EQ(points.at(1), QPointF(53, 23)); // half way
    EXPECT_EQ(points.at(2), QPointF(103, 3)); // the maximum touches the top
    EXPECT_EQ(spark.thresholdYFor(kSize), -1);
    // The sample under the pointer: nearest bucket.
    EXPECT_EQ(spark.sampleAt(4, kSize), 0);
    EXPECT_EQ(spark.sampleAt(60, kSize), 1);
    EXPECT_EQ(spark.sampleAt(500, kSize), 2);
    // Twice the size, twice the coordinates: geometry is logical, resolution-free.
    const QPolygonF wide = spark.pointsFor(QSize(206, 86));
    EXPECT_EQ(wide.at(1), QPointF(103, 43));
}

TEST(SparklineTest, ThresholdRaisesTheScaleAndIsDrawnWhereItBelongs)
{
    Sparkline spark;
    spark.setSamples({0, 5, 10});
    spark.setThreshold(20);
    EXPECT_TRUE(spark.hasThreshold());
    EXPECT_DOUBLE_EQ(spark.scaleMax(), 20);
    EXPECT_EQ(spark.thresholdYFor(kSize), 3);
    EXPECT_EQ(spark.pointsFor(kSize).at(2), QPointF(103, 23)); // 10 of 20: half way up
    // A threshold below the data keeps the data's scale.
    spark.setThreshold(8);
    EXPECT_DOUBLE_EQ(spark.scaleMax(), 10);
    EXPECT_EQ(spark.thresholdYFor(kSize), 43 - 0.8 * 40);
    spark.clearThreshold();
    EXPECT_EQ(spark.thresholdYFor(kSize), -1);
    // The second series shares the scale.
    spark.setSecondarySamples({40, 0, 0});
    EXPECT_DOUBLE_EQ(spark.scaleMax(), 40);
    EXPECT_EQ(spark.secondaryPointsFor(kSize).at(0), QPointF(3, 3));
}

TEST(SparklineTest, RendersAtDevicePixelRatioTwo)
{
    Sparkline spark;
    QPalette palette = spark.palette();
    palette.setColor(QPalette::Highlight, QColor(0, 90, 200));
    spark.setPalette(palette);
    spark.setSamples({0, 5, 10});
    const QImage one = renderAt(spark, 1);
    const QImage two = renderAt(spark, 2);
    EXPECT_EQ(two.size(), one.size() * 2);
    EXPECT_EQ(two.deviceIndependentSize(), QSizeF(kSize));
    // The last-value dot sits at logical (103, 3): device pixel (206, 6) at ratio 2.
    EXPECT_TRUE(near(two.pixelColor(206, 6), QColor(0, 90, 200))) << two.pixelColor(206, 6).name().toStdString();
    // The filled area under the line (lighter) reaches the bottom-right.
    EXPECT_GT(two.pixelColor(200, 84).alpha(), 0);
    // Above the line at the start nothing is painted.
    EXPECT_EQ(two.pixelColor(10, 10).alpha(), 0);
}

TEST(SparklineTest, DarkPaletteChangesThePen)
{
    Sparkline spark;
    spark.setSamples({0, 5, 10});
    QPalette light = spark.palette();
    light.setColor(QPalette::Highlight, QColor(0, 90, 200));
    spark.setPalette(light);
    EXPECT_EQ(spark.lineColor(), QColor(0, 90, 200));
    EXPECT_TRUE(near(renderAt(spark, 1).pixelColor(103, 3), QColor(0, 90, 200)));

    QPalette dark = light;
    dark.setColor(QPalette::Window, QColor(30, 30, 30));
    dark.setColor(QPalette::Highlight, QColor(120, 180, 255));
    spark.setPalette(dark);
    EXPECT_EQ(spark.lineColor(), QColor(120, 180, 255));
    EXPECT_TRUE(near(renderAt(spark, 1).pixelColor(103, 3), QColor(120, 180, 255)));
}

TEST(SparklineTest, AccessibleNameDescriptionAndTooltip)
{
    Sparkline spark;
    EXPECT_FALSE(spark.accessibleDescription().isEmpty()); // "no data yet"
    spark.setMetric(QStringLiteral("Calls per minute"),
                    [](double v) { return QStringLiteral("%1 calls/min").arg(v); });
    const qint64 start = QDateTime(QDate(2026, 12, 7), QTime(14, 0)).toMSecsSinceEpoch();
    spark.setSamples({1, 7, 3}, start, 60000);
    EXPECT_EQ(spark.accessibleName(), QStringLiteral("Calls per minute"));
    EXPECT_EQ(spark.accessibleDescription(),
              QStringLiteral("last 3 calls/min, max 7 calls/min over the last hour"));
    EXPECT_EQ(spark.sampleText(1), QStringLiteral("14:01 — 7 calls/min"));
    spark.setSecondarySamples({0, 2, 0}, [](double v) { return QStringLiteral("p50 %1").arg(v); });
    EXPECT_EQ(spark.sampleText(1), QStringLiteral("14:01 — 7 calls/min, p50 2"));
    EXPECT_TRUE(spark.sampleText(3).isEmpty());
}

TEST(SparklineTest, RepaintsOnlyWhenSamplesChange)
{
    Sparkline spark;
    spark.resize(kSize);
    spark.setSamples({1, 2, 3});
    spark.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&spark));
    PaintCounter counter;
    QCoreApplication::processEvents();
    spark.installEventFilter(&counter);
    spark.setSamples({1, 2, 3}); // the same: nothing to paint
    QCoreApplication::processEvents();
    EXPECT_EQ(counter.paints, 0);
    spark.setSamples({1, 2, 4});
    EXPECT_TRUE(QTest::qWaitFor([&] { return counter.paints > 0; }, 2000));
}

TEST(SparklineTest, ZeroIsAGapWhereNothingWasMeasuredAndTheBaselineIsAlwaysThere)
{
    Sparkline spark;
    QPalette palette = spark.palette();
    palette.setColor(QPalette::Highlight, QColor(0, 90, 200));
    spark.setPalette(palette);
    // No samples yet: only the faint time axis along the bottom of the plot.
    const QImage empty = renderAt(spark, 1);
    EXPECT_GT(empty.pixelColor(50, 43).alpha(), 0);
    EXPECT_EQ(empty.pixelColor(50, 30).alpha(), 0);

    // Two empty minutes, then two measured ones: drawn at zero, the line climbs from the
    // second minute (x 36) and fills under it; as a gap, nothing is drawn before the third (x 70).
    spark.setSamples({0, 0, 10, 10});
    EXPECT_GT(renderAt(spark, 1).pixelColor(60, 38).alpha(), 0);
    spark.setZeroIsGap(true);
    EXPECT_TRUE(spark.zeroIsGap());
    const QImage gap = renderAt(spark, 1);
    EXPECT_EQ(gap.pixelColor(60, 38).alpha(), 0);
    EXPECT_GT(gap.pixelColor(90, 38).alpha(), 0);                // filled under the measured run
    EXPECT_TRUE(near(gap.pixelColor(103, 3), QColor(0, 90, 200))); // the latest value's dot
    // The geometry does not change, only what is drawn.
    EXPECT_EQ(spark.pointsFor(kSize).size(), 4);

    // A single measured minute (the server just started) is a dot, not a cliff from zero.
    spark.setSamples({0, 0, 0, 10});
    const QImage lone = renderAt(spark, 1);
    EXPECT_EQ(lone.pixelColor(95, 20).alpha(), 0);
    EXPECT_TRUE(near(lone.pixelColor(103, 3), QColor(0, 90, 200)));
}
