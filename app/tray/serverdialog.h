#pragma once

#include <QDialog>
#include <QSet>
#include <QJsonObject>
#include <QStringList>

class QComboBox;
class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QTableWidgetItem;

namespace manifold {

class McpProbe;

// Adds a server (or edits one: the name is then fixed): validates the name and the command,
// edits env, sharing, linger and in-flight limit, and can test-start the command to show its tools.
class ServerDialog final : public QDialog
{
    Q_OBJECT

public:
    // existingNames: names already taken. server: an existing server's status object to edit,
    // or empty to add one.
    explicit ServerDialog(const QStringList &existingNames, const QJsonObject &server = {},
                          QWidget *parent = nullptr);

    // The `add` parameters (docs/wire.md) for what the dialog holds.
    QJsonObject serverParams() const;
    // Empty when the input is acceptable, else what is wrong.
    QString validationError() const;

    QLineEdit *nameEdit() const { return m_name; }
    QLineEdit *commandEdit() const { return m_command; }
    // Local (a command) or remote (a URL); the environment table holds headers for a remote one.
    QComboBox *kindBox() const { return m_kind; }
    QLineEdit *urlEdit() const { return m_url; }
    QComboBox *transportBox() const { return m_transport; }
    bool isRemote() const;
    QLineEdit *argsEdit() const { return m_args; }
    QPushButton *testButton() const { return m_testButton; }
    QListWidget *toolList() const { return m_tools; }
    // Environment: Variable, Value (masked for secrets), Secret (checkable), Show (per value).
    QTableWidget *envTable() const { return m_env; }
    enum EnvColumn { EnvKey, EnvValue, EnvSecret, EnvShow, EnvColumnCount };
    // Adds a row; kept: an existing variable whose stored value an empty cell keeps.
    void addEnvRow(const QString &name, const QString &value, bool secret, bool kept = false);
    // The value cell's text as painted: dots for a secret unless shown on request.
    QString displayedEnvValue(int row) const;
    QLabel *testStatus() const { return m_testStatus; }

    // An absolute executable, or a name found on PATH; empty if neither.
    static QString resolveCommand(const QString &command);

private:
    void updateValidation();
    void onBrowse();
    void onAddEnv();
    void onRemoveEnv();
    void onTestStart();
    void onToolsListed(const QStringList &tools, const QString &serverName);
    void onTestFailed(const QString &error);
    QMap<QString, QString> env() const;
    QStringList secretNames() const;
    void onEnvItemChanged(QTableWidgetItem *item);
    void onKindChanged();

    QStringList m_existingNames;
    bool m_editing;
    QLineEdit *m_name;
    QLineEdit *m_command;
    QLineEdit *m_args;
    QLineEdit *m_cwd;
    QComboBox *m_kind;
    QLineEdit *m_url;
    QComboBox *m_transport;
    QFormLayout *m_form = nullptr;
    QPushButton *m_addEnv = nullptr;
    QPushButton *m_removeEnv = nullptr;
    QWidget *m_testBox = nullptr;
    QTableWidget *m_env;
    QComboBox *m_sharing;
    QSpinBox *m_linger;
    QSpinBox *m_maxInFlight;
    QSpinBox *m_unreadLimit;
    QPushButton *m_testButton;
    QListWidget *m_tools;
    QLabel *m_testStatus;
    QLabel *m_error;
    QDialogButtonBox *m_buttons;
    McpProbe *m_probe;
    QSet<QString> m_keptEnvKeys;   // editing: variables whose stored value is kept when left empty
    bool m_markingSecret = false;  // the dialog, not the user, is setting a Secret check box
};

} // namespace manifold
