#pragma once

#include <QDialog>

class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace manifold {

// Shows a new front door token's secret, the one time it exists outside the client: read-only,
// with a Copy button, the header to paste into a client's configuration and the URL.
class TokenSecretDialog final : public QDialog
{
    Q_OBJECT

public:
    // url: the front door's URL pattern, ".../mcp/NAME" (from http/status).
    TokenSecretDialog(const QString &tokenName, const QString &secret, const QString &url,
                      QWidget *parent = nullptr);

    QLineEdit *secretField() const { return m_secret; }
    QPlainTextEdit *exampleField() const { return m_example; }
    QPushButton *copyButton() const { return m_copy; }

private:
    QLineEdit *m_secret;
    QPlainTextEdit *m_example;
    QPushButton *m_copy;
};

} // namespace manifold
