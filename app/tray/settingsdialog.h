#pragma once

#include <QDialog>

class QCheckBox;
class QSpinBox;

namespace manifold {

class Autostart;

// The tray app's own preferences, kept in QSettings; defaults apply to servers added later.
namespace TraySettings {
int defaultLingerMs();
int defaultHeartbeatMs();
void setDefaultLingerMs(int ms);
void setDefaultHeartbeatMs(int ms);
} // namespace TraySettings

// Preferences: start on login, default linger and heartbeat interval for new servers.
class SettingsDialog final : public QDialog
{
    Q_OBJECT

public:
    // autostart may be null (then the checkbox is disabled); not owned.
    explicit SettingsDialog(Autostart *autostart, QWidget *parent = nullptr);

    void accept() override;

private:
    Autostart *m_autostart;
    QCheckBox *m_startOnLogin;
    QSpinBox *m_linger;
    QSpinBox *m_heartbeat;
};

} // namespace manifold
