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
// values) and the settings that can change while it runs (sharing, linger, in-flight limit),
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
    void fillEnv(const QJsonObject &env);
    void onApply();
    void updateApply();
    QJsonObject editedValues() const;

    BrokerView *m_view;
    QString m_name;
    QJsonObject m_server;
    QLineEdit *m_command;
    QLineEdit *m_args;
    QTableWidget *m_env;
    QComboBox *m_sharing;
    QSpinBox *m_linger;
    QSpinBox *m_maxInFlight;
    QPushButton *m_apply;
    QLabel *m_status;
};

} // namespace manifold
