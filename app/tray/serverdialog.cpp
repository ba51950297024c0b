#include "serverdialog.h"

#include "unreadlimitbox.h"

#include "mcpprobe.h"
#include "settingsdialog.h"

#include "config/serverconfig.h"
#include "secrets/secretstore.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProcess>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStyledItemDelegate>
#include <QTableWidget>
#include <QVBoxLayout>

namespace manifold {

namespace {

constexpr int RevealedRole = Qt::UserRole;        // on a value: shown in clear on request
constexpr int MarkedByUserRole = Qt::UserRole + 1;   // on a Secret check box: the user chose

// Values of secret variables are painted as dots and edited like passwords unless the user
// asked to see that one value.
class EnvValueDelegate final : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    static bool masked(const QModelIndex &index)
    {
        return index.siblingAtColumn(ServerDialog::EnvSecret).data(Qt::CheckStateRole).toInt() == Qt::Checked &&
               !index.data(RevealedRole).toBool();
    }

    static QString shown(const QModelIndex &index, const QString &text)
    {
        return masked(index) && !text.isEmpty() ? QString(8, QChar(0x2022)) : text;
    }

    QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QWidget *editor = QStyledItemDelegate::createEditor(parent, option, index);
        if (auto *line = qobject_cast<QLineEdit *>(editor); line && masked(index))
            line->setEchoMode(QLineEdit::Password);
        return editor;
    }

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        option->text = shown(index, option->text);
    }
};

} // namespace

