#pragma once

#include <QDialog>

class QCheckBox;
class QSpinBox;

namespace manifold {

class Autostart;
class BrokerView;

// The tray app's own preferences, kept in QSettings; defaults apply to servers added later.
namespace TraySettings {
int defaultLingerMs();
int defaultHeartbeatMs();
void setDefaultLingerMs(int ms);
void setDefaultHeartbeatMs(int ms);
} // namespace TraySettings

// Preferences: start on login, default linger and heartbeat interval for new servers, and the
// broker-wide unread limit per client (servers.json "defaults", through the broker's setDefault).
class SettingsDialog final : public QDialog
{
    Q_OBJECT

public:
    // autostart may be null (then the checkbox is disabled); view may be null (then the broker's
    // settings are disabled); neither is owned.
    SettingsDialog(Autostart *autostart, BrokerView *view, QWidget *parent = nullptr);

    void accept() override;

private:
    Autostart *m_autostart;
    QCheckBox *m_startOnLogin;
    QSpinBox *m_linger;
    QSpinBox *m_heartbeat;
    QSpinBox *m_unreadLimit;
    BrokerView *m_view;
    int m_unreadLimitShown = -1;   // MiB as read from the broker; -1 until it answered
};

} // namespace manifold
