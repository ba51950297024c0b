#include "clientspage.h"

#include <algorithm>

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include "clientsetupdialog.h"
#include "models/clienttablemodel.h"

namespace manifold {

namespace {

// Hides clients that are not installed unless "Show all clients" is on, and greys files that do
// not exist; rows keep the catalog order.
class ClientFilterProxy final : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

    void setShowAll(bool showAll)
    {
        m_showAll = showAll;
        invalidateFilter();
    }

    QVariant data(const QModelIndex &index, int role) const override
    {
        if (role == Qt::ForegroundRole && index.data(ClientTableModel::StateRole).toInt() ==
                                              int(ClientFileStatus::State::Missing))
            return QApplication::palette().color(QPalette::Disabled, QPalette::Text);
        return QSortFilterProxyModel::data(index, role);
    }

protected:
    bool filterAcceptsRow(int row, const QModelIndex &parent) const override
    {
        return m_showAll ||
               sourceModel()->index(row, 0, parent).data(ClientTableModel::InstalledRole).toBool();
    }

private:
    bool m_showAll = false;
};

} // namespace

ClientsPage::ClientsPage(QWidget *parent)
    : QWidget(parent), m_model(new ClientTableModel(this)), m_proxy(new ClientFilterProxy(this)),
      m_table(new QTableView(this)), m_projects(new QLabel(this)),
      m_addProject(new QPushButton(tr("Add &Project Folder…"), this)),
      m_secretNames(new QLineEdit(this)), m_showAll(new QCheckBox(tr("Show all c&lients"), this)),
      m_transport(new QComboBox(this)),
      m_setUpSelected(new QPushButton(tr("Set &Up Selected…"), this)),
      m_setUpAll(new QPushButton(tr("Set Up &All…"), this)),
      m_revertSelected(new QPushButton(tr("&Revert Selected…"), this)),
      m_revertAll(new QPushButton(tr("Re&vert All…"), this)),
      m_refresh(new QPushButton(tr("Re&fresh"), this)), m_status(new QLabel(this))
{
    auto *intro = new QLabel(
        tr("Manifold can take over the local MCP servers of your AI clients, so that every client "
           "shares one process per server. Setup backs up each file and changes only its server "
           "entries; Revert puts the files back as they were."),
        this);
    intro->setWordWrap(true);

    m_proxy->setSourceModel(m_model);
    m_table->setModel(m_proxy);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setHighlightSections(false);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setTabKeyNavigation(false);
    m_table->setAccessibleName(tr("Clients"));

    m_projects->setWordWrap(true);
    m_projects->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_addProject->setToolTip(tr("Also list and set up the project config files of a folder "
                                "(.mcp.json, .cursor/mcp.json, .vscode/mcp.json…)"));
    m_secretNames->setPlaceholderText(tr("e.g. ACCOUNT_ID, API_BASE"));
    m_secretNames->setToolTip(
        tr("Comma-separated environment variable names whose values go to the keychain. Names "
           "containing KEY, TOKEN, SECRET, PASSWORD, PASSWD or CREDENTIAL always do."));
    m_secretNames->setClearButtonEnabled(true);
    m_showAll->setToolTip(tr("Also list clients that do not seem to be installed"));
    m_transport->addItem(tr("the shim (every client)"), int(SetupTransport::Shim));
    m_transport->addItem(tr("HTTP (clients that support URLs)"), int(SetupTransport::Http));
    m_transport->setToolTip(
        tr("HTTP: Claude Code, VS Code, Cursor, Windsurf, Gemini CLI, Codex and opencode reach "
           "Manifold's HTTP front door (turned on if it is off), each with a token of its own "
           "written only into its config. Other clients, such as Claude Desktop, keep the shim."));
    m_setUpSelected->setToolTip(tr("Preview and apply setup for the clients of the selected rows"));
    m_setUpAll->setToolTip(tr("Preview and apply setup for every client"));
    m_revertSelected->setToolTip(tr("Preview and put back the files of the selected clients"));
    m_revertAll->setToolTip(tr("Preview and put back every file setup changed"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setObjectName(QStringLiteral("clientsStatus"));

    auto *projectRow = new QHBoxLayout;
    projectRow->addWidget(m_projects, 1);
    projectRow->addWidget(m_addProject);
    auto *secretRow = new QHBoxLayout;
    auto *secretLabel = new QLabel(tr("Also treat as &secret:"), this);
    secretLabel->setBuddy(m_secretNames);
    secretRow->addWidget(secretLabel);
    secretRow->addWidget(m_secretNames, 1);
    secretRow->addSpacing(12);
    secretRow->addWidget(m_showAll);
    auto *transportRow = new QHBoxLayout;
    auto *transportLabel = new QLabel(tr("Connect &through:"), this);
    transportLabel->setBuddy(m_transport);
    transportRow->addWidget(transportLabel);
    transportRow->addWidget(m_transport);
    transportRow->addStretch();
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_setUpSelected);
    buttons->addWidget(m_setUpAll);
    buttons->addSpacing(12);
    buttons->addWidget(m_revertSelected);
    buttons->addWidget(m_revertAll);
    buttons->addStretch();
    buttons->addWidget(m_refresh);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_table, 1);
    layout->addLayout(projectRow);
    layout->addLayout(secretRow);
    layout->addLayout(transportRow);
    layout->addLayout(buttons);
    layout->addWidget(m_status);

    connect(m_setUpSelected, &QPushButton::clicked, this, [this] { startSetup(false); });
    connect(m_setUpAll, &QPushButton::clicked, this, [this] { startSetup(true); });
    connect(m_revertSelected, &QPushButton::clicked, this, [this] { startRevert(false); });
    connect(m_revertAll, &QPushButton::clicked, this, [this] { startRevert(true); });
    connect(m_addProject, &QPushButton::clicked, this, &ClientsPage::onAddProject);
    connect(m_refresh, &QPushButton::clicked, this, &ClientsPage::refresh);
    connect(m_showAll, &QCheckBox::toggled, this, [this](bool on) {
        static_cast<ClientFilterProxy *>(m_proxy)->setShowAll(on);
        updateButtons();
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ClientsPage::updateButtons);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &ClientsPage::updateButtons);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &ClientsPage::updateButtons);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &ClientsPage::updateButtons);
    updateProjectLabel();
    updateButtons();
}

