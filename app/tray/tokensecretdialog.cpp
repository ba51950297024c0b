#include "tokensecretdialog.h"

#include <QClipboard>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace manifold {

TokenSecretDialog::TokenSecretDialog(const QString &tokenName, const QString &secret,
                                     const QString &url, QWidget *parent)
    : QDialog(parent), m_secret(new QLineEdit(secret, this)), m_example(new QPlainTextEdit(this)),
      m_copy(new QPushButton(tr("&Copy"), this))
{
    setObjectName(QStringLiteral("tokenSecretDialog"));
    setWindowTitle(tr("New Token “%1”").arg(tokenName));
    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);

    auto *intro =
        new QLabel(tr("A client sends this secret to reach your MCP servers over HTTP. "
                      "<b>This is the only time it is shown:</b> Manifold keeps only a hash of it. "
                      "Copy it now; if it is lost, revoke the token and add a new one."),
                   this);
    intro->setWordWrap(true);

    m_secret->setReadOnly(true);
    m_secret->setFont(fixed);
    m_secret->setAccessibleName(tr("Token secret"));
    m_secret->setMinimumWidth(m_secret->fontMetrics().horizontalAdvance(secret) + 24);
    m_copy->setToolTip(tr("Copy the secret to the clipboard"));
    connect(m_copy, &QPushButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(m_secret->text());
        m_copy->setText(tr("Copied"));
    });
    auto *secretRow = new QHBoxLayout;
    secretRow->addWidget(m_secret, 1);
    secretRow->addWidget(m_copy);

    auto *exampleLabel =
        new QLabel(tr("For a client's configuration, with NAME the server's name:"), this);
    m_example->setReadOnly(true);
    m_example->setFont(fixed);
    m_example->setAccessibleName(tr("Example configuration"));
    m_example->setPlainText(tr("URL: %1").arg(url) + QLatin1Char('\n') +
                            QStringLiteral("Authorization: Bearer %1").arg(secret));
    m_example->setFixedHeight(m_example->fontMetrics().lineSpacing() * 3 +
                              2 * m_example->frameWidth() + 8);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::accept);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(secretRow);
    layout->addWidget(exampleLabel);
    layout->addWidget(m_example);
    layout->addWidget(buttons);
}

} // namespace manifold
