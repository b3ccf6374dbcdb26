import NeedletailStorage

/// The stores modules and sessions use, one backend behind all of them.
public struct ServerStorage: Sendable {
    public let accounts: any AccountStore
    public let rosters: any RosterStore
    public let offline: any OfflineStore
    public let accountData: any AccountDataStore

    public init(
        accounts: any AccountStore, rosters: any RosterStore, offline: any OfflineStore, accountData: any AccountDataStore
    ) {
        self.accounts = accounts
        self.rosters = rosters
        self.offline = offline
        self.accountData = accountData
    }
}
