#pragma once

#include "models/trafficrow.h"

#include <QPointer>
#include <QWidget>

class QAction;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QSplitter;
class QToolButton;
class QTreeView;

namespace manifold {

class BrokerView;
class JsonDetail;
class TrafficExport;
class TrafficFeed;
class TrafficModel;

// The live traffic of one server ("" = all servers): a filtered table of the messages the
// broker relays, fed at 10 Hz while the page is visible, and the selected message's metadata
// and body below it. Pause with Space or the button; export as JSON Lines.
class TrafficPage final : public QWidget
{
    Q_OBJECT

public:
    explicit TrafficPage(BrokerView *view, const QString &server = {}, QWidget *parent = nullptr);
    ~TrafficPage() override;

    // Shows another server's traffic (from its oldest kept record); "" = all servers.
    void setServer(const QString &name);
    QString server() const { return m_server; }

    // Writes the chosen rows / everything the broker keeps to a JSON Lines file; the Export
    // menu asks for the file name first. False: could not start (see exportError()).
    bool exportSelection(const QString &path);
    bool exportAllKept(const QString &path);
    QString exportError() const;

    TrafficFeed *feed() const { return m_feed; }
    TrafficModel *model() const { return m_model; }
    TrafficExport *exporter() const { return m_export; }
    QTreeView *table() const { return m_table; }
    JsonDetail *detail() const { return m_detail; }
    QPushButton *pauseButton() const { return m_pause; }
    QComboBox *clientFilter() const { return m_client; }
    QLineEdit *methodFilter() const { return m_method; }
    QCheckBox *errorsOnly() const { return m_errorsOnly; }
    QCheckBox *slowOnly() const { return m_slowOnly; }
    QSpinBox *slowThreshold() const { return m_threshold; }
    QCheckBox *captureBodies() const { return m_capture; }
    QLabel *droppedLabel() const { return m_droppedLabel; }
    QAction *exportSelectionAction() const { return m_exportSelection; }
    QAction *exportAllAction() const { return m_exportAll; }

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void setDefaultColumnWidths();
    QWidget *createToolbar();
    QWidget *createDetail();
    void onRecordsArrived(const TrafficRows &rows);
    void onDropped(qint64 missed, qint64 skipped);
    void onPauseToggled(bool paused);
    void applyFilter();
    void updateCaptureBox();
    void setCapture(const QString &server, bool on);
    void showDetail();
    void onClear();
    void chooseExportFile(bool selectionOnly);
    void updateStatusLabel();
    void saveLayout() const;
    bool capturesBodies(const QString &server) const;

    QPointer<BrokerView> m_view;
    QString m_server;
    TrafficFeed *m_feed;
    TrafficModel *m_model;
    TrafficExport *m_export;
    QPushButton *m_pause = nullptr;
    QComboBox *m_client = nullptr;
    QLineEdit *m_method = nullptr;
    QCheckBox *m_errorsOnly = nullptr;
    QCheckBox *m_slowOnly = nullptr;
    QSpinBox *m_threshold = nullptr;
    QCheckBox *m_capture = nullptr;
    QToolButton *m_exportButton = nullptr;
    QAction *m_exportSelection = nullptr;
    QAction *m_exportAll = nullptr;
    QPushButton *m_clear = nullptr;
    QTreeView *m_table = nullptr;
    QLabel *m_droppedLabel = nullptr;
    QSplitter *m_splitter = nullptr;
    QList<QLabel *> m_metaValues; // one per model column, then the kind
    QWidget *m_captureHint = nullptr;
    QLabel *m_captureHintText = nullptr;
    QPushButton *m_captureHintButton = nullptr;
    JsonDetail *m_detail = nullptr;
    qint64 m_missed = 0;
    qint64 m_skipped = 0;
    quint64 m_bodyRequest = 0;
    QString m_pollError; // the last failed poll's, until records arrive again
};

} // namespace manifold
