/// A user mistake or refusal, reported as its sentence with exit status 1 and
/// no stack trace.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
