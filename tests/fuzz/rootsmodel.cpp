#include "rootsmodel.h"

#include "fuzzcheck.h"
#include "jsonrpc/jsonrpc.h"
#include "jsonrpc/jsonscan.h"

namespace fuzz {

using manifold::Router;
using manifold::RouterAction;
namespace json = manifold::json;
namespace jsonrpc = manifold::jsonrpc;

QList<QByteArray> RootsModel::rootsVariant(int n)
{
    switch (n) {
    case 1: return {R"({"uri":"file:///a","name":"a"})"};
    case 2: return {R"({"uri":"file:///a","name":"a"})", R"({"uri":"file:///b"})"};
    default: return {};
    }
}

void RootsModel::childSent(QByteArrayView line)
{
    const auto envelope = jsonrpc::parseEnvelope(line);
    if (envelope.kind == jsonrpc::Envelope::Kind::Request && envelope.method == "roots/list")
        m_questions.insert(envelope.id.in(line).toByteArray());
}

void RootsModel::held(manifold::SessionId session, const Router &router)
{
    // What it sent before it was held (queued or forwarded) may still go to the child.
    QSet<QByteArray> before;
    for (const Router::RequestInfo &request : router.requests()) {
        if (request.session == session)
            before.insert(request.originalId);
    }
    m_held.insert(session, before);
}

void RootsModel::check(const manifold::RouterActions &actions, const Router &router)
{
    for (const RouterAction &action : actions) {
        if (action.kind != RouterAction::Kind::ToChild)
            continue;
        const auto envelope = jsonrpc::parseEnvelope(action.data);
        if (envelope.kind != jsonrpc::Envelope::Kind::Response || !envelope.id.isValid())
            continue;
        const QByteArray id = envelope.id.in(action.data).toByteArray();
        if (!m_questions.remove(id) || !envelope.result.isValid())
            continue;   // not a roots answer (an error answer names no roots)
        const QByteArrayView result = envelope.result.in(action.data);
        const auto roots = json::findPath(result, {"roots"});
        FUZZ_CHECK(roots.has_value(), "a roots answer without roots: " + action.data);
        const auto elements = json::arrayElements(roots->in(result));
        FUZZ_CHECK(elements.has_value(), "roots is not an array: " + action.data);
        QList<QByteArray> told;
        for (const json::Span &element : *elements)
            told.append(element.in(roots->in(result)).toByteArray());
        FUZZ_CHECK(told == m_instanceRoots.value_or(QList<QByteArray>()),
                   "the child was told other roots than its instance's: " + action.data);
    }
    // A held session's requests wait: none reaches the child until it is released.
    for (auto it = m_held.cbegin(); it != m_held.cend(); ++it) {
        for (const Router::RequestInfo &request : router.requests()) {
            FUZZ_CHECK(request.session != it.key() || !request.forwarded || it->contains(request.originalId),
                       "a request of a session held until its roots reached the child: " + request.originalId);
        }
    }
}

} // namespace fuzz
