#pragma once

#include <QList>
#include <QPointer>
#include <QRectF>
#include <QWidget>

class QFontMetricsF;
class QPainter;

namespace manifold {

class ClientMapModel;

// Who uses what, drawn: client applications in a left column, server instances in a right
// column, and an edge for every (application, instance) pair whose width grows with the
// sessions (or requests) between them. Hovering or selecting a node highlights its edges.
// Keyboard: arrows move between nodes (Left/Right across columns), Enter opens the node.
// The layout is public so tests check geometry rather than pixels.
class ClientMapView final : public QWidget
{
    Q_OBJECT

public:
    struct Node
    {
        enum Kind { Client, Instance };
        Kind kind = Client;
        QString name;        // client application, or server
        QString detail;      // executables and projects, or the instance key for people
        QString server;      // Instance only
        QString instanceKey; // Instance only
        int sessions = 0;
        qint64 requests = 0;
        QRectF rect; // in widget coordinates (device-independent pixels)
        QString detailLead; // Client only: the executables at the start of detail, before the paths
    };
    struct Edge
    {
        int from = -1; // index of a Client node
        int to = -1;   // index of an Instance node
        int sessions = 0;
        qint64 requests = 0;
        qreal width = 1; // pen width in device-independent pixels
    };
    enum class Weight { Sessions, Requests };

    explicit ClientMapView(ClientMapModel *model, QWidget *parent = nullptr);

    // Clients first (in the model's order), then instances.
    const QList<Node> &nodes() const { return m_nodes; }
    const QList<Edge> &edges() const { return m_edges; }
    int currentNode() const { return m_current; }
    void setCurrentNode(int node);
    int hoveredNode() const { return m_hovered; }
    // Edges of the hovered node, else of the current one while the map has focus.
    bool isHighlighted(const Edge &edge) const;
    void setEdgeWeight(Weight weight);
    Weight edgeWeight() const { return m_weight; }
    // "3 client applications use 2 server instances: ...", also the accessible description.
    QString summary() const;
    // One node for people: "Cursor: 2 sessions, memory (shared)".
    QString nodeText(int node) const;

    // The node's detail in that width: the executables whole, the paths after them elided on
    // the left ("node · …/projects/infra") so their meaningful end shows.
    static QString elidedDetail(const Node &node, const QFontMetricsF &metrics, qreal width);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

signals:
    void currentNodeChanged(int node);
    void openTraffic(const QString &server);     // Enter or double click on an instance
    void clientActivated(const QString &client); // Enter or double click on a client

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void focusInEvent(QFocusEvent *event) override;
    void focusOutEvent(QFocusEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void rebuild();
    void relayout();
    void updateAccessibleText();
    int nodeAt(const QPointF &point) const;
    void activate(int node);
    int highlightedNode() const;
    int clientCount() const;
    int neighbour(int node, bool towardsInstances) const;
    qreal nodeHeight() const;
    qreal contentHeight() const;
    void paintNode(QPainter &painter, int node) const;

    QPointer<ClientMapModel> m_model;
    QList<Node> m_nodes;
    QList<Edge> m_edges;
    Weight m_weight = Weight::Sessions;
    int m_current = -1;
    int m_hovered = -1;
};

} // namespace manifold
