#include "httpfrontdoorpage.h"

#include "httptokensbox.h"
#include "statecolors.h"

#include "control/brokerview.h"

#include <QApplication>
#include <QCheckBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHostAddress>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace manifold {

namespace {

constexpr int DefaultPort = 47821; // http::HttpSettings::DefaultPort

void setErrorColour(QLabel *label, bool error)
{
    QPalette palette = label->palette();
    palette.setColor(QPalette::WindowText,
                     error ? StateColors::forState(QStringLiteral("failed"), false, palette)
                           : QApplication::palette(label).color(QPalette::WindowText));
    label->setPalette(palette);
}

// The settings part of an http/status object, in the shape settingsParams() gives.
QJsonObject settingsOf(const QJsonObject &status)
{
    const QJsonObject tls = status.value(QLatin1String("tls")).toObject();
    return {{QStringLiteral("address"),
             status.value(QLatin1String("address")).toString(QStringLiteral("127.0.0.1"))},
            {QStringLiteral("port"), status.value(QLatin1String("port")).toInt(DefaultPort)},
            {QStringLiteral("allowNoToken"), status.value(QLatin1String("allowNoToken")).toBool()},
            {QStringLiteral("tls"),
             QJsonObject{{QStringLiteral("certificate"),
                          tls.value(QLatin1String("certificate")).toString()},
                         {QStringLiteral("key"), tls.value(QLatin1String("key")).toString()}}},
            {QStringLiteral("behindProxy"), status.value(QLatin1String("behindProxy")).toBool()}};
}

} // namespace

HttpFrontDoorPage::HttpFrontDoorPage(BrokerView *view, QWidget *parent)
    : QWidget(parent), m_view(view),
      m_enabled(new QCheckBox(tr("&Serve the MCP servers over HTTP"), this)),
      m_address(new QLineEdit(this)), m_port(new QSpinBox(this)),
      m_allowNoToken(new QCheckBox(tr("Accept requests &without a token (loopback only)"), this)),
      m_noTokenWarning(new QLabel(this)), m_certificate(new QLineEdit(this)),
      m_key(new QLineEdit(this)),
      m_behindProxy(new QCheckBox(tr("Behind my reverse &proxy (it terminates TLS)"), this)),
      m_state(new QLabel(this)), m_apply(new QPushButton(tr("&Apply"), this)),
      m_tokens(new HttpTokensBox(view, this))
{
    m_enabled->setToolTip(
        tr("Clients that speak HTTP reach each server at http://ADDRESS:PORT/mcp/NAME "
           "(and the older /sse/NAME), sharing its process with the shim's clients."));
    m_address->setPlaceholderText(QStringLiteral("127.0.0.1"));
    m_address->setToolTip(
        tr("The IP address to listen on: 127.0.0.1 or ::1 for this computer only."));
    m_port->setRange(1, 65535);
    m_port->setValue(DefaultPort);
    m_allowNoToken->setToolTip(
        tr("Without a token every user and program on this computer can reach your MCP servers."));
    m_noTokenWarning->setText(
        tr("Every user of this computer, and every program they run, can then reach your MCP "
           "servers and act with their permissions."));
    m_noTokenWarning->setWordWrap(true);
    setErrorColour(m_noTokenWarning, true);
    m_certificate->setPlaceholderText(tr("PEM file: the certificate, then any intermediates"));
    m_key->setPlaceholderText(tr("PEM file: its private key, not encrypted"));
    m_behindProxy->setToolTip(tr("Plain HTTP on this address, for a reverse proxy of yours that "
                                 "serves HTTPS in front of it."));
    m_state->setWordWrap(true);
    m_state->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_state->setAccessibleName(tr("Front door state"));
    auto *tlsHint = new QLabel(
        tr("An address other than loopback needs a TLS certificate and key, or a reverse "
           "proxy of yours in front that terminates TLS."),
        this);
    tlsHint->setWordWrap(true);
    tlsHint->setForegroundRole(QPalette::PlaceholderText);

    auto *form = new QFormLayout;
    form->addRow(m_enabled);
    form->addRow(tr("A&ddress:"), m_address);
    form->addRow(tr("P&ort:"), m_port);
    form->addRow(tr("State:"), m_state);
    form->addRow(m_allowNoToken);
    form->addRow(m_noTokenWarning);
    form->addRow(tlsHint);
    form->addRow(tr("TLS &certificate:"), fileRow(m_certificate, tr("TLS Certificate")));
    form->addRow(tr("TLS private &key:"), fileRow(m_key, tr("TLS Private Key")));
    form->addRow(m_behindProxy);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(m_apply);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(buttons);
    layout->addWidget(m_tokens, 1);

    for (QCheckBox *box : {m_enabled, m_allowNoToken, m_behindProxy})
        connect(box, &QCheckBox::toggled, this, &HttpFrontDoorPage::onEdited);
    for (QLineEdit *field : {m_address, m_certificate, m_key})
        connect(field, &QLineEdit::textChanged, this, &HttpFrontDoorPage::onEdited);
    connect(m_port, &QSpinBox::valueChanged, this, &HttpFrontDoorPage::onEdited);
    connect(m_apply, &QPushButton::clicked, this, &HttpFrontDoorPage::apply);
    connect(m_tokens, &HttpTokensBox::tokensChanged, this, &HttpFrontDoorPage::refresh);

    fillFields({});
    updateState();
    updateControls();
    refresh();
}

