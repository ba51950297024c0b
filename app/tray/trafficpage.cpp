#include "trafficpage.h"

#include "jsondetail.h"
#include "trafficexport.h"
#include "statecolors.h"
#include "trafficfeed.h"

#include "control/brokerview.h"
#include "models/trafficmodel.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QStyledItemDelegate>
#include <QToolButton>
#include <QStyle>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>

namespace manifold {

namespace {

const QString splitterKey = QStringLiteral("traffic/splitter");
const QString headerKey = QStringLiteral("traffic/header");
const QString thresholdKey = QStringLiteral("traffic/slowThresholdMs");

QJsonObject serverJson(const BrokerView *view, const QString &name)
{
    if (!view)
        return {};
    for (const QJsonValue &server : view->status().value(QLatin1String("servers")).toArray()) {
        if (server.toObject().value(QLatin1String("name")).toString() == name)
            return server.toObject();
    }
    return {};
}

// Errors in the palette's failure colour, slow answers in its warning colour (light and dark).
class TrafficRowDelegate final : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        const char *state = index.data(TrafficModel::ErrorRole).toBool()  ? "failed"
                            : index.data(TrafficModel::SlowRole).toBool() ? "restarting"
                                                                           : nullptr;
        if (state)
            option->palette.setColor(QPalette::Text,
                                     StateColors::forState(QLatin1String(state), false, option->palette));
        else if (index.data(TrafficModel::MutedRole).toBool())
            option->palette.setColor(QPalette::Text, option->palette.color(QPalette::PlaceholderText));
    }
};

} // namespace

