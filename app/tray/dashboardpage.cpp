#include "dashboardpage.h"

#include "healthfeed.h"
#include "models/healthmodel.h"
#include "servercard.h"

#include <QGridLayout>
#include <QLabel>
#include <QResizeEvent>
#include <QSettings>
#include <QVBoxLayout>

namespace manifold {

namespace {

const QString kSlowKey = QStringLiteral("dashboard/slowThresholdMs");
constexpr int kMinCardWidth = 320; // a card narrower than this squeezes its charts

} // namespace

DashboardPage::DashboardPage(BrokerView *view, QWidget *parent)
    : QScrollArea(parent)
    , m_model(new HealthModel(view, this))
    , m_feed(HealthFeed::forView(view))
    , m_content(new QWidget(this))
    , m_grid(new QGridLayout)
    , m_empty(new QLabel(tr("No servers configured. Add one on the Servers page."), m_content))
{
    setObjectName(QStringLiteral("dashboardPage"));
    setAccessibleName(tr("Dashboard"));
    setWidgetResizable(true); // the content is as wide as the viewport: cards stretch, never scroll sideways
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setFrameShape(QFrame::NoFrame);
    m_empty->setAlignment(Qt::AlignCenter);
    auto *layout = new QVBoxLayout(m_content);
    layout->addWidget(m_empty);
    layout->addLayout(m_grid);
    layout->addStretch(1);
    setWidget(m_content);

    m_slowMs = QSettings().value(kSlowKey, 2000.0).toDouble();
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &DashboardPage::onRowsInserted);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &DashboardPage::onRowsRemoved);
    connect(m_feed, &HealthFeed::healthChanged, m_model, &HealthModel::setHealth);
    for (const HealthSeries &series : m_feed->latest())
        m_model->setHealth(series.server, series);
    if (m_model->rowCount() > 0)
        onRowsInserted({}, 0, m_model->rowCount() - 1);
    relayout();
    m_feed->start();
}

ServerCard *DashboardPage::card(const QString &server) const
{
    for (ServerCard *card : m_cards) {
        if (card->server() == server)
            return card;
    }
    return nullptr;
}

void DashboardPage::setSlowThresholdMs(double ms)
{
    m_slowMs = ms;
    QSettings().setValue(kSlowKey, ms);
    for (ServerCard *card : std::as_const(m_cards))
        card->setSlowThresholdMs(ms);
}

void DashboardPage::onRowsInserted(const QModelIndex &, int first, int last)
{
    for (int row = first; row <= last; ++row) {
        const QString name = m_model->index(row).data(HealthModel::NameRole).toString();
        auto *card = new ServerCard(m_model, name, ServerCard::Size::Compact, m_content);
        card->setSlowThresholdMs(m_slowMs);
        connect(card, &ServerCard::openTraffic, this, &DashboardPage::openTraffic);
        m_cards.insert(row, card);
    }
    relayout();
}

void DashboardPage::onRowsRemoved(const QModelIndex &, int first, int last)
{
    for (int row = last; row >= first; --row)
        delete m_cards.takeAt(row);
    relayout();
}

int DashboardPage::columnsFor(int width) const
{
    const int spacing = m_grid->horizontalSpacing() > 0 ? m_grid->horizontalSpacing() : 6;
    const QMargins margins = m_content->layout()->contentsMargins();
    const int room = width - margins.left() - margins.right();
    const int fit = qMax(1, (room + spacing) / (kMinCardWidth + spacing));
    return qMax(1, qMin(fit, int(m_cards.size()))); // a few cards share the whole width
}

// Cards in model order, left to right, as many per row as the viewport holds at their minimum
// width (at most one row's worth of cards), all columns equally wide; Tab follows.
void DashboardPage::relayout()
{
    m_empty->setVisible(m_cards.isEmpty());
    m_columns = columnsFor(viewport()->width());
    for (ServerCard *card : std::as_const(m_cards))
        m_grid->removeWidget(card);
    for (int column = 0; column < m_grid->columnCount(); ++column)
        m_grid->setColumnStretch(column, 0);
    for (int column = 0; column < m_columns; ++column)
        m_grid->setColumnStretch(column, 1);
    for (int i = 0; i < m_cards.size(); ++i) {
        m_grid->addWidget(m_cards.at(i), i / m_columns, i % m_columns);
        if (i > 0)
            setTabOrder(m_cards.at(i - 1), m_cards.at(i));
    }
}

int DashboardPage::minimumCardWidth()
{
    return kMinCardWidth;
}

void DashboardPage::resizeEvent(QResizeEvent *event)
{
    QScrollArea::resizeEvent(event);
    if (columnsFor(viewport()->width()) != m_columns)
        relayout();
}

} // namespace manifold