ClientsPage::~ClientsPage() = default;

ClientSetupDialog *ClientsPage::currentDialog() const
{
    return m_dialog.data();
}

void ClientsPage::setClientSetup(ClientSetup *setup)
{
    m_setup = setup;
    if (isVisible())
        refresh();
    updateButtons();
}

void ClientsPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    // Read the files whenever the page comes into view (not at app start): the user may have
    // edited a client's config meanwhile.
    if (!m_busy)
        refresh();
}

void ClientsPage::refresh()
{
    if (!m_setup) {
        m_model->setFiles({});
        return;
    }
    m_remembered = m_setup->rememberedProjects();
    m_model->setFiles(m_setup->status(m_addedProjects));
    updateProjectLabel();
    updateButtons();
}

void ClientsPage::addProjectFolder(const QString &dir)
{
    const QString clean = QDir::cleanPath(QDir(dir).absolutePath());
    if (!m_addedProjects.contains(clean) && !m_remembered.contains(clean))
        m_addedProjects.append(clean);
    refresh();
}

QStringList ClientsPage::projectFolders() const
{
    QStringList folders = m_remembered;
    for (const QString &dir : m_addedProjects) {
        if (!folders.contains(dir))
            folders.append(dir);
    }
    return folders;
}

QStringList ClientsPage::secretNames() const
{
    QStringList names;
    for (const QString &name : m_secretNames->text().split(
             QRegularExpression(QStringLiteral("[,;\\s]+")), Qt::SkipEmptyParts)) {
        if (!names.contains(name))
            names.append(name);
    }
    return names;
}

void ClientsPage::onAddProject()
{
    const QString dir =
        QFileDialog::getExistingDirectory(this, tr("Add Project Folder"), QDir::homePath());
    if (!dir.isEmpty())
        addProjectFolder(dir);
}

ClientSetup::Options ClientsPage::options(bool all) const
{
    ClientSetup::Options options;
    if (!all)
        options.clients = selectedClients();
    options.projectDirs = m_addedProjects;
    options.secretNames = secretNames();
    options.transport = transport();
    return options;
}

SetupTransport ClientsPage::transport() const
{
    return SetupTransport(m_transport->currentData().toInt());
}

void ClientsPage::setTransport(SetupTransport transport)
{
    m_transport->setCurrentIndex(m_transport->findData(int(transport)));
}

QStringList ClientsPage::selectedClients() const
{
    QStringList ids;
    for (const QModelIndex &row : m_table->selectionModel()->selectedRows()) {
        const QString id = row.data(ClientTableModel::ClientIdRole).toString();
        if (!ids.contains(id))
            ids.append(id);
    }
    return ids;
}

void ClientsPage::startSetup(bool all)
{
    if (!m_setup || m_busy || (!all && selectedClients().isEmpty()))
        return;
    setBusy(true, tr("Reading the client files…"));
    const QPointer<ClientsPage> self(this);
    m_setup->planSetup(options(all), [self](const SetupPlan &plan, const QString &error) {
        if (self)
            self->onSetupPlanned(plan, error);
    });
}

