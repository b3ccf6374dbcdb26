#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a password without showing it: typed at a prompt with echo turned
/// off when standard input is a terminal, otherwise the first line of
/// standard input (for scripts: `echo "$PASSWORD" | needletail user add ...`).
enum PasswordInput {
    /// The password; typed twice when `confirm` is set and a terminal is used.
    static func read(confirm: Bool) throws -> String {
        guard isatty(STDIN_FILENO) == 1 else {
            guard let line = readLine(strippingNewline: true) else {
                throw CommandFailure("No password was given: use --password, type it at the prompt, or send it on standard input.")
            }
            return line
        }
        let password = try prompt("Password: ")
        if confirm, try prompt("Password again: ") != password {
            throw CommandFailure("The two passwords differ; nothing was changed.")
        }
        return password
    }

    /// Shows `text` on standard error and reads a line with echo off.
    private static func prompt(_ text: String) throws -> String {
        writeToStandardError(text)
        var original = termios()
        guard tcgetattr(STDIN_FILENO, &original) == 0 else {
            throw CommandFailure("The terminal's settings could not be read to hide the password.")
        }
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        guard tcsetattr(STDIN_FILENO, TCSANOW, &silent) == 0 else {
            throw CommandFailure("Echo could not be turned off to hide the password.")
        }
        defer {
            tcsetattr(STDIN_FILENO, TCSANOW, &original)
            writeToStandardError("\n")
        }
        guard let line = readLine(strippingNewline: true) else {
            throw CommandFailure("No password was typed.")
        }
        return line
    }

    private static func writeToStandardError(_ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}
