#pragma once

#include <QDialog>

class QJsonObject;
class QLabel;

namespace manifold {

class BrokerView;

// Help > About Manifold: this program's version, the broker's (which can differ while an
// upgrade is unfinished), Qt's, and where Manifold keeps its files.
class AboutDialog final : public QDialog
{
    Q_OBJECT

public:
    explicit AboutDialog(BrokerView *view, QWidget *parent = nullptr);

    // Rich text describing the broker the window is attached to, or that none is.
    static QString brokerText(const QJsonObject &status, bool connected);

private:
    void refresh();

    BrokerView *m_view;
    QLabel *m_broker;
};

} // namespace manifold
