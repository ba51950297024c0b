#include "httptokensbox.h"

#include "statecolors.h"
#include "tokensecretdialog.h"

#include "control/brokerview.h"
#include "models/modelformat.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonArray>
#include <QLabel>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace manifold {

HttpTokensBox::HttpTokensBox(BrokerView *view, QWidget *parent)
    : QGroupBox(tr("Tokens"), parent), m_view(view), m_list(new QTreeWidget(this)),
      m_add(new QPushButton(tr("Add &Token…"), this)),
      m_revoke(new QPushButton(tr("&Revoke…"), this)), m_message(new QLabel(this))
{
    m_list->setColumnCount(ColumnCount);
    m_list->setHeaderLabels({tr("Name"), tr("Created"), tr("Last used")});
    m_list->setRootIsDecorated(false);
    m_list->setAccessibleName(tr("Tokens"));
    m_list->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_list->header()->setStretchLastSection(true);
    m_list->setMinimumHeight(m_list->fontMetrics().lineSpacing() * 6);
    m_add->setToolTip(tr("Make a token for one client; its secret is shown once"));
    m_revoke->setToolTip(tr("Refuse the selected token from now on"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_add);
    buttons->addWidget(m_revoke);
    buttons->addStretch();
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_message);
    layout->addLayout(buttons);

    connect(m_add, &QPushButton::clicked, this, &HttpTokensBox::onAdd);
    connect(m_revoke, &QPushButton::clicked, this, &HttpTokensBox::onRevoke);
    connect(m_list, &QTreeWidget::itemSelectionChanged, this, &HttpTokensBox::updateButtons);
    updateButtons();
}

void HttpTokensBox::setStatus(const QJsonObject &httpStatus)
{
    m_url = httpStatus.value(QLatin1String("url")).toString();
    const QString selected =
        m_list->currentItem() ? m_list->currentItem()->text(NameColumn) : QString();
    m_list->clear();
    for (const QJsonValue &value : httpStatus.value(QLatin1String("tokens")).toArray()) {
        const QJsonObject token = value.toObject();
        const QString created = token.value(QLatin1String("created")).toString();
        const QString lastUsed = token.value(QLatin1String("lastUsed")).toString();
        auto *item = new QTreeWidgetItem(
            m_list, {token.value(QLatin1String("name")).toString(), ModelFormat::localTime(created),
                     lastUsed.isEmpty() ? tr("Never") : ModelFormat::localTime(lastUsed)});
        item->setToolTip(CreatedColumn, ModelFormat::fullTime(created));
        item->setToolTip(LastUsedColumn, ModelFormat::fullTime(lastUsed));
        if (item->text(NameColumn) == selected)
            m_list->setCurrentItem(item);
    }
    updateButtons();
}

void HttpTokensBox::onAdd()
{
    auto *ask = new QInputDialog(this);
    ask->setObjectName(QStringLiteral("tokenNameDialog"));
    ask->setAttribute(Qt::WA_DeleteOnClose);
    ask->setWindowTitle(tr("Add Token"));
    ask->setLabelText(
        tr("A name for the client that will use the token (letters, digits, '.', '_' and '-'):"));
    ask->setInputMode(QInputDialog::TextInput);
    connect(ask, &QInputDialog::textValueSelected, this, &HttpTokensBox::addToken);
    ask->open();
}

void HttpTokensBox::addToken(const QString &name)
{
    m_message->hide();
    const QPointer<HttpTokensBox> self(this);
    m_view->call(QStringLiteral("http/tokenAdd"), {{QStringLiteral("name"), name.trimmed()}},
                 [self](bool ok, const QJsonObject &result, const QString &error) {
                     if (!self)
                         return;
                     if (!ok) {
                         self->showError(tr("Could not add the token: %1").arg(error));
                         return;
                     }
                     // Not kept anywhere else: the dialog is the only holder of the secret.
                     auto *shown = new TokenSecretDialog(
                         result.value(QLatin1String("name")).toString(),
                         result.value(QLatin1String("secret")).toString(), self->m_url, self);
                     shown->setAttribute(Qt::WA_DeleteOnClose);
                     shown->open();
                     emit self->tokensChanged();
                 });
}

void HttpTokensBox::onRevoke()
{
    QTreeWidgetItem *item = m_list->currentItem();
    if (!item)
        return;
    const QString name = item->text(NameColumn);
    auto *confirm =
        new QMessageBox(QMessageBox::Question, tr("Revoke Token"),
                        tr("Revoke the token “%1”? Its open sessions end now and clients that use it "
                           "are refused from then on; this cannot be undone.")
                            .arg(name),
                        QMessageBox::Cancel, this);
    confirm->setObjectName(QStringLiteral("revokeTokenConfirmation"));
    confirm->setAttribute(Qt::WA_DeleteOnClose);
    QPushButton *revokeButton = confirm->addButton(tr("Revoke"), QMessageBox::DestructiveRole);
    confirm->setDefaultButton(QMessageBox::Cancel);
    connect(confirm, &QMessageBox::buttonClicked, this,
            [this, confirm, revokeButton, name](QAbstractButton *button) {
                if (button == revokeButton && confirm->clickedButton() == revokeButton)
                    revoke(name);
            });
    confirm->open();
}

void HttpTokensBox::revoke(const QString &name)
{
    m_message->hide();
    const QPointer<HttpTokensBox> self(this);
    m_view->call(QStringLiteral("http/tokenRevoke"), {{QStringLiteral("name"), name}},
                 [self, name](bool ok, const QJsonObject &, const QString &error) {
                     if (!self)
                         return;
                     if (!ok) {
                         self->showError(tr("Could not revoke “%1”: %2").arg(name, error));
                         return;
                     }
                     emit self->tokensChanged();
                 });
}

void HttpTokensBox::showError(const QString &text)
{
    m_message->setText(text);
    QPalette palette = m_message->palette();
    palette.setColor(QPalette::WindowText,
                     StateColors::forState(QStringLiteral("failed"), false, palette));
    m_message->setPalette(palette);
    m_message->show();
}

void HttpTokensBox::updateButtons()
{
    m_add->setEnabled(m_view != nullptr);
    m_revoke->setEnabled(m_view != nullptr && m_list->currentItem() != nullptr);
}

} // namespace manifold
