import Crypto
import Foundation
import Logging
import NeedletailStorage
import XMPPCore
import XMPPStreams

/// XEP-0054 vcard-temp, stored per account, with XEP-0153 avatar hashes: the
/// server keeps the SHA-1 of the vCard's photo and adds it to the owner's
/// broadcast presence when the client did not (as ejabberd's `mod_vcard_xupdate`
/// does), so contacts notice a new avatar.
///
/// Anyone may read an account's vCard (XEP-0054 §3.2); only its owner may
/// change it (§3.3).
public struct VCardModule: ServerModule {
    public static let name = "vcard"

    static let kind = "vcard"
    static let documentKey = ""
    static let avatarHashKey = "avatar-hash"

    private let avatarHashes = AvatarHashCache()

    public init() {}

    public func register(_ registrar: inout ModuleRegistrar) {
        let avatarHashes = avatarHashes
        registrar.feature(Namespace.vcard)
        registrar.accountFeature(Namespace.vcard)
        registrar.iq(.get, "vCard", namespace: Namespace.vcard) { request, addressee, sender, router in
            guard case .account(let account) = addressee else { return nil }
            let stored: [UInt8]?
            do {
                stored = try await router.storage.accountData.value(of: account, kind: Self.kind, key: Self.documentKey)
            } catch {
                return request.errorReply(StanzaError.internalServerError())
            }
            if let stored, let vCard = XMPPElement(storedBytes: stored) {
                return request.result(payload: vCard)
            }
            // §3.1: the owner gets an empty vCard; for others there is none to find.
            guard account == sender.jid.bare else {
                return request.errorReply(StanzaError.itemNotFound("no vCard"))
            }
            return request.result(payload: XMPPElement("vCard", namespace: Namespace.vcard))
        }
        registrar.iq(.set, "vCard", namespace: Namespace.vcard) { request, addressee, sender, router in
            guard case .account(let account) = addressee, account == sender.jid.bare else {
                return request.errorReply(StanzaError.forbidden("only the owner may change a vCard"))
            }
            guard let vCard = request.payload else { return nil }
            let hash = Self.photoHash(of: vCard)
            do {
                try await router.storage.accountData.setValues(
                    [(Self.documentKey, vCard.storedBytes), (Self.avatarHashKey, Array(hash.utf8))],
                    of: account, kind: Self.kind, removingOthers: false)
            } catch {
                avatarHashes.forget(account)  // unknown now: read again at the next presence
                return request.errorReply(StanzaError.internalServerError("the vCard could not be stored"))
            }
            avatarHashes.set(Array(hash.utf8), for: account)
            return request.result(payload: nil)
        }
        registrar.decoratePresence { presence, sender, router in
            guard presence.payload(named: "x", namespace: Namespace.vcardUpdate) == nil else { return presence }
            let account = sender.jid.bare
            let stored: [UInt8]?
            if let known = avatarHashes.hash(of: account) {
                stored = known
            } else {
                do {
                    stored = try await router.storage.accountData.value(of: account, kind: Self.kind, key: Self.avatarHashKey)
                    avatarHashes.set(stored, for: account)
                } catch {
                    router.logger.error("reading the avatar hash failed", metadata: ["error": "\(error)"])
                    return presence
                }
            }
            guard let stored else { return presence }
            var decorated = presence
            // XEP-0153 §4.1: an empty <photo/> says "no avatar"; a hash names it.
            decorated.element.append(XMPPElement("x", namespace: Namespace.vcardUpdate) {
                XMPPElement("photo", namespace: Namespace.vcardUpdate, text: String(decoding: stored, as: UTF8.self))
            })
            return decorated
        }
        registrar.onSessionEnded { session, router in
            let account = session.jid.bare
            if router.registry.sessions(of: account).isEmpty { avatarHashes.forget(account) }
        }
    }

    /// The hex SHA-1 of the decoded PHOTO/BINVAL (XEP-0153 §3.1), "" without one.
    static func photoHash(of vCard: XMPPElement) -> String {
        guard let binval = vCard.firstElement(named: "PHOTO", namespace: Namespace.vcard)?
            .childText("BINVAL", namespace: Namespace.vcard),
            let data = Data(base64Encoded: binval.filter { !$0.isWhitespace })
        else { return "" }
        return Insecure.SHA1.hash(data: data).lowercaseHex
    }
}
