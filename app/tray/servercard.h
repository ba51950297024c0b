#pragma once

#include <QFrame>
#include <QPointer>

class QGridLayout;
class QLabel;
class QModelIndex;

namespace manifold {

class HealthModel;
class Sparkline;

// One server's health at a glance: its name, a state dot and four charts of the last hour
// (calls/min, p95 latency with p50 beneath, errors/min, memory) with their current values.
// Compact on the dashboard, Large in the server's Health tab. Focusable; Enter or a double
// click asks for the server's traffic.
class ServerCard final : public QFrame
{
    Q_OBJECT

public:
    enum class Size { Compact, Large };

    ServerCard(HealthModel *model, const QString &server, Size size, QWidget *parent = nullptr);

    QString server() const { return m_server; }
    void setServer(const QString &server);
    // The latency chart's dashed "slow" line.
    void setSlowThresholdMs(double ms);

    Sparkline *callsChart() const { return m_calls; }
    Sparkline *latencyChart() const { return m_latency; }
    Sparkline *errorsChart() const { return m_errors; }
    Sparkline *memoryChart() const { return m_memory; }
    // "42 calls/min", "p95 220 ms · p50 80 ms", "3 errors/min", "12.3 MiB".
    QString callsText() const;
    QString latencyText() const;
    QString errorsText() const;
    QString memoryText() const;

    static QString formatMs(double ms);

signals:
    void openTraffic(const QString &server);

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void focusInEvent(QFocusEvent *event) override;
    void focusOutEvent(QFocusEvent *event) override;
    void changeEvent(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;

private:
    Sparkline *addChart(QGridLayout *grid, int row, const QString &title, QLabel **value);
    void refresh();
    void onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight);

    QPointer<HealthModel> m_model;
    QString m_server;
    Size m_size;
    QLabel *m_name;
    QLabel *m_dot;
    QLabel *m_state;
    Sparkline *m_calls;
    Sparkline *m_latency;
    Sparkline *m_errors;
    Sparkline *m_memory;
    QLabel *m_callsValue = nullptr;
    QLabel *m_latencyValue = nullptr;
    QLabel *m_errorsValue = nullptr;
    QLabel *m_memoryValue = nullptr;
};

} // namespace manifold
