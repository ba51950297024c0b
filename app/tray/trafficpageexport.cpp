// TrafficPage's Export menu: the selection or everything the broker keeps, as JSON Lines.
#include "trafficpage.h"

#include "trafficexport.h"

#include "models/trafficmodel.h"

#include <QFileDialog>
#include <QItemSelectionModel>
#include <QMessageBox>
#include <QTreeView>

#include <algorithm>

namespace manifold {

QString TrafficPage::exportError() const
{
    return m_export->errorString();
}

bool TrafficPage::exportSelection(const QString &path)
{
    QModelIndexList rows = m_table->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end());
    TrafficRows chosen;
    for (const QModelIndex &index : std::as_const(rows))
        chosen.append(m_model->row(index.row()));
    return m_export->exportRows(chosen, path);
}

bool TrafficPage::exportAllKept(const QString &path)
{
    return m_export->exportKept(m_server, path);
}

void TrafficPage::chooseExportFile(bool selectionOnly)
{
    const QString path = QFileDialog::getSaveFileName(this, selectionOnly ? tr("Export Selection") : tr("Export All Kept"),
                                                      QStringLiteral("traffic.jsonl"), tr("JSON Lines (*.jsonl)"));
    if (path.isEmpty())
        return;
    const bool started = selectionOnly ? exportSelection(path) : exportAllKept(path);
    if (!started)
        QMessageBox::warning(this, tr("Export"), tr("Could not export: %1").arg(exportError()));
}

} // namespace manifold
