import NeedletailStorage
import Synchronization
import XMPPCore

/// The privacy settings of accounts that have sessions or just got a stanza, in
/// memory, so the delivery filter answers on the routing path without storage.
/// Loaded by the module's account preparation, changed together with storage
/// by the IQ handlers, and kept in step with the roster by its change hook.
final class PrivacyCache: Sendable {
    private let accounts = Mutex<[JID: PrivacySettings]>([:])

    func isLoaded(_ account: JID) -> Bool {
        accounts.withLock { $0[account] != nil }
    }

    /// Takes in what storage holds for `account`; active lists of its sessions survive.
    func load(_ account: JID, lists: [PrivacyList], defaultName: String?, roster: [RosterItem]?) {
        accounts.withLock { accounts in
            var settings = accounts[account] ?? PrivacySettings()
            settings.reload(lists: lists, defaultName: defaultName, roster: roster)
            accounts[account] = settings
        }
    }

    /// A copy of the account's settings (empty when not loaded).
    func settings(of account: JID) -> PrivacySettings {
        accounts.withLock { $0[account] ?? PrivacySettings() }
    }

    /// Changes the account's settings in place.
    func update(_ account: JID, _ change: (inout PrivacySettings) -> Void) {
        accounts.withLock { accounts in
            var settings = accounts[account] ?? PrivacySettings()
            change(&settings)
            accounts[account] = settings
        }
    }

    /// Follows a roster change, if the account is loaded at all.
    func rosterChanged(_ account: JID, contact: JID, item: RosterItem?) {
        accounts.withLock { accounts in
            accounts[account]?.rosterChanged(contact, item)
        }
    }

    /// A session ended: its active list goes. Once the account has no session
    /// left only its default list matters (§2.2 rule 2): an account without one
    /// is forgotten (the next session or stanza for it loads it again), one with
    /// one is kept, so that a stanza for the account prepared while the session
    /// was ending (a message going offline) still meets its list.
    func sessionEnded(_ account: JID, resource: String, session: UInt64, accountHasSessions: Bool) {
        accounts.withLock { accounts in
            guard accountHasSessions else {
                if accounts[account]?.defaultName == nil {
                    accounts[account] = nil
                } else {
                    accounts[account]?.active = [:]
                }
                return
            }
            if accounts[account]?.active[resource]?.session == session {
                accounts[account]?.active[resource] = nil
            }
        }
    }

    /// What applies to a stanza of `kind` between the local `account` and
    /// `contact`: the active list of the session with `resource()` if it has one,
    /// else the default. `resource` is asked only when some session has an
    /// active list, since finding it may mean parsing an address.
    func action(
        for kind: PrivacyStanzaKind?, account: JID, contact: JID, resource: () -> String?
    ) -> PrivacyItem.Action {
        accounts.withLock { accounts in
            guard let settings = accounts[account], !settings.lists.isEmpty else { return .allow }
            return settings.action(for: kind, contact: contact, resource: settings.active.isEmpty ? nil : resource())
        }
    }
}