TrafficPage::TrafficPage(BrokerView *view, const QString &server, QWidget *parent)
    : QWidget(parent)
    , m_view(view)
    , m_server(server)
    , m_feed(new TrafficFeed(view, this))
    , m_model(new TrafficModel(this))
    , m_export(new TrafficExport(view, this))
{
    setAccessibleName(tr("Traffic"));
    m_feed->setServer(server);

    m_table = new QTreeView(this);
    m_table->setModel(m_model);
    m_table->setUniformRowHeights(true);
    m_table->setRootIsDecorated(false);
    m_table->setItemsExpandable(false);
    m_table->setSortingEnabled(false);
    m_table->setAllColumnsShowFocus(true);
    m_table->setAlternatingRowColors(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAccessibleName(tr("Messages"));
    m_table->header()->setHighlightSections(false);
    m_table->installEventFilter(this);
    m_table->setItemDelegate(new TrafficRowDelegate(m_table));

    m_droppedLabel = new QLabel(this);
    m_droppedLabel->setAccessibleName(tr("Skipped and dropped messages"));
    m_droppedLabel->hide();

    auto *top = new QWidget(this);
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(createToolbar());
    topLayout->addWidget(m_table, 1);
    topLayout->addWidget(m_droppedLabel);

    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->addWidget(top);
    m_splitter->addWidget(createDetail());
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setChildrenCollapsible(false);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_splitter);

    setDefaultColumnWidths();
    QSettings settings;
    m_splitter->restoreState(settings.value(splitterKey).toByteArray());
    m_table->header()->restoreState(settings.value(headerKey).toByteArray());
    connect(m_splitter, &QSplitter::splitterMoved, this, [this] {
        QSettings().setValue(splitterKey, m_splitter->saveState());
    });

    connect(m_feed, &TrafficFeed::recordsArrived, this, &TrafficPage::onRecordsArrived);
    connect(m_feed, &TrafficFeed::dropped, this, &TrafficPage::onDropped);
    connect(m_feed, &TrafficFeed::cursorReset, m_model, &TrafficModel::forgetRequests);
    connect(m_feed, &TrafficFeed::pollFailed, this, [this](const QString &error) {
        m_pollError = error;
        updateStatusLabel();
    });
    connect(m_feed, &TrafficFeed::polled, this, [this] {
        if (!m_pollError.isEmpty()) {
            m_pollError.clear();
            updateStatusLabel();
        }
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &TrafficPage::showDetail);
    connect(m_model, &QAbstractItemModel::modelReset, this, &TrafficPage::showDetail);
    connect(m_export, &TrafficExport::finished, this, [this](bool ok, int records, const QString &error) {
        if (!ok)
            QMessageBox::warning(this, tr("Export"), tr("The export failed: %1").arg(error));
        else
            m_droppedLabel->setToolTip(tr("Exported %n message(s).", nullptr, records));
    });
    connect(view, &BrokerView::serverChanged, this, [this](const QJsonObject &server) {
        if (server.value(QLatin1String("name")).toString() == m_server)
            updateCaptureBox();
    });
    connect(view, &BrokerView::connected, this, &TrafficPage::updateCaptureBox);
    updateCaptureBox();
    applyFilter(); // the remembered slow threshold colours rows even without "Slow only"
    showDetail();

    QWidget *order[] = {m_pause, m_client, m_method, m_errorsOnly, m_slowOnly, m_threshold,
                        m_capture, m_exportButton, m_clear, m_table, m_detail->editor(), m_detail->copyButton()};
    for (size_t i = 1; i < std::size(order); ++i)
        setTabOrder(order[i - 1], order[i]);
}

TrafficPage::~TrafficPage()
{
    saveLayout();
}

void TrafficPage::setDefaultColumnWidths()
{
    // Until the user sizes them (a saved header state wins): each column fits its usual content,
    // the method takes what is left.
    QHeaderView *header = m_table->header();
    const QFontMetrics metrics = m_table->fontMetrics();
    const int padding = 2 * m_table->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, m_table) + 12;
    auto fit = [&](int column, const QString &sample) {
        header->resizeSection(column, std::max(metrics.horizontalAdvance(sample) + padding,
                                               header->sectionSizeHint(column)));
    };
    fit(TrafficModel::TimeColumn, QStringLiteral("00:00:00.000"));
    fit(TrafficModel::ServerColumn, QStringLiteral("filesystem"));
    fit(TrafficModel::ClientColumn, QStringLiteral("claude-desktop #12"));
    fit(TrafficModel::DirectionColumn, QStringLiteral("\u2192"));
    fit(TrafficModel::IdColumn, QStringLiteral("1234"));
    fit(TrafficModel::DurationColumn, QStringLiteral("1234.5 ms"));
    fit(TrafficModel::SizeColumn, QStringLiteral("1023.9 KiB"));
    fit(TrafficModel::StatusColumn, QStringLiteral("error -32603: Internal error"));
    header->setStretchLastSection(false);
    header->setSectionResizeMode(TrafficModel::MethodColumn, QHeaderView::Stretch);
}