void ClientsPage::startRevert(bool all)
{
    if (!m_setup || m_busy || (!all && selectedClients().isEmpty()))
        return;
    setBusy(true, tr("Reading the client files and their backups…"));
    const QPointer<ClientsPage> self(this);
    m_setup->planRevert(options(all), [self](const RevertPlan &plan, const QString &error) {
        if (self)
            self->onRevertPlanned(plan, error);
    });
}

void ClientsPage::onSetupPlanned(const SetupPlan &plan, const QString &error)
{
    if (!error.isEmpty()) {
        setBusy(false, tr("Cannot prepare the setup: %1").arg(error));
        return;
    }
    const bool brokenFiles =
        std::any_of(plan.files.cbegin(), plan.files.cend(), [](const FilePlan &file) {
            return file.loaded.exists && !file.error.isEmpty();
        });
    if (!plan.changes() && !brokenFiles) {
        setBusy(false, tr("Nothing to set up: the selected clients have no local servers left to "
                          "take over."));
        return;
    }
    setBusy(false, QString());
    m_setupPlan = plan;
    showDialog(new ClientSetupDialog(plan, this));
}

void ClientsPage::onRevertPlanned(const RevertPlan &plan, const QString &error)
{
    if (plan.files.isEmpty()) {
        setBusy(false, error.isEmpty() ? tr("Nothing to revert: setup has not changed the "
                                            "selected clients.")
                                       : tr("Cannot prepare the revert: %1").arg(error));
        return;
    }
    setBusy(false, QString());
    m_revertPlan = plan;
    showDialog(new ClientSetupDialog(plan, error, this));
}

void ClientsPage::showDialog(ClientSetupDialog *dialog)
{
    if (m_dialog)
        m_dialog->close();
    m_dialog = dialog;
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ClientSetupDialog::applyRequested, this, &ClientsPage::onApplyRequested);
    dialog->open();
    emit previewShown(dialog);
}

void ClientsPage::onApplyRequested()
{
    if (!m_setup || m_busy || !m_dialog)
        return;
    m_dialog->setApplying();
    const QPointer<ClientsPage> self(this);
    const auto done = [self](const SetupOutcome &outcome) {
        if (self)
            self->onApplied(outcome);
    };
    if (m_dialog->mode() == ClientSetupDialog::Mode::Setup) {
        setBusy(true, tr("Setting up the clients…"));
        m_setup->applySetup(m_setupPlan, done);
    } else {
        setBusy(true, tr("Reverting the clients…"));
        m_setup->applyRevert(m_revertPlan, done);
    }
}

void ClientsPage::onApplied(const SetupOutcome &outcome)
{
    m_setupPlan = {};
    m_revertPlan = {};
    QStringList message;
    message.append(tr("%n file(s) changed.", nullptr, int(outcome.written.size())));
    if (!outcome.errors.isEmpty())
        message.append(tr("%n error(s): %1", nullptr, int(outcome.errors.size()))
                           .arg(outcome.errors.join(QStringLiteral("; "))));
    if (!outcome.restartClients.isEmpty())
        message.append(tr("Restart %1 to pick up the change.")
                           .arg(QLocale().createSeparatedList(outcome.restartClients)));
    setBusy(false, message.join(QLatin1Char(' ')));
    if (m_dialog)
        m_dialog->showOutcome(outcome);
    refresh();
    emit setupApplied(outcome);
}

void ClientsPage::setBusy(bool busy, const QString &message)
{
    if (m_busy != busy) {
        m_busy = busy;
        emit busyChanged(busy);
    }
    m_status->setText(message);
    updateButtons();
}

void ClientsPage::updateButtons()
{
    const bool ready = m_setup && !m_busy;
    const bool selected = m_table->selectionModel()->hasSelection();
    bool revertible = false;
    for (int row = 0; row < m_model->rowCount(); ++row)
        revertible =
            revertible || m_model->index(row, 0).data(ClientTableModel::RevertibleRole).toBool();
    m_setUpSelected->setEnabled(ready && selected);
    m_setUpAll->setEnabled(ready);
    m_revertSelected->setEnabled(ready && selected);
    m_revertAll->setEnabled(ready && revertible);
    m_addProject->setEnabled(ready);
    m_refresh->setEnabled(ready);
    m_secretNames->setEnabled(!m_busy);
    m_transport->setEnabled(!m_busy);
}

void ClientsPage::updateProjectLabel()
{
    const QStringList folders = projectFolders();
    QStringList shown;
    for (const QString &dir : folders)
        shown.append(QDir::toNativeSeparators(dir));
    m_projects->setText(folders.isEmpty()
                            ? tr("Project folders: none yet. Add one to set up its project config "
                                 "files too; folders set up once are remembered.")
                            : tr("Project folders: %1").arg(shown.join(QStringLiteral(", "))));
}

} // namespace manifold