ServerDialog::ServerDialog(const QStringList &existingNames, const QJsonObject &server, QWidget *parent)
    : QDialog(parent)
    , m_existingNames(existingNames)
    , m_editing(!server.isEmpty())
    , m_name(new QLineEdit(this))
    , m_command(new QLineEdit(this))
    , m_args(new QLineEdit(this))
    , m_cwd(new QLineEdit(this))
    , m_kind(new QComboBox(this))
    , m_url(new QLineEdit(this))
    , m_transport(new QComboBox(this))
    , m_env(new QTableWidget(0, EnvColumnCount, this))
    , m_sharing(new QComboBox(this))
    , m_linger(new QSpinBox(this))
    , m_maxInFlight(new QSpinBox(this))
    , m_unreadLimit(new QSpinBox(this))
    , m_testButton(new QPushButton(tr("&Test Start"), this))
    , m_tools(new QListWidget(this))
    , m_testStatus(new QLabel(this))
    , m_error(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
    , m_probe(new McpProbe(this))
{
    setWindowTitle(m_editing ? tr("Edit Server") : tr("Add Server"));

    m_name->setPlaceholderText(tr("e.g. memory"));
    m_name->setToolTip(tr("Letters, digits, '.', '_' and '-'; the name clients pass to manifold-shim."));
    m_command->setPlaceholderText(tr("e.g. npx"));
    m_args->setPlaceholderText(tr("e.g. -y @modelcontextprotocol/server-memory"));
    m_cwd->setPlaceholderText(tr("Broker's working directory"));
    auto *browse = new QPushButton(tr("&Browse…"), this);
    auto *commandRow = new QHBoxLayout;
    commandRow->addWidget(m_command, 1);
    commandRow->addWidget(browse);

    m_env->setHorizontalHeaderLabels({tr("Variable"), tr("Value"), tr("Secret"), QString()});
    m_env->horizontalHeader()->setSectionResizeMode(EnvKey, QHeaderView::ResizeToContents);
    m_env->horizontalHeader()->setSectionResizeMode(EnvValue, QHeaderView::Stretch);
    m_env->horizontalHeader()->setSectionResizeMode(EnvSecret, QHeaderView::ResizeToContents);
    m_env->horizontalHeader()->setSectionResizeMode(EnvShow, QHeaderView::ResizeToContents);
    m_env->horizontalHeaderItem(EnvSecret)->setToolTip(
        tr("Secret values are kept in the system keychain, not in servers.json, and are never shown unless you ask."));
    m_env->verticalHeader()->hide();
    m_env->setItemDelegateForColumn(EnvValue, new EnvValueDelegate(m_env));
    auto *addEnv = m_addEnv = new QPushButton(tr("Add &Variable"), this);
    auto *removeEnv = m_removeEnv = new QPushButton(tr("Remove Variable"), this);
    auto *envButtons = new QHBoxLayout;
    envButtons->addWidget(addEnv);
    envButtons->addWidget(removeEnv);
    envButtons->addStretch();
    auto *envBox = new QVBoxLayout;
    envBox->addWidget(m_env);
    envBox->addLayout(envButtons);

    m_sharing->addItem(tr("Shared: one process for every client"), QStringLiteral("shared"));
    m_sharing->addItem(tr("Per project: one process per project directory"), QStringLiteral("per-project"));
    m_sharing->addItem(tr("Per client application"), QStringLiteral("per-client"));
    m_sharing->addItem(tr("Isolated: one process per session"), QStringLiteral("isolated"));

    m_linger->setRange(-1, 24 * 3600);
    m_linger->setSpecialValueText(tr("Keep running"));
    m_linger->setSuffix(tr(" s"));
    m_maxInFlight->setRange(0, 1000);
    m_maxInFlight->setSpecialValueText(tr("Unlimited"));
    UnreadLimitBox::configure(m_unreadLimit);

    m_kind->addItem(tr("A command on this computer"), QStringLiteral("local"));
    m_kind->addItem(tr("A remote server at a URL"), QStringLiteral("remote"));
    m_kind->setAccessibleName(tr("Server kind"));
    m_url->setPlaceholderText(tr("e.g. https://mcp.example.com/mcp"));
    m_url->setToolTip(tr("Every client shares one connection and one sign-in to this server."));
    m_transport->addItem(tr("Automatic (Streamable HTTP, else HTTP+SSE)"), QStringLiteral("auto"));
    m_transport->addItem(tr("Streamable HTTP"), QStringLiteral("http"));
    m_transport->addItem(tr("HTTP+SSE (older servers)"), QStringLiteral("sse"));

    auto *form = m_form = new QFormLayout;
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("&Runs as:"), m_kind);
    form->addRow(tr("&URL:"), m_url);
    form->addRow(tr("&Transport:"), m_transport);
    form->addRow(tr("&Command:"), commandRow);
    form->addRow(tr("&Arguments:"), m_args);
    form->addRow(tr("&Working directory:"), m_cwd);
    form->addRow(tr("&Environment:"), envBox);
    form->addRow(tr("&Sharing:"), m_sharing);
    form->addRow(tr("&Linger after last client:"), m_linger);
    form->addRow(tr("&In-flight limit:"), m_maxInFlight);
    form->addRow(tr("&Unread limit per client:"), m_unreadLimit);

    auto *testBox = m_testBox = new QGroupBox(tr("Test"), this);
    auto *testLayout = new QVBoxLayout(testBox);
    auto *testRow = new QHBoxLayout;
    testRow->addWidget(m_testButton);
    testRow->addWidget(m_testStatus, 1);
    m_testStatus->setWordWrap(true);
    m_testStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    testLayout->addLayout(testRow);
    testLayout->addWidget(m_tools);
    m_tools->setAccessibleName(tr("Tools"));

    m_error->setWordWrap(true);
    QFont bold = m_error->font();
    bold.setBold(true);
    m_error->setFont(bold);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(testBox, 1);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);

    // Prefill: an existing server, or the defaults from the tray settings.
    const int lingerMs = m_editing ? server.value(QLatin1String("lingerMs")).toInt(60000) : TraySettings::defaultLingerMs();
    m_linger->setValue(lingerMs < 0 ? -1 : lingerMs / 1000);
    if (m_editing) {
        m_name->setText(server.value(QLatin1String("name")).toString());
        m_name->setReadOnly(true);
        const bool remote = server.contains(QLatin1String("url"));
        m_kind->setCurrentIndex(remote ? 1 : 0);
        m_kind->setEnabled(false);   // a server does not change between local and remote
        m_url->setText(server.value(QLatin1String("url")).toString());
        m_transport->setCurrentIndex(qMax(0, m_transport->findData(server.value(QLatin1String("transport")).toString())));
        m_command->setText(server.value(QLatin1String("command")).toString());
        // Quoted the way QProcess::splitCommand reads it back.
        QStringList args;
        for (const QJsonValue &arg : server.value(QLatin1String("args")).toArray()) {
            QString text = arg.toString();
            if (text.isEmpty() || text.contains(QLatin1Char(' ')) || text.contains(QLatin1Char('"')))
                text = QLatin1Char('"') + text.replace(QLatin1Char('"'), QLatin1String("\"\"\"")) + QLatin1Char('"');
            args.append(text);
        }
        m_args->setText(args.join(QLatin1Char(' ')));
        m_cwd->setText(server.value(QLatin1String("cwd")).toString());
        // The broker never sends values here; an empty cell keeps the stored one.
        const QJsonObject env = server.value(QLatin1String(remote ? "headers" : "env")).toObject();
        for (auto it = env.begin(); it != env.end(); ++it)
            addEnvRow(it.key(), QString(), false, true);
        for (const QJsonValue &name : server.value(QLatin1String(remote ? "secretHeaders" : "secretEnv")).toArray())
            addEnvRow(name.toString(), QString(), true, true);
        m_sharing->setCurrentIndex(qMax(0, m_sharing->findData(server.value(QLatin1String("sharing")).toString())));
        m_maxInFlight->setValue(server.value(QLatin1String("maxInFlight")).toInt());
        m_unreadLimit->setValue(UnreadLimitBox::toMiB(server.value(QLatin1String("maxQueuedBytes")).toInteger()));
    }

    connect(m_name, &QLineEdit::textChanged, this, &ServerDialog::updateValidation);
    connect(m_command, &QLineEdit::textChanged, this, &ServerDialog::updateValidation);
    connect(m_url, &QLineEdit::textChanged, this, &ServerDialog::updateValidation);
    connect(m_kind, &QComboBox::currentIndexChanged, this, &ServerDialog::onKindChanged);
    connect(browse, &QPushButton::clicked, this, &ServerDialog::onBrowse);
    connect(addEnv, &QPushButton::clicked, this, &ServerDialog::onAddEnv);
    connect(removeEnv, &QPushButton::clicked, this, &ServerDialog::onRemoveEnv);
    connect(m_env, &QTableWidget::itemChanged, this, &ServerDialog::onEnvItemChanged);
    connect(m_testButton, &QPushButton::clicked, this, &ServerDialog::onTestStart);
    connect(m_probe, &McpProbe::toolsListed, this, &ServerDialog::onToolsListed);
    connect(m_probe, &McpProbe::failed, this, &ServerDialog::onTestFailed);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &ServerDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &ServerDialog::reject);

    onKindChanged();
}

