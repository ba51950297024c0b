// Job Objects: the Windows side of childprocess.h and guardian.h. Built on Windows only.
#include "childprocess_win.h"
#include "childprocess.h"

#include <QHash>
#include <QMutex>
#include <QProcess>

#include <windows.h>

namespace manifold::platform {

namespace {

QMutex jobsMutex;
QHash<qint64, HANDLE> jobs; // child pid -> its job

HANDLE newJob(DWORD limits)
{
    HANDLE job = ::CreateJobObjectW(nullptr, nullptr);
    if (!job)
        return nullptr;
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION info = {};
    info.BasicLimitInformation.LimitFlags = limits;
    ::SetInformationJobObject(job, JobObjectExtendedLimitInformation, &info, sizeof info);
    return job;
}

HANDLE jobOf(qint64 pid)
{
    QMutexLocker lock(&jobsMutex);
    return jobs.value(pid, nullptr);
}

} // namespace

void placeInOwnJob(QProcess &process)
{
    process.setCreateProcessArgumentsModifier([](QProcess::CreateProcessArguments *arguments) {
        arguments->flags |= CREATE_NEW_PROCESS_GROUP;
    });
    QObject::connect(&process, &QProcess::started, &process, [&process] {
        const qint64 pid = process.processId();
        HANDLE child = ::OpenProcess(PROCESS_SET_QUOTA | PROCESS_TERMINATE, FALSE, DWORD(pid));
        HANDLE job = newJob(JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE);
        if (child && job && ::AssignProcessToJobObject(job, child)) {
            QMutexLocker lock(&jobsMutex);
            jobs.insert(pid, job);
        } else if (job) {
            ::CloseHandle(job);
        }
        if (child)
            ::CloseHandle(child);
        QObject::connect(&process, &QProcess::finished, &process, [pid] {
            // Closing the job kills what the server left running in it (kill-on-close).
            QMutexLocker lock(&jobsMutex);
            if (HANDLE job = jobs.take(pid))
                ::CloseHandle(job);
        });
    });
}

bool bindChildrenToThisProcess()
{
    // Never closed: the handle dies with the broker, and with it every process in the job.
    HANDLE job = newJob(JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE | JOB_OBJECT_LIMIT_BREAKAWAY_OK);
    return job && ::AssignProcessToJobObject(job, ::GetCurrentProcess());
}

bool signalProcessGroup(qint64 pgid, int sig)
{
    if (pgid <= 0)
        return false;
    if (sig == SIGKILL) {
        HANDLE job = jobOf(pgid);
        if (job)
            return ::TerminateJobObject(job, 1) != 0;
        HANDLE process = ::OpenProcess(PROCESS_TERMINATE, FALSE, DWORD(pgid));
        const bool ok = process && ::TerminateProcess(process, 1);
        if (process)
            ::CloseHandle(process);
        return ok;
    }
    // The polite stop: a console break to the child's process group (it was started with
    // CREATE_NEW_PROCESS_GROUP). Without a shared console this fails and the caller escalates.
    return ::GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT, DWORD(pgid)) != 0;
}

bool processGroupAlive(qint64 pgid)
{
    if (pgid <= 0)
        return false;
    if (HANDLE job = jobOf(pgid)) {
        JOBOBJECT_BASIC_ACCOUNTING_INFORMATION accounting = {};
        if (::QueryInformationJobObject(job, JobObjectBasicAccountingInformation, &accounting,
                                        sizeof accounting, nullptr))
            return accounting.ActiveProcesses > 0;
    }
    HANDLE process = ::OpenProcess(SYNCHRONIZE, FALSE, DWORD(pgid));
    if (!process)
        return false;
    const bool running = ::WaitForSingleObject(process, 0) == WAIT_TIMEOUT;
    ::CloseHandle(process);
    return running;
}

} // namespace manifold::platform