QWidget *TrafficPage::createToolbar()
{
    auto *bar = new QWidget(this);
    m_pause = new QPushButton(tr("&Pause"), bar);
    m_pause->setCheckable(true);
    m_pause->setAccessibleName(tr("Pause"));
    m_pause->setToolTip(tr("Stop adding new messages for now (Space in the table)"));
    m_client = new QComboBox(bar);
    m_client->addItem(tr("All clients"), QString());
    m_client->setAccessibleName(tr("Client filter"));
    m_client->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_method = new QLineEdit(bar);
    m_method->setPlaceholderText(tr("Method"));
    m_method->setClearButtonEnabled(true);
    m_method->setAccessibleName(tr("Method filter"));
    m_errorsOnly = new QCheckBox(tr("&Errors only"), bar);
    m_errorsOnly->setAccessibleName(tr("Errors only"));
    m_slowOnly = new QCheckBox(tr("&Slow only"), bar);
    m_slowOnly->setAccessibleName(tr("Slow only"));
    m_threshold = new QSpinBox(bar);
    m_threshold->setRange(1, 3600 * 1000);
    m_threshold->setSuffix(tr(" ms"));
    m_threshold->setValue(QSettings().value(thresholdKey, 1000).toInt());
    m_threshold->setAccessibleName(tr("Slow threshold in milliseconds"));
    m_threshold->setToolTip(tr("Slower than this (or still waiting longer) counts as slow"));
    m_capture = new QCheckBox(tr("Capture &bodies"), bar);
    m_capture->setAccessibleName(tr("Capture bodies"));
    m_capture->setToolTip(tr("Keep message bodies for this server; they may hold secrets (known secret values are "
                             "masked)"));
    m_exportButton = new QToolButton(bar);
    m_exportButton->setText(tr("E&xport"));
    m_exportButton->setAccessibleName(tr("Export"));
    m_exportButton->setPopupMode(QToolButton::InstantPopup);
    auto *menu = new QMenu(m_exportButton);
    m_exportSelection = menu->addAction(tr("Export &Selection…"));
    m_exportAll = menu->addAction(tr("Export &All Kept…"));
    m_exportButton->setMenu(menu);
    m_clear = new QPushButton(tr("C&lear"), bar);
    m_clear->setAccessibleName(tr("Clear"));
    m_clear->setToolTip(tr("Forget the traffic kept so far (the health charts stay)"));

    auto *layout = new QHBoxLayout(bar);
    layout->setContentsMargins(0, 0, 0, 0);
    for (QWidget *widget : std::initializer_list<QWidget *>{m_pause, m_client, m_method, m_errorsOnly, m_slowOnly,
                                                            m_threshold, m_capture, m_exportButton, m_clear})
        layout->addWidget(widget, widget == m_method ? 1 : 0);

    connect(m_pause, &QPushButton::toggled, this, &TrafficPage::onPauseToggled);
    connect(m_client, &QComboBox::currentIndexChanged, this, &TrafficPage::applyFilter);
    connect(m_method, &QLineEdit::textChanged, this, &TrafficPage::applyFilter);
    connect(m_errorsOnly, &QCheckBox::toggled, this, &TrafficPage::applyFilter);
    connect(m_slowOnly, &QCheckBox::toggled, this, &TrafficPage::applyFilter);
    connect(m_threshold, &QSpinBox::valueChanged, this, [this](int ms) {
        QSettings().setValue(thresholdKey, ms);
        if (m_slowOnly->isChecked())
            applyFilter();
    });
    connect(m_capture, &QCheckBox::clicked, this, [this](bool on) { setCapture(m_server, on); });
    connect(m_exportSelection, &QAction::triggered, this, [this] { chooseExportFile(true); });
    connect(m_exportAll, &QAction::triggered, this, [this] { chooseExportFile(false); });
    connect(m_clear, &QPushButton::clicked, this, &TrafficPage::onClear);
    return bar;
}

void TrafficPage::setServer(const QString &name)
{
    if (name == m_server)
        return;
    m_server = name;
    m_feed->setServer(name);
    m_model->clear();
    m_missed = m_skipped = 0;
    m_pollError.clear();
    updateStatusLabel();
    updateCaptureBox();
    if (m_feed->isRunning())
        m_feed->poll();
}

void TrafficPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    m_feed->start();
    m_feed->poll();
}

void TrafficPage::hideEvent(QHideEvent *event)
{
    m_feed->stop();
    saveLayout();
    QWidget::hideEvent(event);
}

void TrafficPage::saveLayout() const
{
    QSettings settings;
    settings.setValue(headerKey, m_table->header()->saveState());
    settings.setValue(splitterKey, m_splitter->saveState());
}