bool ServerDialog::isRemote() const
{
    return m_kind->currentData().toString() == QLatin1String("remote");
}

// A remote server has a URL, a transport and headers instead of a command, arguments, a
// directory and an environment; the same table edits headers (secret ones in the keychain).
void ServerDialog::onKindChanged()
{
    const bool remote = isRemote();
    m_form->setRowVisible(m_url, remote);
    m_form->setRowVisible(m_transport, remote);
    m_form->setRowVisible(m_args, !remote);
    m_form->setRowVisible(m_cwd, !remote);
    for (int row = 0; row < m_form->rowCount(); ++row) {
        QLayoutItem *field = m_form->itemAt(row, QFormLayout::FieldRole);
        if (field && field->layout() && field->layout()->indexOf(m_command) >= 0)
            m_form->setRowVisible(row, !remote);
        if (field && field->layout() && field->layout()->indexOf(m_env) >= 0) {
            if (auto *label = qobject_cast<QLabel *>(m_form->itemAt(row, QFormLayout::LabelRole)->widget()))
                label->setText(remote ? tr("&Headers:") : tr("&Environment:"));
        }
    }
    m_env->setHorizontalHeaderLabels({remote ? tr("Header") : tr("Variable"), tr("Value"), tr("Secret"), QString()});
    m_addEnv->setText(remote ? tr("Add &Header") : tr("Add &Variable"));
    m_removeEnv->setText(remote ? tr("Remove Header") : tr("Remove Variable"));
    // Test Start probes a command; only touched once remote was chosen, so that a local dialog's
    // widgets keep their implicit visibility.
    if (remote || m_testBox->isHidden())
        m_testBox->setHidden(remote);
    updateValidation();
}

QString ServerDialog::resolveCommand(const QString &command)
{
    if (command.isEmpty())
        return {};
    if (QFileInfo(command).isAbsolute()) {
        const QFileInfo info(command);
        return info.isFile() && info.isExecutable() ? command : QString();
    }
    return QStandardPaths::findExecutable(command);
}

