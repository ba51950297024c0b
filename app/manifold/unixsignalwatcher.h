#pragma once

#include <QObject>

class QSocketNotifier;

// Turns SIGTERM/SIGINT/SIGHUP into a Qt signal through a self-pipe, so shutdown (or reload, for
// SIGHUP) runs in the event loop instead of inside a signal handler.
class UnixSignalWatcher final : public QObject
{
    Q_OBJECT

public:
    explicit UnixSignalWatcher(QObject *parent = nullptr);

signals:
    void terminationRequested(int signal);   // SIGHUP included: the receiver decides

private:
    QSocketNotifier *m_notifier = nullptr;
};
