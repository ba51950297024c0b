#include "secrets/secretstore.h"

#include <QTimer>

#include <memory>

namespace manifold {

namespace {

// Counts answers of a batch and fires its callback after the last one.
template <typename State>
void finishWhenDone(const std::shared_ptr<State> &state, const std::function<void()> &fire)
{
    if (--state->pending == 0)
        fire();
}

} // namespace

void SecretStore::readAll(
    const QStringList &keys,
    std::function<void(const QHash<QString, QString> &, const QStringList &, const QStringList &)>
        done)
{
    struct State
    {
        int pending = 0;
        QHash<QString, QString> values;
        QStringList missing;
        QStringList errors;
    };
    auto state = std::make_shared<State>();
    state->pending = int(keys.size()) + 1;
    const auto fire = [state, done] { done(state->values, state->missing, state->errors); };
    for (const QString &key : keys) {
        read(key, [state, key, fire](const Result &result) {
            if (result.status == Status::Ok)
                state->values.insert(key, result.value);
            else if (result.status == Status::NotFound)
                state->missing.append(key);
            else
                state->errors.append(key + QStringLiteral(": ") + result.error);
            finishWhenDone(state, fire);
        });
    }
    // The extra count keeps an empty batch asynchronous too.
    QTimer::singleShot(0, this, [state, fire] { finishWhenDone(state, fire); });
}

void SecretStore::writeAll(const QHash<QString, QString> &values,
                           std::function<void(const QStringList &)> done)
{
    struct State
    {
        int pending = 0;
        QStringList errors;
    };
    auto state = std::make_shared<State>();
    state->pending = int(values.size()) + 1;
    const auto fire = [state, done] { done(state->errors); };
    for (auto it = values.cbegin(); it != values.cend(); ++it) {
        const QString key = it.key();
        write(key, it.value(), [state, key, fire](const Result &result) {
            if (result.status != Status::Ok)
                state->errors.append(key + QStringLiteral(": ") + result.error);
            finishWhenDone(state, fire);
        });
    }
    QTimer::singleShot(0, this, [state, fire] { finishWhenDone(state, fire); });
}

void SecretStore::removeAll(const QStringList &keys, std::function<void(const QStringList &)> done)
{
    struct State
    {
        int pending = 0;
        QStringList errors;
    };
    auto state = std::make_shared<State>();
    state->pending = int(keys.size()) + 1;
    const auto fire = [state, done] { done(state->errors); };
    for (const QString &key : keys) {
        remove(key, [state, key, fire](const Result &result) {
            if (result.status == Status::Failed)
                state->errors.append(key + QStringLiteral(": ") + result.error);
            finishWhenDone(state, fire);
        });
    }
    QTimer::singleShot(0, this, [state, fire] { finishWhenDone(state, fire); });
}

QString serverHeaderSecretKey(const QString &server, const QString &header)
{
    return QStringLiteral("server/%1/header/%2").arg(server, header);
}

QStringList remoteSignInKeys(const QString &server)
{
    return {QStringLiteral("server/%1/oauth").arg(server), QStringLiteral("server/%1/oauth-refresh").arg(server),
            QStringLiteral("server/%1/oauth-client-secret").arg(server)};
}

bool looksLikeSecretHeader(const QString &header)
{
    const QString lower = header.toLower();
    return lower == QLatin1String("authorization") || lower == QLatin1String("proxy-authorization") ||
           lower == QLatin1String("cookie") || looksLikeSecretName(header);
}

QString serverSecretKey(const QString &server, const QString &variable)
{
    return QStringLiteral("server/%1/env/%2").arg(server, variable);
}

bool looksLikeSecretName(const QString &variable)
{
    static const char *const markers[] = {"KEY",      "TOKEN",  "SECRET",
                                          "PASSWORD", "PASSWD", "CREDENTIAL"};
    for (const char *marker : markers) {
        if (variable.contains(QLatin1String(marker), Qt::CaseInsensitive))
            return true;
    }
    return false;
}

void MemorySecretStore::answer(Callback done, Result result)
{
    QTimer::singleShot(0, this,
                       [done = std::move(done), result = std::move(result)] { done(result); });
}

void MemorySecretStore::read(const QString &key, Callback done)
{
    if (!m_failure.isEmpty())
        return answer(std::move(done), {Status::Failed, {}, m_failure});
    const auto it = m_values.constFind(key);
    if (it == m_values.constEnd())
        return answer(std::move(done), {Status::NotFound, {}, {}});
    answer(std::move(done), {Status::Ok, *it, {}});
}

void MemorySecretStore::write(const QString &key, const QString &value, Callback done)
{
    if (!m_failure.isEmpty())
        return answer(std::move(done), {Status::Failed, {}, m_failure});
    m_values.insert(key, value);
    answer(std::move(done), {Status::Ok, {}, {}});
}

void MemorySecretStore::remove(const QString &key, Callback done)
{
    if (!m_failure.isEmpty())
        return answer(std::move(done), {Status::Failed, {}, m_failure});
    const bool existed = m_values.remove(key) > 0;
    answer(std::move(done), {existed ? Status::Ok : Status::NotFound, {}, {}});
}

} // namespace manifold
