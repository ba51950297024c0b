#include "clientmappage.h"

#include "clientmapview.h"

#include "models/clientmapmodel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QStyle>
#include <QTreeView>
#include <QVBoxLayout>

namespace manifold {

namespace {

const QString kSplitterKey = QStringLiteral("clientMap/splitter");
const QString kHeaderKey = QStringLiteral("clientMap/header");
const QString kGroupingKey = QStringLiteral("clientMap/grouping");
const QString kWeightKey = QStringLiteral("clientMap/edgeWeight");

} // namespace

ClientMapPage::ClientMapPage(BrokerView *view, QWidget *parent)
    : QWidget(parent), m_model(new ClientMapModel(view, this)),
      m_map(new ClientMapView(m_model, this)), m_tree(new QTreeView(this)),
      m_grouping(new QComboBox(this)), m_weight(new QComboBox(this)),
      m_splitter(new QSplitter(Qt::Horizontal, this))
{
    m_grouping->addItem(tr("By client"), int(ClientMapModel::Grouping::ByClient));
    m_grouping->addItem(tr("By server"), int(ClientMapModel::Grouping::ByServer));
    m_grouping->setAccessibleName(tr("Group the list"));
    auto *groupingLabel = new QLabel(tr("&Group the list:"), this);
    groupingLabel->setBuddy(m_grouping);

    m_weight->addItem(tr("Sessions"), int(ClientMapView::Weight::Sessions));
    m_weight->addItem(tr("Requests"), int(ClientMapView::Weight::Requests));
    m_weight->setAccessibleName(tr("Line width shows"));
    auto *weightLabel = new QLabel(tr("Line &width shows:"), this);
    weightLabel->setBuddy(m_weight);

    auto *bar = new QHBoxLayout;
    bar->addWidget(groupingLabel);
    bar->addWidget(m_grouping);
    bar->addSpacing(fontMetrics().height());
    bar->addWidget(weightLabel);
    bar->addWidget(m_weight);
    bar->addStretch();

    auto *scroll = new QScrollArea(this);
    scroll->setWidget(m_map);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setFocusPolicy(Qt::NoFocus); // the map itself takes focus
    // The map fits the pane's width and scrolls only vertically, when there are many nodes; the
    // pane never gets narrower than the map can be drawn.
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMinimumWidth(m_map->minimumSizeHint().width() +
                            scroll->style()->pixelMetric(QStyle::PM_ScrollBarExtent, nullptr, scroll));

    m_tree->setModel(m_model);
    m_tree->setAccessibleName(tr("Clients, servers and sessions"));
    m_tree->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tree->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tree->setAlternatingRowColors(true);
    m_tree->setUniformRowHeights(true);
    m_tree->setAllColumnsShowFocus(true);
    m_tree->setExpandsOnDoubleClick(false); // double click opens, the arrow expands
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(ClientMapModel::NameColumn, QHeaderView::Stretch);
    m_tree->expandAll();

    m_splitter->addWidget(scroll);
    m_splitter->addWidget(m_tree);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setChildrenCollapsible(false);
    m_splitter->setSizes({600, 400}); // until the user moves it: the map gets 60 % of the width

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_splitter, 1);

    setTabOrder(m_grouping, m_weight);
    setTabOrder(m_weight, m_map);
    setTabOrder(m_map, m_tree);

    // A group gets its first session after it was inserted: show it open.
    connect(m_model, &QAbstractItemModel::rowsInserted, this,
            [this](const QModelIndex &parent) { m_tree->expand(parent); });
    connect(m_model, &QAbstractItemModel::modelReset, m_tree, &QTreeView::expandAll);
    connect(m_grouping, &QComboBox::currentIndexChanged, this, &ClientMapPage::onGroupingChanged);
    connect(m_weight, &QComboBox::currentIndexChanged, this, &ClientMapPage::onWeightChanged);
    connect(m_tree, &QTreeView::activated, this, &ClientMapPage::onActivated);
    connect(m_map, &ClientMapView::openTraffic, this, &ClientMapPage::openTraffic);
    connect(m_map, &ClientMapView::clientActivated, this, &ClientMapPage::onClientActivated);

    restoreState();
}

ClientMapPage::~ClientMapPage()
{
    saveState();
}

void ClientMapPage::saveState() const
{
    QSettings settings;
    settings.setValue(kSplitterKey, m_splitter->saveState());
    settings.setValue(kHeaderKey, m_tree->header()->saveState());
    settings.setValue(kGroupingKey, m_grouping->currentData().toInt());
    settings.setValue(kWeightKey, m_weight->currentData().toInt());
}

void ClientMapPage::restoreState()
{
    QSettings settings;
    m_splitter->restoreState(settings.value(kSplitterKey).toByteArray());
    m_tree->header()->restoreState(settings.value(kHeaderKey).toByteArray());
    const int grouping = m_grouping->findData(settings.value(kGroupingKey, 0).toInt());
    m_grouping->setCurrentIndex(std::max(grouping, 0));
    const int weight = m_weight->findData(settings.value(kWeightKey, 0).toInt());
    m_weight->setCurrentIndex(std::max(weight, 0));
}

void ClientMapPage::onGroupingChanged()
{
    m_model->setGrouping(ClientMapModel::Grouping(m_grouping->currentData().toInt()));
    QSettings().setValue(kGroupingKey, m_grouping->currentData().toInt());
}

void ClientMapPage::onWeightChanged()
{
    m_map->setEdgeWeight(ClientMapView::Weight(m_weight->currentData().toInt()));
    QSettings().setValue(kWeightKey, m_weight->currentData().toInt());
}

// A session opens its server's Sessions tab on it; a server or instance its traffic; a client
// application opens or closes its branch.
void ClientMapPage::onActivated(const QModelIndex &index)
{
    const QModelIndex row = index.siblingAtColumn(ClientMapModel::NameColumn);
    switch (row.data(ClientMapModel::NodeKindRole).toInt()) {
    case ClientMapModel::SessionNode:
        emit openSession(row.data(ClientMapModel::ServerRole).toString(),
                         row.data(ClientMapModel::SessionIdRole).toLongLong());
        break;
    case ClientMapModel::ServerNode:
    case ClientMapModel::InstanceNode:
        emit openTraffic(row.data(ClientMapModel::ServerRole).toString());
        break;
    default:
        m_tree->setExpanded(row, !m_tree->isExpanded(row));
        break;
    }
}

// Enter on a client in the map: its branch in the list, selected and with the focus.
void ClientMapPage::onClientActivated(const QString &client)
{
    if (m_model->grouping() != ClientMapModel::Grouping::ByClient)
        m_grouping->setCurrentIndex(m_grouping->findData(int(ClientMapModel::Grouping::ByClient)));
    const QModelIndex row = m_model->indexOfTopLevel(client);
    if (!row.isValid())
        return;
    m_tree->expand(row);
    m_tree->setCurrentIndex(row);
    m_tree->scrollTo(row);
    m_tree->setFocus(Qt::OtherFocusReason);
}

} // namespace manifold
