#pragma once

#include <QWidget>

class QComboBox;
class QModelIndex;
class QSplitter;
class QTreeView;

namespace manifold {

class BrokerView;
class ClientMapModel;
class ClientMapView;

// The "Who uses what" page: the painted clients map beside a tree of the same sessions (the
// keyboard and screen reader way through it), grouped by client or by server. Activating a
// session or a server asks the window to show it. Splitter, columns, grouping and edge weight
// are remembered.
class ClientMapPage final : public QWidget
{
    Q_OBJECT

public:
    explicit ClientMapPage(BrokerView *view, QWidget *parent = nullptr);
    ~ClientMapPage() override;

    ClientMapModel *model() const { return m_model; }
    ClientMapView *map() const { return m_map; }
    QTreeView *tree() const { return m_tree; }
    QComboBox *groupingBox() const { return m_grouping; }
    QComboBox *weightBox() const { return m_weight; }
    QSplitter *splitter() const { return m_splitter; }

    void saveState() const;

signals:
    void openTraffic(const QString &server);
    void openSession(const QString &server, qint64 sessionId);

private:
    void restoreState();
    void onGroupingChanged();
    void onWeightChanged();
    void onActivated(const QModelIndex &index);
    void onClientActivated(const QString &client);

    ClientMapModel *m_model;
    ClientMapView *m_map;
    QTreeView *m_tree;
    QComboBox *m_grouping;
    QComboBox *m_weight;
    QSplitter *m_splitter;
};

} // namespace manifold
