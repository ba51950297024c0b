#include "clientsetupdialog.h"

#include "diffview.h"
#include "statecolors.h"

#include "clients/clientsetup.h"
#include "clients/httpsetup.h"
#include "clients/unifieddiff.h"

#include <QApplication>
#include <QDialogButtonBox>
#include <QDir>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QStyle>
#include <QTabWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace manifold {

namespace {

QString clientName(const QString &clientId)
{
    const ClientKind *kind = findClientKind(clientId);
    return kind ? kind->displayName : clientId;
}

QTreeWidget *makeTree(const QStringList &headers, const QString &accessibleName, QWidget *parent)
{
    auto *tree = new QTreeWidget(parent);
    tree->setHeaderLabels(headers);
    tree->setRootIsDecorated(true);
    tree->setUniformRowHeights(true);
    tree->setWordWrap(false);
    tree->setAlternatingRowColors(true);
    tree->setAccessibleName(accessibleName);
    tree->header()->setStretchLastSection(true);
    return tree;
}

QTreeWidgetItem *fileItem(QTreeWidget *tree, const QString &clientId, const QString &path,
                          const QString &what)
{
    auto *item = new QTreeWidgetItem(
        tree, {QStringLiteral("%1 — %2").arg(clientName(clientId), QDir::toNativeSeparators(path)),
               what});
    QFont bold = item->font(0);
    bold.setBold(true);
    item->setFont(0, bold);
    item->setToolTip(0, QDir::toNativeSeparators(path));
    return item;
}

void markError(QTreeWidgetItem *item)
{
    const QColor colour =
        StateColors::forState(QStringLiteral("failed"), false, QApplication::palette());
    for (int column = 0; column < item->columnCount(); ++column)
        item->setForeground(column, colour);
    item->setIcon(0, QApplication::style()->standardIcon(QStyle::SP_MessageBoxWarning));
}

QString perProject(const EntryPlan &entry)
{
    return entry.perProjectReason.isEmpty()
               ? QString()
               //: Appended to a decision: the server runs one instance per project, and why
               : ClientSetupDialog::tr("; per-project (%1)").arg(entry.perProjectReason);
}

QString decision(const EntryPlan &entry)
{
    switch (entry.action) {
    case EntryPlan::Action::Import: {
        const QString imported =
            entry.note.isEmpty()
                ? ClientSetupDialog::tr("imported as “%1”").arg(entry.server)
                //: An imported entry whose name was taken: the note says which name it got
                : ClientSetupDialog::tr("renamed: %1").arg(entry.note);
        return imported + perProject(entry);
    }
    case EntryPlan::Action::Reuse:
        return ClientSetupDialog::tr("reuses “%1” (%2)").arg(entry.server, entry.note) +
               perProject(entry);
    case EntryPlan::Action::AlreadyManaged:
        if (entry.viaHttp)
            return entry.rewritten
                       //: A front door URL entry that gets the client's new token
                       ? ClientSetupDialog::tr("reaches “%1” over HTTP; gets the new token")
                             .arg(entry.server)
                       : ClientSetupDialog::tr("reaches “%1” over HTTP").arg(entry.server);
        if (entry.rewritten) // a shim entry that becomes a URL entry
            return ClientSetupDialog::tr("runs “%1” through Manifold; now over HTTP")
                .arg(entry.server);
        return entry.note.isEmpty()
                   ? ClientSetupDialog::tr("already runs through Manifold (“%1”)").arg(entry.server)
                   : ClientSetupDialog::tr("already runs through Manifold: %1").arg(entry.note);
    case EntryPlan::Action::ImportRemote:
        //: A URL entry (or mcp-remote command) that becomes a remote Manifold server
        return ClientSetupDialog::tr("imported as remote server “%1” (%2)")
            .arg(entry.server, entry.note);
    case EntryPlan::Action::ReuseRemote:
        return ClientSetupDialog::tr("reuses remote server “%1” (%2)").arg(entry.server, entry.note);
    case EntryPlan::Action::LeaveRemote:
        return ClientSetupDialog::tr("left alone: remote server (%1): %2")
            .arg(entry.entry.url, entry.note);
    case EntryPlan::Action::LeaveUnsupported:
        return ClientSetupDialog::tr("left alone: %1")
            .arg(entry.entry.reason.isEmpty() ? entry.note : entry.entry.reason);
    }
    return QString();
}

// The same words as `manifoldctl setup`: "per-project (from project file /x/.mcp.json)".
QString sharing(const ServerConfig &server, const QString &perProjectReason)
{
    const QString mode = ServerConfig::sharingName(server.sharing);
    return perProjectReason.isEmpty() ? mode
                                      : QStringLiteral("%1 (%2)").arg(mode, perProjectReason);
}

QString commandLine(const ServerConfig &server)
{
    QStringList parts{server.command};
    for (const QString &arg : server.args)
        parts.append(arg.contains(QLatin1Char(' ')) ? QLatin1Char('"') + arg + QLatin1Char('"')
                                                    : arg);
    return parts.join(QLatin1Char(' '));
}

} // namespace

