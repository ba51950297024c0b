#include "settingsdialog.h"

#include "autostart.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QMessageBox>
#include <QSettings>
#include <QSpinBox>
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

SettingsDialog::SettingsDialog(Autostart *autostart, QWidget *parent)
    : QDialog(parent)
    , m_autostart(autostart)
    , m_startOnLogin(new QCheckBox(tr("&Start Manifold when I log in"), this))
    , m_linger(new QSpinBox(this))
    , m_heartbeat(new QSpinBox(this))
{
    setWindowTitle(tr("Manifold Settings"));

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

    auto *form = new QFormLayout;
    form->addRow(m_startOnLogin);
    form->addRow(tr("Default &linger for new servers:"), m_linger);
    form->addRow(tr("Default &heartbeat interval:"), m_heartbeat);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addStretch();
    layout->addWidget(buttons);
}

void SettingsDialog::accept()
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
    QDialog::accept();
}

} // namespace manifold
