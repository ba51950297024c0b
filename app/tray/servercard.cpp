#include "servercard.h"

#include "models/healthmodel.h"
#include "models/modelformat.h"
#include "statecolors.h"
#include "widgets/sparkline.h"

#include <QGridLayout>
#include <QJsonValue>
#include <QKeyEvent>
#include <QLabel>
#include <QPainter>
#include <QVBoxLayout>

namespace manifold {

namespace {

QString perMinute(double value)
{
    return QString::number(value, 'f', value < 10 && value != qRound(value) ? 1 : 0);
}

} // namespace

ServerCard::ServerCard(HealthModel *model, const QString &server, Size size, QWidget *parent)
    : QFrame(parent)
    , m_model(model)
    , m_size(size)
    , m_name(new QLabel(this))
    , m_dot(new QLabel(this))
    , m_state(new QLabel(this))
{
    setFocusPolicy(Qt::StrongFocus);
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    QFont bold = m_name->font();
    bold.setBold(true);
    if (size == Size::Large)
        bold.setPointSizeF(bold.pointSizeF() * 1.2);
    m_name->setFont(bold);
    m_name->setTextInteractionFlags(Qt::NoTextInteraction);

    auto *header = new QHBoxLayout;
    header->addWidget(m_dot);
    header->addWidget(m_name, 1);
    header->addWidget(m_state);

    auto *grid = new QGridLayout;
    grid->setColumnStretch(1, 1);
    m_calls = addChart(grid, 0, tr("Calls"), &m_callsValue);
    m_latency = addChart(grid, 1, tr("Latency"), &m_latencyValue);
    m_errors = addChart(grid, 2, tr("Errors"), &m_errorsValue);
    m_memory = addChart(grid, 3, tr("Memory"), &m_memoryValue);
    m_calls->setMetric(tr("Calls per minute"), [](double v) { return tr("%1 calls/min").arg(perMinute(v)); });
    m_latency->setMetric(tr("Latency (p95)"), [](double v) { return tr("p95 %1").arg(formatMs(v)); });
    m_latency->setSecondarySamples({}, [](double v) { return tr("p50 %1").arg(formatMs(v)); });
    m_errors->setMetric(tr("Errors per minute"), [](double v) { return tr("%1 errors/min").arg(perMinute(v)); });
    m_memory->setMetric(tr("Memory"), [](double kb) { return ModelFormat::memory(QJsonValue(kb)); });
    m_latency->setZeroIsGap(true); // a minute without calls has no latency
    m_memory->setZeroIsGap(true);  // nor a server that was not running
    m_calls->setShowMinMax(size == Size::Large);
    m_latency->setShowMinMax(size == Size::Large);
    m_errors->setShowMinMax(size == Size::Large);
    m_memory->setShowMinMax(size == Size::Large);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addLayout(grid);
    if (size == Size::Large)
        layout->addStretch(1);
    else
        setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed); // the dashboard's grid sets the width

    if (m_model) {
        connect(m_model, &QAbstractItemModel::dataChanged, this, &ServerCard::onDataChanged);
        connect(m_model, &QAbstractItemModel::rowsInserted, this, &ServerCard::refresh);
        connect(m_model, &QAbstractItemModel::rowsRemoved, this, &ServerCard::refresh);
        connect(m_model, &QAbstractItemModel::modelReset, this, &ServerCard::refresh);
    }
    setServer(server);
}

Sparkline *ServerCard::addChart(QGridLayout *grid, int row, const QString &title, QLabel **value)
{
    auto *label = new QLabel(title, this);
    auto *chart = new Sparkline(this);
    chart->setFixedHeight(m_size == Size::Large ? 72 : 40);
    *value = new QLabel(this);
    (*value)->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    (*value)->setMinimumWidth(fontMetrics().horizontalAdvance(QStringLiteral("0000 errors/min")));
    grid->addWidget(label, row, 0);
    grid->addWidget(chart, row, 1);
    grid->addWidget(*value, row, 2);
    return chart;
}

void ServerCard::setServer(const QString &server)
{
    m_server = server;
    refresh();
}

void ServerCard::setSlowThresholdMs(double ms)
{
    m_latency->setThreshold(ms);
}

QString ServerCard::formatMs(double ms)
{
    if (ms >= 1000)
        return tr("%1 s").arg(QString::number(ms / 1000, 'f', 1));
    return tr("%1 ms").arg(QString::number(ms, 'f', ms < 10 ? 1 : 0));
}

