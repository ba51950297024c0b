#pragma once

#include <QJsonObject>
#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace manifold {

class BrokerView;
class HttpTokensBox;

// Preferences, "HTTP Front Door": whether the broker serves its servers over HTTP, on which
// address and port, with or without tokens, TLS files or the reverse-proxy acknowledgment for
// other addresses; the broker's current state (listening, URL, why not); and the tokens.
// Reads http/status; Apply sends http/enable or http/disable. A refusal is shown next to the
// fields, which keep what the user typed.
class HttpFrontDoorPage final : public QWidget
{
    Q_OBJECT

public:
    explicit HttpFrontDoorPage(BrokerView *view, QWidget *parent = nullptr);

    // Asks the broker for http/status and shows it (fields only where the user has not edited).
    void refresh();
    // The user changed something the broker does not have yet.
    bool isEdited() const;
    // Checks the fields, then calls http/enable or http/disable; emits applied() with the outcome.
    void apply();

    // The params http/enable and http/disable get from the fields.
    QJsonObject settingsParams() const;
    // What is wrong with the fields before anything is sent; empty when nothing.
    QString validationError() const;

    QCheckBox *enabledBox() const { return m_enabled; }
    QLineEdit *addressField() const { return m_address; }
    QSpinBox *portBox() const { return m_port; }
    QCheckBox *allowNoTokenBox() const { return m_allowNoToken; }
    QLabel *noTokenWarning() const { return m_noTokenWarning; }
    QLineEdit *certificateField() const { return m_certificate; }
    QLineEdit *keyField() const { return m_key; }
    QCheckBox *behindProxyBox() const { return m_behindProxy; }
    QLabel *stateLabel() const { return m_state; }
    QPushButton *applyButton() const { return m_apply; }
    HttpTokensBox *tokens() const { return m_tokens; }

signals:
    void applied(bool ok);

private:
    void onStatus(const QJsonObject &status);
    void fillFields(const QJsonObject &status);
    void onEdited();
    void updateState();
    void updateControls();
    bool isLoopback() const;
    QWidget *fileRow(QLineEdit *field, const QString &title);

    BrokerView *m_view;
    QJsonObject m_status; // the last http/status; empty until the broker answered
    QString m_applyError; // the last refusal, shown until the user edits or applies again
    bool m_applying = false;
    QCheckBox *m_enabled;
    QLineEdit *m_address;
    QSpinBox *m_port;
    QCheckBox *m_allowNoToken;
    QLabel *m_noTokenWarning;
    QLineEdit *m_certificate;
    QLineEdit *m_key;
    QCheckBox *m_behindProxy;
    QLabel *m_state;
    QPushButton *m_apply;
    HttpTokensBox *m_tokens;
};

} // namespace manifold
