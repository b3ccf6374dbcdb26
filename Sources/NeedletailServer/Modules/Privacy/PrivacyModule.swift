import Logging
import NeedletailStorage
import XMPPCore

/// XEP-0016 Privacy Lists, as ejabberd implements them: named lists of allow and
/// deny rules by JID, roster group or subscription, stored per account (kind
/// `privacy`, key the list name, value the `<list/>`; the default's name under
/// kind `privacy-default`), and mirrored in memory with the roster facts they
/// match against, for the delivery filter.
///
/// - The list that applies to a session is its active list, else the account's
///   default (§2.2 rules 1 and 2). Inbound messages, IQs and presence and
///   outbound presence go through it; items without child elements also cover
///   everything else, outbound messages, IQs and subscriptions included (§2.11).
/// - Refused inbound messages and IQ requests are answered `service-unavailable`,
///   refused presence is dropped (§2.12); refused outbound messages and IQ
///   requests get `not-acceptable`, presence is dropped.
/// - Nothing between the user's own resources is filtered (§2.1), nor what the
///   user's own server sends or gets.
/// - Changing what applies to a session sends `unavailable` to contacts that may
///   no longer see the user's presence (§2.10) and the current presence to those
///   that may again; inbound, the same for local contacts' presence.
/// - A list set or removal is pushed to every session (§2.2 rule 10, §2.6).
public struct PrivacyModule: ServerModule {
    public static let name = "privacy"

    /// The account data kind holding the lists, one key per list name.
    static let listKind = "privacy"
    /// The account data kind holding the default list's name, under key "".
    static let defaultKind = "privacy-default"

    private let cache = PrivacyCache()

    public init() {}

    public func register(_ registrar: inout ModuleRegistrar) {
        let cache = cache
        registrar.feature(Namespace.privacy)
        registrar.accountFeature(Namespace.privacy)
        registrar.prepareAccount { account, router in
            guard AccountCacheLoading.isNeeded(for: account, isLoaded: cache.isLoaded(account), router: router) else { return }
            await Self.load(account, into: cache, router: router)
        }
        registrar.onRosterChange { account, contact, item, _ in
            cache.rosterChanged(account, contact: contact, item: item)
        }
        registrar.onSessionEnded { session, router in
            let account = session.jid.bare
            cache.sessionEnded(
                account, resource: session.jid.resourcepart ?? "", session: session.id,
                accountHasSessions: !router.registry.sessions(of: account).isEmpty)
        }
        registrar.filterDelivery { stanza, sender, recipient, direction in
            Self.verdict(stanza, sender: sender, recipient: recipient, direction, cache: cache)
        }
        registrar.ownAccountIQ(.get, "query", namespace: Namespace.privacy) { request, addressee, sender, router in
            await PrivacyRequests(router: router, cache: cache).get(request, addressee: addressee, sender: sender)
        }
        registrar.ownAccountIQ(.set, "query", namespace: Namespace.privacy) { request, addressee, sender, router in
            await PrivacyRequests(router: router, cache: cache).set(request, addressee: addressee, sender: sender)
        }
    }

    /// The delivery filter: what the list that applies says about `stanza`.
    static func verdict(
        _ stanza: Stanza, sender: JID, recipient: JID, _ direction: DeliveryDirection, cache: PrivacyCache
    ) -> DeliveryVerdict {
        let (account, contact) = direction == .inbound ? (recipient.bare, sender) : (sender.bare, recipient)
        // §2.1: never between the user's own resources; and, as in ejabberd, never
        // with the user's own server (pings, notices).
        if contact.bare == account || (contact.localpart == nil && contact.domainpart == account.domainpart) {
            return .allow
        }
        let action = cache.action(for: PrivacyStanzaKind(stanza, direction), account: account, contact: contact) {
            switch direction {
            case .outbound:
                // A stanza leaving a session carries its full JID: that session's list.
                return sender.resourcepart
            case .inbound:
                // The router asks once per receiving session, with its full JID, so
                // each session's active list applies, or the default when it has
                // none (§2.2 rule 2). Asked about the bare JID (a message stored
                // offline), the default list decides.
                if let resource = recipient.resourcepart { return resource }
                guard let to = stanza.toAttribute.flatMap({ try? JID($0) }), to.bare == account else { return nil }
                return to.resourcepart
            }
        }
        guard action == .deny else { return .allow }
        switch (stanza, direction) {
        case (.presence, _):
            return .refuse(nil)
        // §2.12: the blocked entity gets service-unavailable, as if the user were offline.
        case (.message(let message), .inbound):
            return .refuse(message.isError ? nil : .serviceUnavailable())
        case (.iq(let iq), .inbound):
            return .refuse(iq.type?.isRequest == true ? .serviceUnavailable() : nil)
        // §2.12: what the user may not send is refused with not-acceptable.
        case (.message(let message), .outbound):
            return .refuse(message.isError ? nil : .notAcceptable("your privacy list blocks this address"))
        case (.iq(let iq), .outbound):
            return .refuse(iq.type?.isRequest == true ? .notAcceptable("your privacy list blocks this address") : nil)
        }
    }

    /// Reads the account's lists, default and roster into the cache; for an
    /// account without lists (most), only the lists are read. Nothing is loaded
    /// for an account that does not exist.
    static func load(_ account: JID, into cache: PrivacyCache, router: Router) async {
        do throws(StorageError) {
            let stored = try await router.storage.accountData.values(of: account, kind: listKind)
            guard !stored.isEmpty else {
                cache.load(account, lists: [], defaultName: nil, roster: nil)
                return
            }
            let defaultName = try await router.storage.accountData.value(of: account, kind: defaultKind, key: "")
            let roster = try await router.storage.rosters.roster(of: account)
            var lists: [PrivacyList] = []
            for (key, value) in stored {
                guard let list = PrivacyList(storedBytes: value), list.name == key else {
                    router.logger.error("a stored privacy list cannot be parsed", metadata: ["xmpp.list": "\(key)"])
                    continue
                }
                lists.append(list)
            }
            cache.load(
                account, lists: lists, defaultName: defaultName.map { String(decoding: $0, as: UTF8.self) },
                roster: roster.items)
        } catch {
            guard error.code != .notFound else { return }
            router.logger.error("loading privacy lists failed", metadata: ["error": "\(error)"])
        }
    }

    /// Reads the roster into the cache if it was left out (the account had no
    /// lists when loaded), before a change that may give it one.
    static func loadRosterIfMissing(_ account: JID, into cache: PrivacyCache, router: Router) async throws(StorageError) {
        guard !cache.settings(of: account).hasRoster else { return }
        let roster = try await router.storage.rosters.roster(of: account)
        cache.update(account) { $0.takeRoster(roster.items) }
    }
}
