#include "clientmapview.h"

#include <algorithm>
#include <cmath>

#include <QAccessible>
#include <QKeyEvent>
#include <QMouseEvent>

#include "models/clientmapmodel.h"

namespace manifold {

namespace {

constexpr qreal kMinColumnWidth = 80;
constexpr qreal kColumnShare = 0.36; // of the width, each column; the rest is for the edges
constexpr qreal kMaxColumnWidth = 300;
constexpr qreal kThinnestEdge = 1.5;
constexpr qreal kThickestEdge = 10;

} // namespace

ClientMapView::ClientMapView(ClientMapModel *model, QWidget *parent)
    : QWidget(parent), m_model(model)
{
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    setAccessibleName(tr("Clients and servers map"));
    if (model)
        connect(model, &ClientMapModel::sessionsUpdated, this, &ClientMapView::rebuild);
    rebuild();
}

// Takes the model's summary again; keeps the current node if it still exists.
void ClientMapView::rebuild()
{
    const Node previous =
        m_current >= 0 && m_current < m_nodes.size() ? m_nodes.at(m_current) : Node{};
    m_nodes.clear();
    m_edges.clear();
    if (m_model) {
        const auto clients = m_model->clients();
        const auto instances = m_model->instances();
        for (const auto &client : clients) {
            QStringList executables = client.executables;
            executables.removeAll(client.name);
            const QStringList detail = executables + client.projects;
            m_nodes.append(Node{Node::Client,
                                client.name,
                                detail.join(QStringLiteral(" · ")),
                                {},
                                {},
                                client.sessions,
                                client.requests,
                                {},
                                executables.join(QStringLiteral(" · "))});
        }
        for (const auto &instance : instances)
            m_nodes.append(Node{Node::Instance,
                                instance.server,
                                ClientMapModel::instanceText(instance.key),
                                instance.server,
                                instance.key,
                                instance.sessions,
                                instance.requests,
                                {},
                                {}});
        const auto edges = m_model->edges();
        for (const auto &edge : edges)
            m_edges.append(Edge{edge.client, int(clients.size()) + edge.instance, edge.sessions,
                                edge.requests, 1});
    }
    const auto same = std::find_if(m_nodes.cbegin(), m_nodes.cend(), [&previous](const Node &node) {
        return node.kind == previous.kind && node.name == previous.name &&
               node.instanceKey == previous.instanceKey;
    });
    const int current = same != m_nodes.cend() ? int(same - m_nodes.cbegin())
                        : m_nodes.isEmpty()
                            ? -1
                            : std::min(std::max(m_current, 0), int(m_nodes.size()) - 1);
    m_hovered = -1;
    const bool changed = current != m_current;
    m_current = current;
    relayout();
    setMinimumHeight(int(std::ceil(contentHeight())));
    updateGeometry();
    updateAccessibleText();
    update();
    if (changed)
        emit currentNodeChanged(m_current);
}

qreal ClientMapView::nodeHeight() const
{
    return 2 * fontMetrics().height() + 14;
}

qreal ClientMapView::contentHeight() const
{
    const int clients = clientCount();
    const int longest = std::max(clients, int(m_nodes.size()) - clients);
    const qreal gap = fontMetrics().height();
    return 2 * gap + longest * nodeHeight() + std::max(0, longest - 1) * gap;
}

int ClientMapView::clientCount() const
{
    return int(std::count_if(m_nodes.cbegin(), m_nodes.cend(),
                             [](const Node &n) { return n.kind == Node::Client; }));
}

// Places the two columns, each centred vertically, and sizes the edges.
void ClientMapView::relayout()
{
    const qreal gap = fontMetrics().height();
    const qreal columnWidth =
        std::clamp((width() - 2 * gap) * kColumnShare, kMinColumnWidth, kMaxColumnWidth);
    const qreal height = nodeHeight();
    const int clients = clientCount();
    const qreal total = std::max(contentHeight(), qreal(this->height()));
    for (int column = 0; column < 2; ++column) {
        const int first = column == 0 ? 0 : clients;
        const int count = column == 0 ? clients : int(m_nodes.size()) - clients;
        const qreal used = count * height + std::max(0, count - 1) * gap;
        const qreal x = column == 0 ? gap : width() - gap - columnWidth;
        qreal y = (total - used) / 2;
        for (int i = first; i < first + count; ++i, y += height + gap)
            m_nodes[i].rect = QRectF(x, y, columnWidth, height);
    }
    qint64 mostRequests = 1;
    for (const Edge &edge : std::as_const(m_edges))
        mostRequests = std::max(mostRequests, edge.requests);
    for (Edge &edge : m_edges) {
        // By sessions: one session is a thin line, each more adds a step. By requests: relative
        // to the busiest pair, on a square-root scale so quiet pairs stay visible.
        const qreal width =
            m_weight == Weight::Sessions
                ? kThinnestEdge + 2.0 * (edge.sessions - 1)
                : kThinnestEdge + (kThickestEdge - kThinnestEdge) *
                                      std::sqrt(qreal(edge.requests) / qreal(mostRequests));
        edge.width = std::clamp(width, kThinnestEdge, kThickestEdge);
    }
}

void ClientMapView::setCurrentNode(int node)
{
    if (node < -1 || node >= m_nodes.size() || node == m_current)
        return;
    m_current = node;
    updateAccessibleText();
    update();
    emit currentNodeChanged(node);
}

void ClientMapView::setEdgeWeight(Weight weight)
{
    if (weight == m_weight)
        return;
    m_weight = weight;
    relayout();
    update();
}

int ClientMapView::highlightedNode() const
{
    if (m_hovered >= 0)
        return m_hovered;
    return hasFocus() ? m_current : -1;
}

bool ClientMapView::isHighlighted(const Edge &edge) const
{
    const int node = highlightedNode();
    return node >= 0 && (edge.from == node || edge.to == node);
}

QString ClientMapView::nodeText(int node) const
{
    if (node < 0 || node >= m_nodes.size())
        return {};
    const Node &n = m_nodes.at(node);
    QStringList partners;
    for (const Edge &edge : m_edges) {
        if (n.kind == Node::Client && edge.from == node) {
            const Node &to = m_nodes.at(edge.to);
            //: A server instance a client uses: "memory (shared)"
            partners.append(tr("%1 (%2)").arg(to.name, to.detail));
        } else if (n.kind == Node::Instance && edge.to == node) {
            const Node &from = m_nodes.at(edge.from);
            //: A client of an instance with its number of sessions: "claude-code ×2"
            partners.append(edge.sessions > 1 ? tr("%1 ×%2").arg(from.name).arg(edge.sessions)
                                              : from.name);
        }
    }
    const QString sessions = tr("%n session(s)", nullptr, n.sessions);
    if (n.kind == Node::Client)
        //: A client on the map: name, sessions, the instances it uses
        return tr("%1: %2, uses %3").arg(n.name, sessions, partners.join(QStringLiteral(", ")));
    //: An instance on the map: server (instance), sessions, its clients
    return tr("%1 (%2): %3, used by %4")
        .arg(n.name, n.detail, sessions, partners.join(QStringLiteral(", ")));
}

QString ClientMapView::summary() const
{
    const int clients = clientCount();
    if (clients == 0)
        return tr("No client is connected.");
    QStringList details;
    for (int node = clients; node < m_nodes.size(); ++node)
        details.append(nodeText(node));
    //: The map's description: "3 client applications" "use" "2 server instances": details
    return tr("%1 use %2: %3")
        .arg(tr("%n client application(s)", nullptr, clients),
             tr("%n server instance(s)", nullptr, int(m_nodes.size()) - clients),
             details.join(QStringLiteral("; ")));
}

void ClientMapView::updateAccessibleText()
{
    QString description = summary();
    if (m_current >= 0)
        description += QLatin1Char('\n') + tr("Selected: %1").arg(nodeText(m_current));
    setAccessibleDescription(description);
    if (QAccessible::isActive()) {
        QAccessibleEvent event(this, QAccessible::DescriptionChanged);
        QAccessible::updateAccessibility(&event);
    }
}

QSize ClientMapView::sizeHint() const
{
    return QSize(560, std::max(240, int(std::ceil(contentHeight()))));
}

QSize ClientMapView::minimumSizeHint() const
{
    const int gap = fontMetrics().height();
    return QSize(int(3 * kMinColumnWidth) + 2 * gap, int(std::ceil(contentHeight())));
}

int ClientMapView::nodeAt(const QPointF &point) const
{
    for (int node = 0; node < m_nodes.size(); ++node) {
        if (m_nodes.at(node).rect.contains(point))
            return node;
    }
    return -1;
}

// The node across the columns: the first one it is joined to, else the one at the same place.
int ClientMapView::neighbour(int node, bool towardsInstances) const
{
    for (const Edge &edge : m_edges) {
        if (towardsInstances && edge.from == node)
            return edge.to;
        if (!towardsInstances && edge.to == node)
            return edge.from;
    }
    const int clients = clientCount();
    if (towardsInstances)
        return clients < m_nodes.size() ? std::min(clients + node, int(m_nodes.size()) - 1) : node;
    return clients > 0 ? std::min(node - clients, clients - 1) : node;
}

void ClientMapView::activate(int node)
{
    if (node < 0 || node >= m_nodes.size())
        return;
    const Node &n = m_nodes.at(node);
    if (n.kind == Node::Instance)
        emit openTraffic(n.server);
    else
        emit clientActivated(n.name);
}

void ClientMapView::keyPressEvent(QKeyEvent *event)
{
    if (m_nodes.isEmpty()) {
        QWidget::keyPressEvent(event);
        return;
    }
    const int clients = clientCount();
    const int current = std::max(m_current, 0);
    const bool isClient = current < clients;
    const int first = isClient ? 0 : clients;
    const int last = isClient ? clients - 1 : int(m_nodes.size()) - 1;
    switch (event->key()) {
    case Qt::Key_Up:
        setCurrentNode(std::max(first, current - 1));
        break;
    case Qt::Key_Down:
        setCurrentNode(std::min(last, m_current < 0 ? 0 : current + 1));
        break;
    case Qt::Key_Home:
        setCurrentNode(first);
        break;
    case Qt::Key_End:
        setCurrentNode(last);
        break;
    case Qt::Key_Right:
        setCurrentNode(isClient ? neighbour(current, true) : current);
        break;
    case Qt::Key_Left:
        setCurrentNode(isClient ? current : neighbour(current, false));
        break;
    case Qt::Key_Return:
    case Qt::Key_Enter:
    case Qt::Key_Space:
        activate(m_current);
        break;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    event->accept();
}

void ClientMapView::mouseMoveEvent(QMouseEvent *event)
{
    const int node = nodeAt(event->position());
    if (node != m_hovered) {
        m_hovered = node;
        setToolTip(nodeText(node));
        update();
    }
    QWidget::mouseMoveEvent(event);
}

void ClientMapView::mousePressEvent(QMouseEvent *event)
{
    const int node = nodeAt(event->position());
    if (node >= 0 && event->button() == Qt::LeftButton)
        setCurrentNode(node);
    QWidget::mousePressEvent(event);
}

void ClientMapView::mouseDoubleClickEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton)
        activate(nodeAt(event->position()));
}

void ClientMapView::leaveEvent(QEvent *event)
{
    m_hovered = -1;
    update();
    QWidget::leaveEvent(event);
}

void ClientMapView::focusInEvent(QFocusEvent *event)
{
    if (m_current < 0 && !m_nodes.isEmpty())
        setCurrentNode(0);
    update();
    QWidget::focusInEvent(event);
}

void ClientMapView::focusOutEvent(QFocusEvent *event)
{
    update();
    QWidget::focusOutEvent(event);
}

void ClientMapView::resizeEvent(QResizeEvent *event)
{
    relayout();
    QWidget::resizeEvent(event);
}

void ClientMapView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange) {
        relayout();
        setMinimumHeight(int(std::ceil(contentHeight())));
        updateGeometry();
    }
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange)
        update();
    QWidget::changeEvent(event);
}

} // namespace manifold
