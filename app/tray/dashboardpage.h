#pragma once

#include <QList>
#include <QScrollArea>

class QGridLayout;
class QLabel;
class QModelIndex;

namespace manifold {

class BrokerView;
class HealthFeed;
class HealthModel;
class ServerCard;

// The window's first page: a card per server (ServerCard) in a grid that reflows with the
// window's width, fed by the view's shared HealthFeed. Enter or a double click on a card asks
// for that server's traffic.
class DashboardPage final : public QScrollArea
{
    Q_OBJECT

public:
    explicit DashboardPage(BrokerView *view, QWidget *parent = nullptr);

    HealthModel *model() const { return m_model; }
    HealthFeed *feed() const { return m_feed; }
    QList<ServerCard *> cards() const { return m_cards; }
    ServerCard *card(const QString &server) const;
    // The dashed "slow" line on the latency charts (remembered in QSettings).
    void setSlowThresholdMs(double ms);
    double slowThresholdMs() const { return m_slowMs; }
    // Columns of cards shown now; a card is at least minimumCardWidth() wide.
    int columns() const { return m_columns; }
    static int minimumCardWidth();

signals:
    void openTraffic(const QString &server);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void onRowsInserted(const QModelIndex &parent, int first, int last);
    void onRowsRemoved(const QModelIndex &parent, int first, int last);
    void relayout();
    int columnsFor(int width) const;

    HealthModel *m_model;
    HealthFeed *m_feed;
    QWidget *m_content;
    QGridLayout *m_grid;
    QLabel *m_empty;
    QList<ServerCard *> m_cards; // in model order
    int m_columns = 0;
    double m_slowMs = 2000;
};

} // namespace manifold