QWidget *HttpFrontDoorPage::fileRow(QLineEdit *field, const QString &title)
{
    auto *row = new QWidget(this);
    auto *browse = new QPushButton(tr("Browse…"), row);
    browse->setAccessibleName(tr("Browse for %1").arg(title));
    connect(browse, &QPushButton::clicked, this, [this, field, title] {
        const QString file =
            QFileDialog::getOpenFileName(this, title, QFileInfo(field->text()).path(),
                                         tr("PEM files (*.pem *.crt *.cer *.key);;All files (*)"));
        if (!file.isEmpty())
            field->setText(file);
    });
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(field, 1);
    layout->addWidget(browse);
    row->setFocusProxy(field); // the form label's mnemonic lands in the field
    return row;
}

void HttpFrontDoorPage::refresh()
{
    if (!m_view)
        return;
    const QPointer<HttpFrontDoorPage> self(this);
    m_view->call(QStringLiteral("http/status"), {},
                 [self](bool ok, const QJsonObject &status, const QString &error) {
                     if (!self)
                         return;
                     if (ok)
                         self->onStatus(status);
                     else if (self->m_status.isEmpty())
                         self->m_state->setText(
                             tr("The broker did not tell the front door's state: %1").arg(error));
                 });
}

void HttpFrontDoorPage::onStatus(const QJsonObject &status)
{
    const bool first = m_status.isEmpty();
    const bool edited = !first && isEdited();
    m_status = status;
    if (first || !edited)
        fillFields(status);
    m_tokens->setStatus(status);
    updateState();
    updateControls();
}

void HttpFrontDoorPage::fillFields(const QJsonObject &status)
{
    const QJsonObject settings = settingsOf(status);
    const QString applyError = m_applyError; // filling is not the user editing
    m_enabled->setChecked(status.value(QLatin1String("enabled")).toBool());
    m_address->setText(settings.value(QLatin1String("address")).toString());
    m_port->setValue(settings.value(QLatin1String("port")).toInt());
    m_allowNoToken->setChecked(settings.value(QLatin1String("allowNoToken")).toBool());
    const QJsonObject tls = settings.value(QLatin1String("tls")).toObject();
    m_certificate->setText(tls.value(QLatin1String("certificate")).toString());
    m_key->setText(tls.value(QLatin1String("key")).toString());
    m_behindProxy->setChecked(settings.value(QLatin1String("behindProxy")).toBool());
    m_applyError = applyError;
}

QJsonObject HttpFrontDoorPage::settingsParams() const
{
    return {{QStringLiteral("address"), m_address->text().trimmed()},
            {QStringLiteral("port"), m_port->value()},
            {QStringLiteral("allowNoToken"), m_allowNoToken->isChecked()},
            {QStringLiteral("tls"),
             QJsonObject{{QStringLiteral("certificate"), m_certificate->text().trimmed()},
                         {QStringLiteral("key"), m_key->text().trimmed()}}},
            {QStringLiteral("behindProxy"), m_behindProxy->isChecked() && !isLoopback()}};
}

bool HttpFrontDoorPage::isEdited() const
{
    if (m_status.isEmpty())
        return false;
    return m_enabled->isChecked() != m_status.value(QLatin1String("enabled")).toBool() ||
           settingsParams() != settingsOf(m_status);
}