QString ServerDialog::validationError() const
{
    const QString name = m_name->text();
    if (name.isEmpty())
        return tr("Enter a name.");
    if (!ServerConfig::isValidName(name))
        return tr("A name may hold letters, digits, '.', '_' and '-', must not start with '.' or '-' "
                  "and has at most 64 characters.");
    if (!m_editing && m_existingNames.contains(name))
        return tr("A server named \"%1\" already exists.").arg(name);
    if (isRemote()) {
        QString why;
        if (m_url->text().trimmed().isEmpty())
            return tr("Enter the server's URL.");
        if (!ServerConfig::isValidRemoteUrl(m_url->text().trimmed(), &why))
            return why;
        const QMap<QString, QString> headers = env();
        for (auto it = headers.cbegin(); it != headers.cend(); ++it) {
            if (!ServerConfig::isSettableHeader(it.key(), &why))
                return why;
        }
        return {};
    }
    if (m_command->text().trimmed().isEmpty())
        return tr("Enter the command that starts the server.");
    if (resolveCommand(m_command->text().trimmed()).isEmpty())
        return tr("\"%1\" is not an executable file and was not found on the PATH.").arg(m_command->text().trimmed());
    return {};
}

void ServerDialog::updateValidation()
{
    const QString error = validationError();
    m_error->setText(error);
    m_error->setVisible(!error.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(error.isEmpty());
    m_testButton->setEnabled(!isRemote() && !resolveCommand(m_command->text().trimmed()).isEmpty());
}

QMap<QString, QString> ServerDialog::env() const
{
    QMap<QString, QString> env;
    for (int row = 0; row < m_env->rowCount(); ++row) {
        const QTableWidgetItem *key = m_env->item(row, EnvKey);
        const QTableWidgetItem *value = m_env->item(row, EnvValue);
        if (key && !key->text().trimmed().isEmpty())
            env.insert(key->text().trimmed(), value ? value->text() : QString());
    }
    return env;
}

QStringList ServerDialog::secretNames() const
{
    QStringList names;
    for (int row = 0; row < m_env->rowCount(); ++row) {
        const QTableWidgetItem *key = m_env->item(row, EnvKey);
        const QTableWidgetItem *secret = m_env->item(row, EnvSecret);
        if (key && secret && !key->text().trimmed().isEmpty() && secret->checkState() == Qt::Checked)
            names << key->text().trimmed();
    }
    names.sort();
    names.removeDuplicates();
    return names;
}

QJsonObject ServerDialog::serverParams() const
{
    QJsonObject envObject;
    const QMap<QString, QString> variables = env();
    for (auto it = variables.cbegin(); it != variables.cend(); ++it) {
        const bool keep = it.value().isEmpty() && m_keptEnvKeys.contains(it.key());
        envObject.insert(it.key(), keep ? QJsonValue() : QJsonValue(it.value()));
    }
    if (isRemote()) {
        QJsonObject params{{QStringLiteral("name"), m_name->text()},
                           {QStringLiteral("url"), m_url->text().trimmed()},
                           {QStringLiteral("transport"), m_transport->currentData().toString()},
                           {QStringLiteral("headers"), envObject},
                           {QStringLiteral("secretHeaders"), QJsonArray::fromStringList(secretNames())},
                           {QStringLiteral("sharing"), m_sharing->currentData().toString()},
                           {QStringLiteral("lingerMs"), m_linger->value() < 0 ? -1 : m_linger->value() * 1000},
                           {QStringLiteral("maxInFlight"), m_maxInFlight->value()},
                           {QStringLiteral("maxQueuedBytes"), UnreadLimitBox::toBytes(m_unreadLimit->value())}};
        if (!m_editing)
            params.insert(QStringLiteral("heartbeatMs"), TraySettings::defaultHeartbeatMs());
        return params;
    }
    QJsonObject params{{QStringLiteral("name"), m_name->text()},
                       {QStringLiteral("command"), m_command->text().trimmed()},
                       {QStringLiteral("args"), QJsonArray::fromStringList(QProcess::splitCommand(m_args->text()))},
                       {QStringLiteral("env"), envObject},
                       // Exactly the checked ones: the broker moves values in or out of the keychain.
                       {QStringLiteral("secretEnv"), QJsonArray::fromStringList(secretNames())},
                       {QStringLiteral("sharing"), m_sharing->currentData().toString()},
                       {QStringLiteral("lingerMs"), m_linger->value() < 0 ? -1 : m_linger->value() * 1000},
                       {QStringLiteral("maxInFlight"), m_maxInFlight->value()},
                       {QStringLiteral("maxQueuedBytes"), UnreadLimitBox::toBytes(m_unreadLimit->value())}};
    if (!m_editing)
        params.insert(QStringLiteral("heartbeatMs"), TraySettings::defaultHeartbeatMs());
    if (!m_cwd->text().trimmed().isEmpty())
        params.insert(QStringLiteral("cwd"), m_cwd->text().trimmed());
    return params;
}

void ServerDialog::onBrowse()
{
    const QString file = QFileDialog::getOpenFileName(this, tr("Choose the Server Command"));
    if (!file.isEmpty())
        m_command->setText(file);
}

void ServerDialog::addEnvRow(const QString &name, const QString &value, bool secret, bool kept)
{
    const QSignalBlocker blocker(m_env);
    const int row = m_env->rowCount();
    m_env->insertRow(row);
    m_env->setItem(row, EnvKey, new QTableWidgetItem(name));
    auto *valueItem = new QTableWidgetItem(value);
    if (kept)
        valueItem->setToolTip(tr("Leave empty to keep the current value"));
    m_env->setItem(row, EnvValue, valueItem);
    auto *secretItem = new QTableWidgetItem;
    secretItem->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable | Qt::ItemIsSelectable);
    secretItem->setCheckState(secret ? Qt::Checked : Qt::Unchecked);
    secretItem->setData(MarkedByUserRole, kept);   // an existing variable keeps its kind
    secretItem->setToolTip(tr("Keep this value in the system keychain"));
    m_env->setItem(row, EnvSecret, secretItem);
    auto *show = new QPushButton(tr("Show"), m_env);
    show->setCheckable(true);
    show->setAccessibleName(tr("Show value of %1").arg(name));
    connect(show, &QPushButton::toggled, this, [this, show, valueItem](bool shown) {
        show->setText(shown ? tr("Hide") : tr("Show"));
        valueItem->setData(RevealedRole, shown);
        m_env->viewport()->update();
    });
    m_env->setCellWidget(row, EnvShow, show);
    if (kept)
        m_keptEnvKeys.insert(name);
}