ClientSetupDialog::ClientSetupDialog(Mode mode, QWidget *parent)
    : QDialog(parent), m_mode(mode), m_summary(new QLabel(this)), m_tabs(new QTabWidget(this)),
      m_diff(new DiffView(this)), m_details(nullptr), m_outcome(new QLabel(this)),
      m_restart(new QLabel(this)), m_buttons(new QDialogButtonBox(this)), m_apply(nullptr),
      m_cancel(nullptr)
{
    setObjectName(QStringLiteral("clientSetupDialog"));
    setWindowTitle(mode == Mode::Setup ? tr("Set Up Clients") : tr("Revert Clients"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_diff->setAccessibleName(tr("Changes"));
    m_outcome->setObjectName(QStringLiteral("outcomeLabel"));
    m_outcome->setWordWrap(true);
    m_outcome->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_outcome->hide();
    m_restart->setObjectName(QStringLiteral("restartLabel"));
    m_restart->setWordWrap(true);
    QFont bold = m_restart->font();
    bold.setBold(true);
    m_restart->setFont(bold);
    m_restart->hide();

    m_apply = m_buttons->addButton(mode == Mode::Setup ? tr("&Apply Setup") : tr("&Apply Revert"),
                                   QDialogButtonBox::AcceptRole);
    m_cancel = m_buttons->addButton(QDialogButtonBox::Cancel);
    m_apply->setDefault(true);
    connect(m_apply, &QPushButton::clicked, this, [this] {
        if (!m_applying && !m_finished)
            emit applyRequested();
    });
    connect(m_cancel, &QPushButton::clicked, this, &ClientSetupDialog::reject);
}

ClientSetupDialog::ClientSetupDialog(const SetupPlan &plan, QWidget *parent)
    : ClientSetupDialog(Mode::Setup, parent)
{
    fillSetup(plan);
}

ClientSetupDialog::ClientSetupDialog(const RevertPlan &plan, const QString &warning,
                                     QWidget *parent)
    : ClientSetupDialog(Mode::Revert, parent)
{
    fillRevert(plan, warning);
}

void ClientSetupDialog::fillSetup(const SetupPlan &plan)
{
    m_details =
        makeTree({tr("Entry"), tr("Decision"), tr("To the keychain")}, tr("Decisions"), this);
    m_servers = makeTree(
        {tr("Server"), tr("Command"), tr("Environment"), tr("To the keychain"), tr("Sharing")},
        tr("New servers"), this);
    m_servers->setRootIsDecorated(false);

    QString diff;
    int changed = 0;
    int broken = 0;
    int secrets = 0;
    for (const FilePlan &file : plan.files) {
        if (!file.loaded.exists)
            continue;
        const QString &path = file.loaded.file.path;
        if (!file.error.isEmpty()) {
            ++broken;
            auto *item = fileItem(m_details, file.loaded.file.clientId, path,
                                  tr("not touched: %1").arg(file.error));
            markError(item);
            continue;
        }
        if (file.changes()) {
            ++changed;
            diff += unifiedDiff(file.maskedBefore(), file.maskedAfter(), tr("%1 (now)").arg(path),
                                tr("%1 (after setup)").arg(path));
            diff += QLatin1Char('\n');
        }
        if (file.entries.isEmpty())
            continue;
        auto *item = fileItem(m_details, file.loaded.file.clientId, path,
                              file.changes() ? tr("changes") : tr("no change"));
        if (!file.transportNote.isEmpty())
            //: The client cannot take URL servers, so it keeps the shim: the reason follows
            new QTreeWidgetItem(item, {tr("(shim)"), file.transportNote});
        for (const EntryPlan &entry : file.entries) {
            QString what = decision(entry);
            if (entry.viaHttp && entry.action != EntryPlan::Action::AlreadyManaged)
                what = tr("%1; over HTTP").arg(what);
            auto *child = new QTreeWidgetItem(item, {entry.entry.name, what});
            if (entry.rewritten && !entry.secrets.isEmpty())
                child->setText(2, entry.secrets.join(QStringLiteral(", ")));
            child->setToolTip(1, child->text(1));
        }
    }
    for (const ServerConfig &server : plan.newServers) {
        secrets += int(server.secretEnv.size());
        auto *item = new QTreeWidgetItem(
            m_servers, {server.name, commandLine(server),
                        QStringList(server.env.keys()).join(QStringLiteral(", ")),
                        server.secretEnv.join(QStringLiteral(", ")),
                        sharing(server, plan.perProjectReasons.value(server.name))});
        item->setToolTip(1, item->text(1));
        item->setToolTip(4, item->text(4));
    }
    m_details->expandAll();
    m_details->resizeColumnToContents(0);
    m_servers->resizeColumnToContents(0);
    m_diff->setDiff(diff.isEmpty() ? tr("No file changes.") : diff);

    QStringList summary;
    if (changed == 0 && plan.newServers.isEmpty())
        summary.append(tr("Nothing to change: every selected client is set up already."));
    else
        summary.append(tr("Setup rewrites %n file(s) so their servers run through Manifold.",
                          nullptr, changed));
    if (!plan.newServers.isEmpty())
        summary.append(
            tr("It adds %n new server(s) to Manifold.", nullptr, int(plan.newServers.size())));
    if (secrets > 0)
        summary.append(tr("%n secret value(s) move from the client files to the keychain; the "
                          "preview shows them as ********.",
                          nullptr, secrets));
    if (plan.transport == SetupTransport::Http) {
        if (plan.enableFrontDoor)
            summary.append(tr("The HTTP front door is off; applying turns it on (%1).")
                               .arg(plan.httpBaseUrl + QStringLiteral("NAME")));
        if (!plan.tokens.isEmpty()) {
            QStringList names;
            for (const PlannedToken &token : plan.tokens)
                names.append(token.name);
            summary.append(tr("Clients that take URLs reach it with a token each (%1), made when "
                              "you apply and shown here as mfd_********.")
                               .arg(QLocale().createSeparatedList(names)));
        }
    }
    if (broken > 0)
        summary.append(
            tr("%n file(s) cannot be read or parsed and stay untouched.", nullptr, broken));
    summary.append(tr("Each file is backed up first; Revert puts it back exactly."));
    m_summary->setText(summary.join(QLatin1Char(' ')));
    m_apply->setEnabled(plan.changes());

    m_tabs->addTab(m_diff, tr("&Changes"));
    m_tabs->addTab(m_details, tr("&Decisions"));
    m_tabs->addTab(m_servers, tr("&New servers (%1)").arg(plan.newServers.size()));
    finishLayout(changed);
}

void ClientSetupDialog::fillRevert(const RevertPlan &plan, const QString &warning)
{
    m_details = makeTree({tr("File"), tr("Revert")}, tr("Decisions"), this);
    QString diff;
    int changed = 0;
    int failed = 0;
    for (const RevertFilePlan &file : plan.files) {
        if (!file.error.isEmpty()) {
            ++failed;
            markError(fileItem(m_details, file.clientId, file.path,
                               tr("not touched: %1").arg(file.error)));
            continue;
        }
        if (file.changes()) {
            ++changed;
            diff +=
                unifiedDiff(httpsetup::maskTokens(file.before), file.maskedAfter,
                            tr("%1 (now)").arg(file.path), tr("%1 (after revert)").arg(file.path));
            diff += QLatin1Char('\n');
        }
        auto *item = fileItem(m_details, file.clientId, file.path,
                              !file.changes() ? tr("no change")
                              : file.exact    ? tr("restores the original file exactly")
                                              : tr("restores the entries setup changed"));
        for (const QString &note : file.notes)
            new QTreeWidgetItem(item, {QString(), note});
    }
    m_details->expandAll();
    m_details->resizeColumnToContents(0);
    m_diff->setDiff(diff.isEmpty() ? tr("No file changes.") : diff);

    QStringList summary;
    summary.append(tr("Revert puts back %n file(s) as they were before setup, secrets included.",
                      nullptr, changed));
    if (failed > 0)
        summary.append(tr("%n file(s) cannot be reverted and stay untouched.", nullptr, failed));
    if (!warning.isEmpty())
        summary.append(tr("Warning: %1").arg(warning));
    if (!plan.tokens.isEmpty())
        summary.append(tr("The HTTP tokens setup made are revoked: %1.")
                           .arg(QLocale().createSeparatedList(plan.tokens)));
    summary.append(tr("The servers setup added stay in Manifold."));
    m_summary->setText(summary.join(QLatin1Char(' ')));
    m_apply->setEnabled(failed < plan.files.size());

    m_tabs->addTab(m_diff, tr("&Changes"));
    m_tabs->addTab(m_details, tr("&Details"));
    finishLayout(changed);
}

void ClientSetupDialog::finishLayout(int changedFiles)
{
    if (changedFiles == 0)
        m_tabs->setCurrentWidget(m_details);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(m_outcome);
    layout->addWidget(m_restart);
    layout->addWidget(m_buttons);
    resize(900, 620);
}

void ClientSetupDialog::setApplying()
{
    m_applying = true;
    m_apply->setEnabled(false);
    m_cancel->setEnabled(false);
    m_outcome->setText(tr("Applying…"));
    m_outcome->show();
}

void ClientSetupDialog::showOutcome(const SetupOutcome &outcome)
{
    m_applying = false;
    m_finished = true;
    QStringList lines;
    if (outcome.written.isEmpty())
        lines.append(tr("No file was changed."));
    else
        lines.append(
            tr("Changed %n file(s): %1", nullptr, int(outcome.written.size()))
                .arg(QDir::toNativeSeparators(outcome.written.join(QStringLiteral(", ")))));
    if (!outcome.addedServers.isEmpty())
        lines.append(
            tr("Added %n server(s) to Manifold: %1", nullptr, int(outcome.addedServers.size()))
                .arg(outcome.addedServers.join(QStringLiteral(", "))));
    lines += outcome.notes;
    for (const QString &error : outcome.errors)
        lines.append(tr("Error: %1").arg(error));
    m_outcome->setText(lines.join(QLatin1Char('\n')));
    m_outcome->show();
    if (!outcome.restartClients.isEmpty()) {
        //: %1: client names such as "Claude Desktop"
        m_restart->setText(tr("Quit %1 completely (not just its window) and open it again: it "
                              "reads its configuration only when it starts.")
                               .arg(QLocale().createSeparatedList(outcome.restartClients)));
        m_restart->show();
    }
    m_apply->hide();
    m_cancel->setEnabled(true);
    m_cancel->setText(tr("&Close"));
    m_cancel->setDefault(true);
    m_cancel->setFocus();
}

void ClientSetupDialog::reject()
{
    if (m_applying) // the write is under way; closing now would hide its outcome
        return;
    QDialog::reject();
}

} // namespace manifold
