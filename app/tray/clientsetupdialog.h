#pragma once

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QPushButton;
class QTabWidget;
class QTreeWidget;

namespace manifold {

class DiffView;
struct RevertPlan;
struct SetupOutcome;
struct SetupPlan;

// The preview of a client setup or revert before anything is written: a unified diff per file
// (secrets masked), what happens to every entry, the new servers and the secrets that move to
// the keychain, and the files left alone. Apply emits applyRequested; the owner applies the plan
// and hands the outcome back through showOutcome(), which the dialog then reports.
class ClientSetupDialog final : public QDialog
{
    Q_OBJECT

public:
    enum class Mode { Setup, Revert };

    ClientSetupDialog(const SetupPlan &plan, QWidget *parent = nullptr);
    ClientSetupDialog(const RevertPlan &plan, const QString &warning, QWidget *parent = nullptr);

    Mode mode() const { return m_mode; }
    // Disables the buttons while the owner applies the plan.
    void setApplying();
    void showOutcome(const SetupOutcome &outcome);
    bool isFinished() const { return m_finished; }

    DiffView *diffView() const { return m_diff; }
    QTreeWidget *detailsTree() const { return m_details; }
    QTreeWidget *serversTree() const { return m_servers; } // null when reverting
    QTreeWidget *decisionsTree() const { return m_details; }
    QLabel *summaryLabel() const { return m_summary; }
    QLabel *outcomeLabel() const { return m_outcome; }
    QLabel *restartLabel() const { return m_restart; }
    QPushButton *applyButton() const { return m_apply; }
    QPushButton *cancelButton() const { return m_cancel; }

signals:
    void applyRequested();

public slots:
    void reject() override;

private:
    explicit ClientSetupDialog(Mode mode, QWidget *parent);
    void fillSetup(const SetupPlan &plan);
    void fillRevert(const RevertPlan &plan, const QString &warning);
    void finishLayout(int changedFiles);

    Mode m_mode;
    QLabel *m_summary;
    QTabWidget *m_tabs;
    DiffView *m_diff;
    QTreeWidget *m_details;
    QTreeWidget *m_servers = nullptr;
    QLabel *m_outcome;
    QLabel *m_restart;
    QDialogButtonBox *m_buttons;
    QPushButton *m_apply;
    QPushButton *m_cancel;
    bool m_applying = false;
    bool m_finished = false;
};

} // namespace manifold