QString ServerDialog::displayedEnvValue(int row) const
{
    const QModelIndex index = m_env->model()->index(row, EnvValue);
    return EnvValueDelegate::shown(index, index.data().toString());
}

void ServerDialog::onEnvItemChanged(QTableWidgetItem *item)
{
    if (m_markingSecret)
        return;
    QTableWidgetItem *secret = m_env->item(item->row(), EnvSecret);
    if (!secret)
        return;
    if (item->column() == EnvSecret) {
        secret->setData(MarkedByUserRole, true);
        m_env->viewport()->update();   // the value's masking follows the box
        return;
    }
    // A new variable whose name looks like a secret is marked, until the user decides.
    if (item->column() == EnvKey && !secret->data(MarkedByUserRole).toBool()) {
        m_markingSecret = true;
        secret->setCheckState((isRemote() ? looksLikeSecretHeader(item->text().trimmed()) : looksLikeSecretName(item->text().trimmed())) ? Qt::Checked : Qt::Unchecked);
        m_markingSecret = false;
    }
}

void ServerDialog::onAddEnv()
{
    addEnvRow(QString(), QString(), false);
    const int row = m_env->rowCount() - 1;
    m_env->setCurrentCell(row, EnvKey);
    m_env->editItem(m_env->item(row, EnvKey));
}

void ServerDialog::onRemoveEnv()
{
    if (m_env->currentRow() >= 0)
        m_env->removeRow(m_env->currentRow());
}

void ServerDialog::onTestStart()
{
    if (m_probe->isRunning()) {
        m_probe->cancel();
        m_testButton->setText(tr("&Test Start"));
        m_testStatus->setText(tr("Test cancelled."));
        return;
    }
    m_tools->clear();
    m_testStatus->setText(tr("Starting…"));
    m_testButton->setText(tr("Cancel &Test"));
    m_probe->start(resolveCommand(m_command->text().trimmed()), QProcess::splitCommand(m_args->text()), env());
}

void ServerDialog::onToolsListed(const QStringList &tools, const QString &serverName)
{
    m_testButton->setText(tr("&Test Start"));
    m_tools->addItems(tools);
    const QString who = serverName.isEmpty() ? tr("The server") : serverName;
    m_testStatus->setText(tr("%1 started and lists %n tool(s).", nullptr, int(tools.size())).arg(who));
}

void ServerDialog::onTestFailed(const QString &error)
{
    m_testButton->setText(tr("&Test Start"));
    m_testStatus->setText(error);
}

} // namespace manifold