bool TrafficPage::eventFilter(QObject *watched, QEvent *event)
{
    if (watched != m_table || (event->type() != QEvent::KeyPress && event->type() != QEvent::ShortcutOverride))
        return QWidget::eventFilter(watched, event);
    auto *key = static_cast<QKeyEvent *>(event);
    // Ctrl+F in the table searches the message below, not the window's log.
    if (key->matches(QKeySequence::Find)) {
        if (event->type() == QEvent::ShortcutOverride)
            event->accept();
        else
            m_detail->showFindBar();
        return true;
    }
    // Space pauses and resumes (instead of selecting the current row).
    if (event->type() == QEvent::KeyPress && key->key() == Qt::Key_Space && key->modifiers() == Qt::NoModifier) {
        m_pause->toggle();
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

void TrafficPage::onRecordsArrived(const TrafficRows &rows)
{
    QScrollBar *scroll = m_table->verticalScrollBar();
    const bool following = !scroll->isSliderDown() && scroll->value() >= scroll->maximum() - 2;
    for (const TrafficRow &row : rows) {
        if (!row.client.isEmpty() && m_client->findData(row.client) < 0)
            m_client->addItem(row.client, row.client);
    }
    m_model->applyBatch(rows);
    m_model->showNewlySlow();
    if (m_model->isPaused())
        updateStatusLabel();
    else if (following)
        m_table->scrollToBottom();
}

void TrafficPage::onDropped(qint64 missed, qint64 skipped)
{
    m_missed += missed;
    m_skipped += skipped;
    updateStatusLabel();
}

void TrafficPage::updateStatusLabel()
{
    QStringList parts;
    if (!m_pollError.isEmpty())
        parts << tr("Traffic is not available: %1").arg(m_pollError);
    if (m_model->isPaused())
        parts << tr("Paused: %n new message(s) waiting", nullptr, m_model->heldRows());
    if (m_skipped > 0)
        parts << tr("%n row(s) skipped to keep up", nullptr, int(std::min<qint64>(m_skipped, INT_MAX)));
    if (m_missed > 0)
        parts << tr("%n dropped (memory limit)", nullptr, int(std::min<qint64>(m_missed, INT_MAX)));
    m_droppedLabel->setText(parts.join(QStringLiteral(" · ")));
    m_droppedLabel->setVisible(!parts.isEmpty());
}

void TrafficPage::onPauseToggled(bool paused)
{
    m_pause->setText(paused ? tr("&Resume") : tr("&Pause"));
    m_pause->setAccessibleName(paused ? tr("Resume") : tr("Pause"));
    m_model->setPaused(paused);
    updateStatusLabel();
    if (!paused)
        m_table->scrollToBottom();
}

void TrafficPage::applyFilter()
{
    TrafficModel::Filter filter;
    filter.client = m_client->currentData().toString();
    filter.method = m_method->text().trimmed();
    filter.errorsOnly = m_errorsOnly->isChecked();
    filter.slowOnly = m_slowOnly->isChecked();
    filter.slowThresholdMs = m_threshold->value();
    m_model->setFilter(filter);
}

bool TrafficPage::capturesBodies(const QString &server) const
{
    return serverJson(m_view, server)
        .value(QLatin1String("traffic")).toObject().value(QLatin1String("captureBodies")).toBool();
}

void TrafficPage::updateCaptureBox()
{
    m_capture->setEnabled(!m_server.isEmpty() && m_view && m_view->isConnected());
    m_capture->setChecked(!m_server.isEmpty() && capturesBodies(m_server));
    if (m_server.isEmpty())
        m_capture->setToolTip(tr("Choose a server to capture its message bodies"));
}

void TrafficPage::setCapture(const QString &server, bool on)
{
    if (!m_view || server.isEmpty())
        return;
    const QPointer<TrafficPage> self(this);
    m_view->call(QStringLiteral("set"),
                 {{QStringLiteral("name"), server}, {QStringLiteral("key"), QStringLiteral("captureBodies")},
                  {QStringLiteral("value"), on ? QStringLiteral("true") : QStringLiteral("false")}},
                 [self, server](bool ok, const QJsonObject &, const QString &error) {
                     if (!self)
                         return;
                     if (!ok)
                         QMessageBox::warning(self, tr("Capture Bodies"),
                                              tr("Could not change body capture for \"%1\": %2").arg(server, error));
                     self->updateCaptureBox();
                     self->showDetail();
                 });
}

void TrafficPage::onClear()
{
    QStringList servers;
    if (!m_server.isEmpty())
        servers << m_server;
    else if (m_view) {
        for (const QJsonValue &server : m_view->status().value(QLatin1String("servers")).toArray())
            servers << server.toObject().value(QLatin1String("name")).toString();
    }
    for (const QString &server : std::as_const(servers)) {
        if (m_view)
            m_view->call(QStringLiteral("trafficClear"), {{QStringLiteral("name"), server}});
    }
    m_model->clear();
    m_missed = m_skipped = 0;
    updateStatusLabel();
}

} // namespace manifold
