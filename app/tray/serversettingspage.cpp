#include "serversettingspage.h"

#include "unreadlimitbox.h"

#include "control/brokerview.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include <memory>

namespace manifold {

namespace {

enum EnvColumn { EnvKey, EnvValue, EnvStore, EnvReveal, EnvColumnCount };

int lingerSeconds(const QJsonObject &server)
{
    const int ms = server.value(QLatin1String("lingerMs")).toInt(60000);
    return ms < 0 ? -1 : ms / 1000;
}

} // namespace

ServerSettingsPage::ServerSettingsPage(BrokerView *view, QWidget *parent)
    : QWidget(parent)
    , m_view(view)
    , m_command(new QLineEdit(this))
    , m_args(new QLineEdit(this))
    , m_env(new QTableWidget(0, EnvColumnCount, this))
    , m_sharing(new QComboBox(this))
    , m_linger(new QSpinBox(this))
    , m_maxInFlight(new QSpinBox(this))
    , m_unreadLimit(new QSpinBox(this))
    , m_apply(new QPushButton(tr("&Apply"), this))
    , m_status(new QLabel(this))
{
    m_command->setReadOnly(true);
    m_args->setReadOnly(true);
    m_env->setHorizontalHeaderLabels({tr("Variable"), tr("Value"), tr("Stored in"), QString()});
    m_env->horizontalHeader()->setSectionResizeMode(EnvKey, QHeaderView::ResizeToContents);
    m_env->horizontalHeader()->setSectionResizeMode(EnvValue, QHeaderView::Stretch);
    m_env->horizontalHeader()->setSectionResizeMode(EnvStore, QHeaderView::ResizeToContents);
    m_env->horizontalHeader()->setSectionResizeMode(EnvReveal, QHeaderView::ResizeToContents);
    m_env->verticalHeader()->hide();
    m_env->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_env->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_env->setAccessibleName(tr("Environment"));

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

    auto *form = new QFormLayout;
    form->addRow(tr("Command:"), m_command);
    form->addRow(tr("Arguments:"), m_args);
    form->addRow(tr("Environment:"), m_env);
    form->addRow(tr("&Sharing:"), m_sharing);
    form->addRow(tr("&Linger after last client:"), m_linger);
    form->addRow(tr("&In-flight limit:"), m_maxInFlight);
    form->addRow(tr("&Unread limit per client:"), m_unreadLimit);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_status, 1);
    buttons->addWidget(m_apply);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form, 1);
    layout->addLayout(buttons);

    connect(m_sharing, &QComboBox::currentIndexChanged, this, &ServerSettingsPage::updateApply);
    connect(m_linger, &QSpinBox::valueChanged, this, &ServerSettingsPage::updateApply);
    connect(m_maxInFlight, &QSpinBox::valueChanged, this, &ServerSettingsPage::updateApply);
    connect(m_unreadLimit, &QSpinBox::valueChanged, this, &ServerSettingsPage::updateApply);
    connect(m_apply, &QPushButton::clicked, this, &ServerSettingsPage::onApply);
    setServer({});
}

QString ServerSettingsPage::maskedValue()
{
    return QStringLiteral("••••••••");
}

void ServerSettingsPage::setServer(const QJsonObject &server)
{
    const QString name = server.value(QLatin1String("name")).toString();
    const bool sameServer = name == m_name && !name.isEmpty();
    const bool edited = sameServer && !editedValues().isEmpty();
    m_server = server;
    m_name = name;
    setEnabled(!name.isEmpty());

    // A remote server shows its URL and transport where a local one shows its command, and its
    // headers where a local one shows its environment (secret ones revealed the same way).
    const bool remote = server.contains(QLatin1String("url"));
    QStringList args;
    for (const QJsonValue &arg : server.value(QLatin1String("args")).toArray())
        args.append(arg.toString());
    m_command->setText(remote ? server.value(QLatin1String("url")).toString()
                              : server.value(QLatin1String("command")).toString());
    m_args->setText(remote ? tr("transport: %1").arg(server.value(QLatin1String("transport")).toString())
                           : args.join(QLatin1Char(' ')));
    QStringList secretEnv;
    for (const QJsonValue &variable : server.value(QLatin1String(remote ? "secretHeaders" : "secretEnv")).toArray())
        secretEnv << variable.toString();
    const QJsonObject env = server.value(QLatin1String(remote ? "headers" : "env")).toObject();
    // Refilled when another server is shown or a variable was added, removed, marked or unmarked.
    if (!sameServer || env.keys() + QStringList{QString()} + secretEnv != m_envShown)
        fillEnv(env, secretEnv);

    // Live updates of the same server must not overwrite what the user is editing.
    if (!edited) {
        m_sharing->setCurrentIndex(qMax(0, m_sharing->findData(server.value(QLatin1String("sharing")).toString(
                                                QStringLiteral("shared")))));
        m_linger->setValue(lingerSeconds(server));
        m_maxInFlight->setValue(server.value(QLatin1String("maxInFlight")).toInt());
        m_unreadLimit->setValue(UnreadLimitBox::toMiB(server.value(QLatin1String("maxQueuedBytes")).toInteger()));
    }
    if (!sameServer)
        m_status->clear();
    updateApply();
}

