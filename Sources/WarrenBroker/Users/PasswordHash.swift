// PasswordHash.swift: RabbitMQ's password hashes, so users exported from RabbitMQ log in with
// their old passwords. `rabbit_password_hashing_sha256` (RabbitMQ 3.6+'s default) stores
// base64(salt ++ SHA-256(salt ++ UTF-8 password)) with a 4-byte random salt.
import Foundation

public enum PasswordHash {
    /// RabbitMQ's name for the only algorithm Warren writes.
    public static let sha256Algorithm = "rabbit_password_hashing_sha256"

    /// A new hash of `password` with a random salt.
    public static func make(_ password: String) -> String {
        make(password, salt: (0..<4).map { _ in UInt8.random(in: 0...255) })
    }

    /// The hash of `password` with `salt` (4 bytes in RabbitMQ's hashes).
    static func make(_ password: String, salt: [UInt8]) -> String {
        Data(salt + SHA256.hash(salt + Array(password.utf8))).base64EncodedString()
    }

    /// Whether `password` matches `hash` (`rabbit_password_hashing_sha256`); false for a hash
    /// that is not base64 of a 4-byte salt and a 32-byte digest.
    public static func verify(_ password: String, against hash: String) -> Bool {
        guard let decoded = Data(base64Encoded: hash), decoded.count == 36 else { return false }
        let bytes = [UInt8](decoded)
        let expected = SHA256.hash(Array(bytes[0..<4]) + Array(password.utf8))
        // Compare every byte whatever the first difference, so timing says nothing.
        return zip(expected, bytes[4...]).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
