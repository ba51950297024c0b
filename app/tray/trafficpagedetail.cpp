// TrafficPage's detail pane: the selected message's metadata and body.
#include "trafficpage.h"

#include "jsondetail.h"

#include "control/brokerview.h"
#include "models/trafficmodel.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTreeView>
#include <QVBoxLayout>

namespace manifold {

QWidget *TrafficPage::createDetail()
{
    auto *pane = new QWidget(this);
    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    for (int column = 0; column <= TrafficModel::ColumnCount; ++column) {
        auto *value = new QLabel(pane);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
        // The header's full word where the column shows an abbreviation.
        const QVariant fullName = m_model->headerData(column, Qt::Horizontal, Qt::AccessibleTextRole);
        const QString name = column == TrafficModel::ColumnCount ? tr("Kind")
                             : fullName.isValid()                ? fullName.toString()
                                                                 : m_model->headerData(column, Qt::Horizontal).toString();
        value->setAccessibleName(name);
        form->addRow(tr("%1:").arg(name), value);
        m_metaValues.append(value);
    }

    m_captureHint = new QWidget(pane);
    m_captureHintText = new QLabel(m_captureHint);
    m_captureHintText->setWordWrap(true);
    m_captureHintText->setAccessibleName(tr("Body capture"));
    m_captureHintButton = new QPushButton(m_captureHint);
    m_captureHintButton->setAccessibleName(tr("Turn on body capture"));
    auto *hint = new QHBoxLayout(m_captureHint);
    hint->setContentsMargins(0, 0, 0, 0);
    hint->addWidget(m_captureHintText, 1);
    hint->addWidget(m_captureHintButton);
    connect(m_captureHintButton, &QPushButton::clicked, this,
            [this] { setCapture(m_captureHintButton->property("server").toString(), true); });

    m_detail = new JsonDetail(pane);
    auto *body = new QVBoxLayout;
    body->addWidget(m_captureHint);
    body->addWidget(m_detail, 1);
    auto *layout = new QHBoxLayout(pane);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(form);
    layout->addLayout(body, 1);
    return pane;
}

void TrafficPage::showDetail()
{
    ++m_bodyRequest; // a body still on its way is for an older selection
    m_captureHint->hide();
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid()) {
        for (QLabel *value : std::as_const(m_metaValues))
            value->clear();
        m_detail->setMessage(tr("Select a message to see it here."));
        return;
    }
    const TrafficRow row = m_model->row(current.row());
    for (int column = 0; column < TrafficModel::ColumnCount; ++column) {
        const QModelIndex cell = m_model->index(current.row(), column);
        m_metaValues[column]->setText(cell.data(column == TrafficModel::DirectionColumn ? Qt::AccessibleTextRole
                                                                                          : Qt::DisplayRole)
                                          .toString());
    }
    m_metaValues[TrafficModel::ColumnCount]->setText(row.byBroker ? tr("%1, answered by Manifold")
                                                                        .arg(TrafficRow::kindName(row.kind))
                                                                  : TrafficRow::kindName(row.kind));

    if (row.hasBody && m_view) {
        m_detail->setMessage(tr("Loading…"));
        const quint64 request = m_bodyRequest;
        const QPointer<TrafficPage> self(this);
        m_view->call(QStringLiteral("trafficBody"),
                     {{QStringLiteral("name"), row.server}, {QStringLiteral("seq"), row.seq}},
                     [self, request](bool ok, const QJsonObject &result, const QString &error) {
                         if (!self || request != self->m_bodyRequest)
                             return;
                         if (ok)
                             self->m_detail->setBody(result.value(QLatin1String("body")).toString().toUtf8(),
                                                     result.value(QLatin1String("truncated")).toBool());
                         else
                             self->m_detail->setMessage(tr("The body is no longer kept (%1).").arg(error));
                     });
        return;
    }
    if (capturesBodies(row.server)) {
        m_detail->setMessage(tr("No body was kept for this message."));
        return;
    }
    m_detail->setMessage(tr("Message bodies are not captured for \"%1\".").arg(row.server));
    m_captureHintText->setText(tr("Bodies may hold secrets, so \"%1\" keeps only metadata. Turn on \"Capture bodies\" "
                                  "to keep the bodies of its next messages; known secret values are masked.")
                                   .arg(row.server));
    m_captureHintButton->setText(tr("Capture Bodies of \"%1\"").arg(row.server));
    m_captureHintButton->setProperty("server", row.server);
    m_captureHint->show();
}

} // namespace manifold
