#pragma once

#include <QJsonObject>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace manifold {

class BrokerView;

// The Settings tab of the selected server: how it starts (command, args, env with masked
// values, revealed one at a time on request, and where each is stored) and the settings that can change while it runs (sharing, linger, in-flight limit, unread limit),
// saved through the broker's `set` method.
class ServerSettingsPage final : public QWidget
{
    Q_OBJECT

public:
    explicit ServerSettingsPage(BrokerView *view, QWidget *parent = nullptr);

    // The selected server's status object; empty clears the page.
    void setServer(const QJsonObject &server);
    QString serverName() const { return m_name; }

    QPushButton *applyButton() const { return m_apply; }
    QTableWidget *envTable() const { return m_env; }
    static QString maskedValue();

private:
    void fillEnv(const QJsonObject &env, const QStringList &secretEnv);
    void addEnvRow(const QString &key, bool secret);
    void onApply();
    void updateApply();
    QJsonObject editedValues() const;

    BrokerView *m_view;
    QString m_name;
    QJsonObject m_server;
    QStringList m_envShown;   // plain and secret names in the table, to refill only when they change
    QLineEdit *m_command;
    QLineEdit *m_args;
    QTableWidget *m_env;
    QComboBox *m_sharing;
    QSpinBox *m_linger;
    QSpinBox *m_maxInFlight;
    QSpinBox *m_unreadLimit;
    QPushButton *m_apply;
    QLabel *m_status;
};

} // namespace manifold