bool HttpFrontDoorPage::isLoopback() const
{
    return QHostAddress(m_address->text().trimmed()).isLoopback();
}

QString HttpFrontDoorPage::validationError() const
{
    const QString address = m_address->text().trimmed();
    if (QHostAddress(address).isNull())
        return tr("“%1” is not an IP address. Use 127.0.0.1 to serve this computer only.")
            .arg(address);
    if (!m_enabled->isChecked())
        return {}; // turning it off: the rest matters the next time it is turned on
    if (m_allowNoToken->isChecked() && !isLoopback())
        return tr(
            "Requests without a token are accepted only on a loopback address (127.0.0.1 or ::1).");
    const QString certificate = m_certificate->text().trimmed();
    const QString key = m_key->text().trimmed();
    if (certificate.isEmpty() != key.isEmpty())
        return tr("Give both the TLS certificate and its private key, or neither.");
    if (!certificate.isEmpty() && !QFileInfo(certificate).isReadable())
        return tr("Cannot read the certificate file “%1”.").arg(certificate);
    if (!key.isEmpty() && !QFileInfo(key).isReadable())
        return tr("Cannot read the private key file “%1”.").arg(key);
    if (!isLoopback() && certificate.isEmpty() && !m_behindProxy->isChecked())
        return tr("On %1 the tokens would cross the network in clear: give a TLS certificate and "
                  "key, or tick "
                  "“Behind my reverse proxy” if a proxy of yours in front terminates TLS.")
            .arg(address);
    return {};
}

void HttpFrontDoorPage::apply()
{
    if (!m_view || m_applying)
        return;
    m_applyError = validationError();
    if (!m_applyError.isEmpty()) {
        updateState();
        emit applied(false);
        return;
    }
    m_applying = true;
    updateState();
    updateControls();
    const QString method =
        m_enabled->isChecked() ? QStringLiteral("http/enable") : QStringLiteral("http/disable");
    const QPointer<HttpFrontDoorPage> self(this);
    m_view->call(
        method, settingsParams(), [self](bool ok, const QJsonObject &status, const QString &error) {
            if (!self)
                return;
            self->m_applying = false;
            if (ok) {
                self->m_applyError.clear();
                self->fillFields(status);
                self->onStatus(status);
            } else {
                // The fields keep the user's values; the broker's state is read again for the
                // label.
                self->m_applyError = error.isEmpty() ? tr("The broker refused the change.") : error;
                self->updateState();
                self->updateControls();
                self->refresh();
            }
            emit self->applied(ok);
        });
}

void HttpFrontDoorPage::onEdited()
{
    if (!m_status.isEmpty() && isEdited())
        m_applyError.clear();
    updateState();
    updateControls();
}

void HttpFrontDoorPage::updateState()
{
    QString text;
    bool error = false;
    const QString statusError = m_status.value(QLatin1String("error")).toString();
    if (!m_applyError.isEmpty()) {
        text = m_applyError;
        error = true;
    } else if (m_applying) {
        text = tr("Applying…");
    } else if (!m_view) {
        text = tr("No broker is running.");
    } else if (m_status.isEmpty()) {
        text = tr("Asking the broker…");
    } else if (m_status.value(QLatin1String("listening")).toBool()) {
        text = tr("Listening at %1").arg(m_status.value(QLatin1String("url")).toString());
    } else if (m_status.value(QLatin1String("enabled")).toBool()) {
        text =
            statusError.isEmpty() ? tr("Not listening.") : tr("Not listening: %1").arg(statusError);
        error = true;
    } else {
        text = tr("Off: clients reach the servers through manifold-shim only.");
    }
    m_state->setText(text);
    setErrorColour(m_state, error);
}

void HttpFrontDoorPage::updateControls()
{
    const bool ready = m_view && !m_status.isEmpty();
    for (QWidget *field : std::initializer_list<QWidget *>{m_enabled, m_address, m_port,
                                                           m_allowNoToken, m_certificate, m_key})
        field->setEnabled(ready);
    m_behindProxy->setEnabled(ready && !isLoopback());
    m_noTokenWarning->setVisible(m_allowNoToken->isChecked());
    m_tokens->setEnabled(ready);
    const bool failing =
        m_enabled->isChecked() && !m_status.value(QLatin1String("listening")).toBool();
    m_apply->setEnabled(ready && !m_applying && (isEdited() || failing));
}

} // namespace manifold