void ServerSettingsPage::fillEnv(const QJsonObject &env, const QStringList &secretEnv)
{
    m_envShown = env.keys() + QStringList{QString()} + secretEnv;
    m_env->setRowCount(0);
    for (auto it = env.begin(); it != env.end(); ++it)
        addEnvRow(it.key(), false);
    for (const QString &variable : secretEnv)
        addEnvRow(variable, true);
    m_env->setVisible(m_env->rowCount() > 0);
    if (auto *form = qobject_cast<QFormLayout *>(layout()->itemAt(0)->layout()))
        form->setRowVisible(m_env, m_env->rowCount() > 0);
}

void ServerSettingsPage::addEnvRow(const QString &key, bool secret)
{
    const int row = m_env->rowCount();
    m_env->insertRow(row);
    m_env->setItem(row, EnvKey, new QTableWidgetItem(key));
    auto *value = new QTableWidgetItem(maskedValue());
    value->setData(Qt::AccessibleTextRole, tr("hidden value"));
    m_env->setItem(row, EnvValue, value);
    auto *store = new QTableWidgetItem(secret ? tr("Keychain") : tr("servers.json"));
    store->setToolTip(secret ? tr("A secret: kept in the system keychain and given to the server when it starts")
                             : tr("Kept in servers.json"));
    m_env->setItem(row, EnvStore, store);
    auto *reveal = new QPushButton(tr("Reveal"), m_env);
    reveal->setCheckable(true);
    reveal->setAccessibleName(tr("Reveal %1").arg(key));
    // The broker hands a value out only when asked for that one value (a secret: from the keychain).
    connect(reveal, &QPushButton::toggled, this, [this, reveal, value, key](bool shown) {
        reveal->setText(shown ? tr("Hide") : tr("Reveal"));
        if (!shown) {
            value->setText(maskedValue());
            value->setData(Qt::AccessibleTextRole, tr("hidden value"));
            return;
        }
        QPointer<QPushButton> guard(reveal);
        m_view->call(QStringLiteral("revealEnv"), {{QStringLiteral("name"), m_name}, {QStringLiteral("key"), key}},
                     [guard, value](bool ok, const QJsonObject &result, const QString &error) {
                         if (!guard || !guard->isChecked())
                             return;
                         value->setText(ok ? result.value(QStringLiteral("value")).toString() : error);
                         value->setData(Qt::AccessibleTextRole, QVariant());
                     });
    });
    m_env->setCellWidget(row, EnvReveal, reveal);
}

QJsonObject ServerSettingsPage::editedValues() const
{
    QJsonObject changed;
    const QString sharing = m_sharing->currentData().toString();
    if (sharing != m_server.value(QLatin1String("sharing")).toString(QStringLiteral("shared")))
        changed.insert(QStringLiteral("sharing"), sharing);
    if (m_linger->value() != lingerSeconds(m_server))
        changed.insert(QStringLiteral("lingerMs"), QString::number(m_linger->value() < 0 ? -1 : m_linger->value() * 1000));
    if (m_maxInFlight->value() != m_server.value(QLatin1String("maxInFlight")).toInt())
        changed.insert(QStringLiteral("maxInFlight"), QString::number(m_maxInFlight->value()));
    if (m_unreadLimit->value() != UnreadLimitBox::toMiB(m_server.value(QLatin1String("maxQueuedBytes")).toInteger()))
        changed.insert(QStringLiteral("maxQueuedBytes"), QString::number(UnreadLimitBox::toBytes(m_unreadLimit->value())));
    return changed;
}

void ServerSettingsPage::updateApply()
{
    m_apply->setEnabled(!m_name.isEmpty() && !editedValues().isEmpty());
}

void ServerSettingsPage::onApply()
{
    const QJsonObject changed = editedValues();
    if (changed.isEmpty())
        return;
    m_status->setText(tr("Saving…"));
    // One `set` per changed key; report once all have answered.
    auto pending = std::make_shared<int>(int(changed.size()));
    auto errors = std::make_shared<QStringList>();
    const QPointer<QLabel> status = m_status;
    for (auto it = changed.begin(); it != changed.end(); ++it) {
        m_view->call(QStringLiteral("set"),
                     {{QStringLiteral("name"), m_name}, {QStringLiteral("key"), it.key()}, {QStringLiteral("value"), it.value()}},
                     [status, pending, errors](bool ok, const QJsonObject &, const QString &error) {
                         if (!ok)
                             errors->append(error);
                         if (--*pending > 0 || !status)
                             return;
                         status->setText(errors->isEmpty() ? tr("Saved.") : errors->join(QLatin1Char('\n')));
                     });
    }
}

} // namespace manifold
