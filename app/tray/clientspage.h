#pragma once

#include "clients/clientsetup.h"

#include <QPointer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace manifold {

class ClientSetupDialog;
class ClientTableModel;

// The Clients page of the main window: every MCP client config file Manifold knows, its state,
// and Set Up / Revert for the selected clients or all of them, each through a preview dialog.
// Works on a ClientSetup it is given (tests pass one over a temporary home and config dir).
class ClientsPage final : public QWidget
{
    Q_OBJECT

public:
    explicit ClientsPage(QWidget *parent = nullptr);
    ~ClientsPage() override;

    // Not owned; null disables the page. Call before planning starts.
    void setClientSetup(ClientSetup *setup);
    ClientSetup *clientSetup() const { return m_setup; }

    // Reads every client file again (quick: a few small files).
    void refresh();
    // Adds a project directory whose project config files are listed and set up too.
    void addProjectFolder(const QString &dir);
    QStringList projectFolders() const;
    QStringList secretNames() const;
    bool isBusy() const { return m_busy; }
    ClientSetupDialog *currentDialog() const; // the preview or outcome shown now, if any

    QTableView *table() const { return m_table; }
    ClientTableModel *model() const { return m_model; }
    QPushButton *setUpSelectedButton() const { return m_setUpSelected; }
    QPushButton *setUpAllButton() const { return m_setUpAll; }
    QPushButton *revertSelectedButton() const { return m_revertSelected; }
    QPushButton *revertAllButton() const { return m_revertAll; }
    QPushButton *addProjectButton() const { return m_addProject; }
    QPushButton *refreshButton() const { return m_refresh; }
    QLineEdit *secretNamesEdit() const { return m_secretNames; }
    QCheckBox *showAllCheck() const { return m_showAll; }
    // "Connect through": the shim (every client) or HTTP (clients that take URLs).
    QComboBox *transportCombo() const { return m_transport; }
    SetupTransport transport() const;
    void setTransport(SetupTransport transport);
    QLabel *statusLabel() const { return m_status; }

signals:
    void busyChanged(bool busy);
    void previewShown(manifold::ClientSetupDialog *dialog);
    void setupApplied(const manifold::SetupOutcome &outcome); // setup or revert finished

protected:
    void showEvent(QShowEvent *event) override;

private:
    void startSetup(bool all);
    void startRevert(bool all);
    void onSetupPlanned(const SetupPlan &plan, const QString &error);
    void onRevertPlanned(const RevertPlan &plan, const QString &error);
    void onApplyRequested();
    void onApplied(const SetupOutcome &outcome);
    void onAddProject();
    void showDialog(ClientSetupDialog *dialog);
    void setBusy(bool busy, const QString &message);
    void updateButtons();
    void updateProjectLabel();
    ClientSetup::Options options(bool all) const;
    QStringList selectedClients() const;

    QPointer<ClientSetup> m_setup;
    ClientTableModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_table;
    QLabel *m_projects;
    QPushButton *m_addProject;
    QLineEdit *m_secretNames;
    QCheckBox *m_showAll;
    QComboBox *m_transport;
    QPushButton *m_setUpSelected;
    QPushButton *m_setUpAll;
    QPushButton *m_revertSelected;
    QPushButton *m_revertAll;
    QPushButton *m_refresh;
    QLabel *m_status;
    QPointer<ClientSetupDialog> m_dialog;
    QStringList m_addedProjects;
    QStringList m_remembered;
    SetupPlan m_setupPlan;
    RevertPlan m_revertPlan;
    bool m_busy = false;
};

} // namespace manifold
