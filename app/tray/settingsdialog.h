#pragma once

#include <QDialog>

class QCheckBox;
class QSpinBox;
class QTabWidget;

namespace manifold {

class Autostart;
class BrokerView;
class HttpFrontDoorPage;

// The tray app's own preferences, kept in QSettings; defaults apply to servers added later.
namespace TraySettings {
int defaultLingerMs();
int defaultHeartbeatMs();
void setDefaultLingerMs(int ms);
void setDefaultHeartbeatMs(int ms);
} // namespace TraySettings

// Preferences. General: start on login, default linger and heartbeat interval for new servers, and
// the broker-wide unread limit per client (servers.json "defaults", through the broker's
// setDefault). HTTP Front Door: HttpFrontDoorPage; OK applies its changes first and closes only if
// the broker took them.
class SettingsDialog final : public QDialog
{
    Q_OBJECT

public:
    // autostart may be null (then the checkbox is disabled); view may be null (then the broker's
    // settings are disabled); neither is owned.
    SettingsDialog(Autostart *autostart, BrokerView *view, QWidget *parent = nullptr);

    void accept() override;

    QTabWidget *tabs() const { return m_tabs; }
    HttpFrontDoorPage *httpPage() const { return m_http; }

private:
    QWidget *createGeneralPage();
    void acceptGeneral();
    void setBrokerDefault(const QString &key, qint64 value, const QString &title);

    Autostart *m_autostart;
    QCheckBox *m_startOnLogin;
    QSpinBox *m_linger;
    QSpinBox *m_heartbeat;
    QSpinBox *m_unreadLimit;
    QSpinBox *m_trafficMemory;
    QSpinBox *m_slowThreshold;
    BrokerView *m_view;
    int m_unreadLimitShown = -1;   // MiB as read from the broker; -1 until it answered
    int m_trafficMemoryShown = -1;
    QTabWidget *m_tabs;
    HttpFrontDoorPage *m_http;
};

} // namespace manifold
