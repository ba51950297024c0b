#pragma once

#include <QGroupBox>
#include <QJsonObject>

class QLabel;
class QPushButton;
class QTreeWidget;

namespace manifold {

class BrokerView;

// The front door's bearer tokens (http/status "tokens"): name, created, last used; "Add Token…"
// asks a name, calls http/tokenAdd and shows the secret once; "Revoke…" asks first, then calls
// http/tokenRevoke. The broker's errors (a name taken, an invalid name) are shown below the list.
class HttpTokensBox final : public QGroupBox
{
    Q_OBJECT

public:
    enum Column { NameColumn, CreatedColumn, LastUsedColumn, ColumnCount };

    explicit HttpTokensBox(BrokerView *view, QWidget *parent = nullptr);

    // The http/status object: its "tokens" fill the list, its "url" goes into the secret dialog.
    void setStatus(const QJsonObject &httpStatus);
    // Calls http/tokenAdd for this name; what the "Add Token…" prompt does once answered.
    void addToken(const QString &name);

    QTreeWidget *list() const { return m_list; }
    QPushButton *addButton() const { return m_add; }
    QPushButton *revokeButton() const { return m_revoke; }
    QLabel *messageLabel() const { return m_message; }

signals:
    void tokensChanged(); // a token was added or revoked: http/status has a new list

private:
    void onAdd();
    void onRevoke();
    void revoke(const QString &name);
    void showError(const QString &text);
    void updateButtons();

    BrokerView *m_view;
    QString m_url;
    QTreeWidget *m_list;
    QPushButton *m_add;
    QPushButton *m_revoke;
    QLabel *m_message;
};

} // namespace manifold
