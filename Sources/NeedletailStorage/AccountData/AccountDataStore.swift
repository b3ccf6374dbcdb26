import XMPPCore

/// Small per-account documents, each an opaque value under a kind and a key: what
/// several XEPs store and nothing else reads. For example the vCard (XEP-0054,
/// kind `vcard`, key ""), private XML (XEP-0049, kind `private`, key
/// "name namespace"), the blocklist (XEP-0191, kind `blocklist`, one key per JID,
/// empty value), privacy lists (XEP-0016, kind `privacy`, key the list name; the
/// default list's name under kind `privacy-default`, key "").
///
/// `account` is a local account's bare JID. Writes throw `StorageError.notFound`
/// when the account does not exist; reads of a missing account find nothing.
/// Methods complete after the backend has committed. Deleting the account deletes
/// its documents.
public protocol AccountDataStore: Sendable {
    /// The value stored under `kind` and `key`.
    func value(of account: JID, kind: String, key: String) async throws(StorageError) -> [UInt8]?

    /// Every key and value of `kind`, ordered by key.
    func values(of account: JID, kind: String) async throws(StorageError) -> [(key: String, value: [UInt8])]

    /// Stores `value` under `kind` and `key`, replacing what was there; nil removes it.
    func setValue(_ value: [UInt8]?, of account: JID, kind: String, key: String) async throws(StorageError)

    /// Applies several changes of one kind in one transaction: each key to its
    /// value, nil removing it; `removingOthers` first removes every key of `kind`.
    func setValues(
        _ values: [(key: String, value: [UInt8]?)], of account: JID, kind: String, removingOthers: Bool
    ) async throws(StorageError)
}
