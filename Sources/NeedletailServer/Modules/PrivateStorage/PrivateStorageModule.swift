import NeedletailStorage
import XMPPCore

/// XEP-0049 Private XML Storage: each account keeps elements under their name and
/// namespace, readable and writable by the account alone (§3). Bookmarks
/// (`storage:bookmarks`) are its best-known user.
public struct PrivateStorageModule: ServerModule {
    public static let name = "private"

    static let kind = "private"

    public init() {}

    public func register(_ registrar: inout ModuleRegistrar) {
        registrar.feature(Namespace.privateStorage)
        registrar.ownAccountIQ(.get, "query", namespace: Namespace.privateStorage) { request, addressee, sender, router in
            let element: XMPPElement
            switch Self.payload(of: request, addressee: addressee, sender: sender) {
            case .success(let payload): element = payload
            case .failure(let error): return request.errorReply(error)
            }
            let stored: [UInt8]?
            do {
                stored = try await router.storage.accountData.value(of: sender.jid.bare, kind: Self.kind, key: Self.key(element))
            } catch {
                return request.errorReply(StanzaError.internalServerError())
            }
            // §3.2: nothing stored is answered with the empty element asked for.
            let answer = stored.flatMap { XMPPElement(storedBytes: $0) } ?? XMPPElement(element.name, namespace: element.namespace)
            return request.result(payload: XMPPElement("query", namespace: Namespace.privateStorage) { answer })
        }
        registrar.ownAccountIQ(.set, "query", namespace: Namespace.privateStorage) { request, addressee, sender, router in
            let element: XMPPElement
            switch Self.payload(of: request, addressee: addressee, sender: sender) {
            case .success(let payload): element = payload
            case .failure(let error): return request.errorReply(error)
            }
            do {
                try await router.storage.accountData.setValue(
                    element.storedBytes, of: sender.jid.bare, kind: Self.kind, key: Self.key(element))
            } catch {
                return request.errorReply(StanzaError.internalServerError("could not store"))
            }
            return request.result(payload: nil)
        }
    }

    /// The one element inside the query, or the error §3 gives: `forbidden` for
    /// someone else's storage, `not-acceptable` for reserved namespaces or not
    /// exactly one child.
    static func payload(of request: IQ, addressee: IQAddressee, sender: ClientSession) -> Result<XMPPElement, StanzaError> {
        guard case .account(let account) = addressee, account == sender.jid.bare else {
            return .failure(.forbidden("private storage is the account's own"))
        }
        let children = request.payload?.elements ?? []
        guard children.count == 1, let element = children.first else {
            return .failure(.notAcceptable("exactly one element per request"))
        }
        guard ![Namespace.privateStorage, Namespace.client, Namespace.server].contains(element.namespace),
              !element.namespace.isEmpty
        else {
            return .failure(.notAcceptable("that namespace cannot be stored"))
        }
        return .success(element)
    }

    static func key(_ element: XMPPElement) -> String {
        element.name + " " + element.namespace
    }
}