QString ServerCard::callsText() const { return m_callsValue->text(); }
QString ServerCard::latencyText() const { return m_latencyValue->text(); }
QString ServerCard::errorsText() const { return m_errorsValue->text(); }
QString ServerCard::memoryText() const { return m_memoryValue->text(); }

void ServerCard::onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight)
{
    const int row = m_model ? m_model->rowOf(m_server) : -1;
    if (row >= topLeft.row() && row <= bottomRight.row())
        refresh();
}

void ServerCard::refresh()
{
    const int row = m_model ? m_model->rowOf(m_server) : -1;
    const QModelIndex index = row >= 0 ? m_model->index(row) : QModelIndex();
    const QString state = index.data(HealthModel::StateRole).toString();
    const bool unresponsive = index.data(HealthModel::UnresponsiveRole).toBool();
    m_name->setText(m_server);
    m_state->setText(row >= 0 ? StateColors::stateText(unresponsive ? QStringLiteral("unresponsive") : state) : QString());
    const int dot = fontMetrics().height() * 2 / 3;
    m_dot->setPixmap(StateColors::dot(state, unresponsive, palette()).pixmap(dot, dot));
    setAccessibleName(tr("Server %1, %2").arg(m_server, m_state->text()));

    const bool hasHealth = index.data(HealthModel::HasHealthRole).toBool();
    const qint64 start = index.data(HealthModel::SeriesStartRole).toLongLong();
    const qint64 step = index.data(HealthModel::BucketMsRole).toLongLong();
    const auto series = [&index](int role) { return index.data(role).value<QList<double>>(); };
    m_calls->setSamples(series(HealthModel::CallsSeriesRole), start, step);
    m_latency->setSamples(series(HealthModel::P95SeriesRole), start, step);
    m_latency->setSecondarySamples(series(HealthModel::P50SeriesRole));
    m_errors->setSamples(series(HealthModel::ErrorsSeriesRole), start, step);
    m_memory->setSamples(series(HealthModel::MemorySeriesRole), start, step);

    const QString none = ModelFormat::none();
    const double calls = index.data(HealthModel::CallsPerMinRole).toDouble();
    const double errors = index.data(HealthModel::ErrorsPerMinRole).toDouble();
    const double memoryKb = index.data(HealthModel::MemoryKbRole).toDouble();
    m_callsValue->setText(hasHealth ? tr("%1/min").arg(perMinute(calls)) : none);
    m_latencyValue->setText(hasHealth && calls > 0
                                ? tr("p95 %1 · p50 %2")
                                      .arg(formatMs(index.data(HealthModel::P95Role).toDouble()),
                                           formatMs(index.data(HealthModel::P50Role).toDouble()))
                                : none);
    m_errorsValue->setText(hasHealth ? tr("%1/min").arg(perMinute(errors)) : none);
    m_memoryValue->setText(hasHealth && memoryKb > 0 ? ModelFormat::memory(QJsonValue(memoryKb)) : none);
    setAccessibleDescription(tr("%1 calls per minute, latency %2, %3 errors per minute, memory %4")
                                 .arg(m_callsValue->text(), m_latencyValue->text(), m_errorsValue->text(),
                                      m_memoryValue->text()));
}

void ServerCard::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) {
        emit openTraffic(m_server);
        return;
    }
    QFrame::keyPressEvent(event);
}

void ServerCard::mouseDoubleClickEvent(QMouseEvent *)
{
    emit openTraffic(m_server);
}

void ServerCard::focusInEvent(QFocusEvent *event)
{
    update();
    QFrame::focusInEvent(event);
}

void ServerCard::focusOutEvent(QFocusEvent *event)
{
    update();
    QFrame::focusOutEvent(event);
}

void ServerCard::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        refresh();   // the state dot's colour follows the palette
    QFrame::changeEvent(event);
}

// The focused card stands out by a frame in the palette's highlight colour.
void ServerCard::paintEvent(QPaintEvent *event)
{
    QFrame::paintEvent(event);
    if (!hasFocus())
        return;
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    QPen pen(palette().color(QPalette::Highlight), 2);
    painter.setPen(pen);
    painter.drawRoundedRect(QRectF(rect()).adjusted(1, 1, -1, -1), 3, 3);
}

} // namespace manifold
