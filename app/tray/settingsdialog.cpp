#include "settingsdialog.h"

#include "autostart.h"
#include "httpfrontdoorpage.h"
#include "unreadlimitbox.h"

#include "control/brokerview.h"

#include <QCheckBox>
#include <QJsonObject>
#include <QPointer>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QMessageBox>
#include <QSettings>
#include <QSpinBox>
#include <QTabWidget>
#include <QVBoxLayout>

namespace manifold {

namespace TraySettings {

int defaultLingerMs()
{
    return QSettings().value(QStringLiteral("defaults/lingerMs"), 60000).toInt();
}

int defaultHeartbeatMs()
{
    return QSettings().value(QStringLiteral("defaults/heartbeatMs"), 30000).toInt();
}

void setDefaultLingerMs(int ms)
{
    QSettings().setValue(QStringLiteral("defaults/lingerMs"), ms);
}

void setDefaultHeartbeatMs(int ms)
{
    QSettings().setValue(QStringLiteral("defaults/heartbeatMs"), ms);
}

} // namespace TraySettings

SettingsDialog::SettingsDialog(Autostart *autostart, BrokerView *view, QWidget *parent)
    : QDialog(parent)
    , m_autostart(autostart)
    , m_startOnLogin(new QCheckBox(tr("&Start Manifold when I log in"), this))
    , m_linger(new QSpinBox(this))
    , m_heartbeat(new QSpinBox(this))
    , m_unreadLimit(new QSpinBox(this))
    , m_trafficMemory(new QSpinBox(this))
    , m_slowThreshold(new QSpinBox(this))
    , m_view(view)
    , m_tabs(new QTabWidget(this))
    , m_http(new HttpFrontDoorPage(view, this))
{
    setWindowTitle(tr("Manifold Settings"));
    m_tabs->addTab(createGeneralPage(), tr("&General"));
    m_tabs->addTab(m_http, tr("HTTP &Front Door"));

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(buttons);
}

QWidget *SettingsDialog::createGeneralPage()
{
    auto *page = new QWidget(this);

    m_startOnLogin->setEnabled(m_autostart != nullptr);
    m_startOnLogin->setChecked(m_autostart && m_autostart->isEnabled());

    // Seconds in the UI, milliseconds in the configuration.
    m_linger->setRange(-1, 24 * 3600);
    m_linger->setSpecialValueText(tr("Keep running"));
    m_linger->setSuffix(tr(" s"));
    const int linger = TraySettings::defaultLingerMs();
    m_linger->setValue(linger < 0 ? -1 : linger / 1000);
    m_linger->setToolTip(tr("How long a server keeps running after its last client disconnects."));

    m_heartbeat->setRange(0, 3600);
    m_heartbeat->setSpecialValueText(tr("Off"));
    m_heartbeat->setSuffix(tr(" s"));
    m_heartbeat->setValue(TraySettings::defaultHeartbeatMs() / 1000);
    m_heartbeat->setToolTip(tr("How often an idle server is pinged to check that it still answers."));

    // The broker's own default, read fresh: another manifoldctl may have changed it.
    UnreadLimitBox::configure(m_unreadLimit);
    m_unreadLimit->setRange(1, 2047);
    m_unreadLimit->setToolTip(tr("How much may wait for a client that stops reading before Manifold disconnects it, "
                                 "for every server that does not set its own limit."));
    m_unreadLimit->setEnabled(false);

    m_trafficMemory->setObjectName(QStringLiteral("trafficMemory"));
    m_trafficMemory->setRange(1, 512);
    m_trafficMemory->setSuffix(tr(" MiB"));
    m_trafficMemory->setToolTip(tr("How much of each server's recent traffic Manifold keeps for the Traffic view "
                                   "and manifoldctl traffic. The oldest messages are forgotten first; the health "
                                   "charts always cover the last hour."));
    m_trafficMemory->setAccessibleName(tr("Traffic memory per server"));
    m_trafficMemory->setEnabled(false);

    m_slowThreshold->setObjectName(QStringLiteral("slowThreshold"));
    m_slowThreshold->setRange(10, 600000);
    m_slowThreshold->setSingleStep(100);
    m_slowThreshold->setSuffix(tr(" ms"));
    m_slowThreshold->setValue(QSettings().value(QStringLiteral("dashboard/slowThresholdMs"), 2000).toInt());
    m_slowThreshold->setToolTip(tr("A server whose 95th percentile latency stays above this is shown as slow on the "
                                   "dashboard, and you are notified once."));
    m_slowThreshold->setAccessibleName(tr("Slow server threshold"));
    if (m_view) {
        const QPointer<SettingsDialog> self(this);
        m_view->call(QStringLiteral("status"), {}, [self](bool ok, const QJsonObject &status, const QString &) {
            if (!self || !ok)
                return;
            const QJsonObject defaults = status.value(QLatin1String("broker")).toObject().value(QLatin1String("defaults")).toObject();
            if (!defaults.contains(QLatin1String("maxQueuedBytes")))
                return;   // an older broker
            self->m_unreadLimitShown = UnreadLimitBox::toMiB(defaults.value(QLatin1String("maxQueuedBytes")).toInteger());
            self->m_unreadLimit->setValue(self->m_unreadLimitShown);
            self->m_unreadLimit->setEnabled(true);
            if (defaults.contains(QLatin1String("trafficMemoryBytes"))) {
                self->m_trafficMemoryShown =
                    UnreadLimitBox::toMiB(defaults.value(QLatin1String("trafficMemoryBytes")).toInteger());
                self->m_trafficMemory->setValue(self->m_trafficMemoryShown);
                self->m_trafficMemory->setEnabled(true);
            }
        });
    }

    auto *form = new QFormLayout;
    form->addRow(m_startOnLogin);
    form->addRow(tr("Default &linger for new servers:"), m_linger);
    form->addRow(tr("Default &heartbeat interval:"), m_heartbeat);
    form->addRow(tr("&Unread limit per client:"), m_unreadLimit);
    form->addRow(tr("&Traffic memory per server:"), m_trafficMemory);
    form->addRow(tr("&Slow server threshold (p95):"), m_slowThreshold);

    auto *layout = new QVBoxLayout(page);
    layout->addLayout(form);
    layout->addStretch();
    return page;
}

void SettingsDialog::accept()
{
    if (!m_http->isEdited()) {
        acceptGeneral();
        return;
    }
    // The front door first: if the broker refuses, the dialog stays open with the user's values.
    connect(m_http, &HttpFrontDoorPage::applied, this, [this](bool ok) {
        if (ok)
            acceptGeneral();
        else
            m_tabs->setCurrentWidget(m_http);
    }, Qt::SingleShotConnection);
    m_http->apply();
}

void SettingsDialog::acceptGeneral()
{
    if (m_autostart && m_startOnLogin->isChecked() != m_autostart->isEnabled()) {
        QString error;
        if (!m_autostart->setEnabled(m_startOnLogin->isChecked(), &error)) {
            QMessageBox::warning(this, tr("Start on Login"),
                                 tr("Could not change the login item: %1").arg(error));
            return;
        }
    }
    TraySettings::setDefaultLingerMs(m_linger->value() < 0 ? -1 : m_linger->value() * 1000);
    TraySettings::setDefaultHeartbeatMs(m_heartbeat->value() * 1000);
    QSettings().setValue(QStringLiteral("dashboard/slowThresholdMs"), m_slowThreshold->value());
    if (m_view && m_unreadLimitShown > 0 && m_unreadLimit->value() != m_unreadLimitShown)
        setBrokerDefault(QStringLiteral("maxQueuedBytes"), UnreadLimitBox::toBytes(m_unreadLimit->value()),
                         tr("Unread Limit"));
    if (m_view && m_trafficMemoryShown > 0 && m_trafficMemory->value() != m_trafficMemoryShown)
        setBrokerDefault(QStringLiteral("trafficMemoryBytes"), UnreadLimitBox::toBytes(m_trafficMemory->value()),
                         tr("Traffic Memory"));
    QDialog::accept();
}

void SettingsDialog::setBrokerDefault(const QString &key, qint64 value, const QString &title)
{
    const QPointer<QWidget> owner = parentWidget();
    m_view->call(QStringLiteral("setDefault"), {{QStringLiteral("key"), key}, {QStringLiteral("value"), QString::number(value)}},
                 [owner, title](bool ok, const QJsonObject &, const QString &error) {
                     if (!ok)
                         QMessageBox::warning(owner, title, tr("Could not change the setting: %1").arg(error));
                 });
}

} // namespace manifold
