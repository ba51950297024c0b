#include "aboutdialog.h"

#include "control/brokerview.h"
#include "manifold/version.h"

#include <QApplication>
#include <QDialogButtonBox>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>

namespace manifold {

AboutDialog::AboutDialog(BrokerView *view, QWidget *parent)
    : QDialog(parent), m_view(view), m_broker(new QLabel(this))
{
    setObjectName(QStringLiteral("aboutDialog"));
    setWindowTitle(tr("About Manifold"));
    auto *layout = new QVBoxLayout(this);

    auto *title = new QLabel(this);
    title->setObjectName(QStringLiteral("aboutTitle"));
    title->setText(QStringLiteral("<h2>Manifold %1</h2>").arg(QLatin1String(versionString())));
    layout->addWidget(title);

    auto *summary = new QLabel(
        tr("One running process per MCP server, shared by every MCP client on this computer."),
        this);
    summary->setWordWrap(true);
    layout->addWidget(summary);

    m_broker->setObjectName(QStringLiteral("aboutBroker"));
    m_broker->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_broker->setWordWrap(true);
    layout->addWidget(m_broker);

    auto *qt = new QLabel(tr("Built with Qt %1, running on Qt %2.")
                              .arg(QLatin1String(QT_VERSION_STR), QLatin1String(qVersion())),
                          this);
    layout->addWidget(qt);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *aboutQt = buttons->addButton(tr("About &Qt"), QDialogButtonBox::HelpRole);
    connect(aboutQt, &QPushButton::clicked, this, [this] { QMessageBox::aboutQt(this); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    connect(m_view, &BrokerView::connected, this, &AboutDialog::refresh);
    connect(m_view, &BrokerView::disconnected, this, &AboutDialog::refresh);
    refresh();
}

QString AboutDialog::brokerText(const QJsonObject &status, bool connected)
{
    if (!connected)
        return tr("Not connected to a broker.");
    const QJsonObject broker = status.value(QStringLiteral("broker")).toObject();
    const QString version = broker.value(QStringLiteral("version")).toString();
    QString text = tr("Broker: version %1, process %2, socket %3")
                       .arg(version)
                       .arg(broker.value(QStringLiteral("pid")).toInteger())
                       .arg(broker.value(QStringLiteral("socket")).toString());
    const QString source = broker.value(QStringLiteral("socketSource")).toString();
    if (!source.isEmpty() && source != QLatin1String("default"))
        text += QLatin1Char('\n') + tr("The socket was chosen with %1: clients that do not pass it on reach "
                                       "the per-user default broker instead.")
                                        .arg(source);
    text += QLatin1Char('\n') +
            tr("Servers file: %1").arg(broker.value(QStringLiteral("configFile")).toString());
    if (version != QLatin1String(versionString()))
        text += QLatin1Char('\n') + tr("The running broker is not this window's version (%1): quit "
                                       "Manifold and start it again "
                                       "to finish the upgrade.")
                                        .arg(QLatin1String(versionString()));
    return text;
}

void AboutDialog::refresh()
{
    m_broker->setText(brokerText(m_view->status(), m_view->isConnected()));
}

} // namespace manifold
