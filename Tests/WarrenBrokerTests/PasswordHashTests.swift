import Foundation
import Testing
@testable import WarrenBroker

/// SHA-256 against FIPS 180-4's vectors, and RabbitMQ's password hashes as RabbitMQ 3.10 made them.
@Suite struct PasswordHashTests {
    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test func sha256MatchesTheStandardsVectors() {
        #expect(Self.hex(SHA256.hash([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Self.hex(SHA256.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Self.hex(SHA256.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(Self.hex(SHA256.hash([UInt8](repeating: 0x61, count: 1_000_000)))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// `rabbitmqctl add_user bob 's3cret-Pässword'` and the default guest user, exported by
    /// RabbitMQ 3.10 (`GET /api/users/...`).
    @Test func hashesMadeByRabbitMQVerify() {
        #expect(PasswordHash.verify("s3cret-Pässword", against: "qIIrYKOyqd23IpEB9H4Sil8AqAACrx96fJathbR3OgYdSTGo"))
        #expect(PasswordHash.verify("guest", against: "qUJfcK9L2rr4KHSUiZAh0ZhxuZNBuNnv1hJ86YawqHGHiJBC"))
        #expect(!PasswordHash.verify("s3cret-Passwort", against: "qIIrYKOyqd23IpEB9H4Sil8AqAACrx96fJathbR3OgYdSTGo"))
        #expect(!PasswordHash.verify("guest", against: "not base64!"))
        #expect(!PasswordHash.verify("guest", against: "qUJfcK9L"))
    }

    @Test func newHashesAreSaltedAndVerify() {
        let first = PasswordHash.make("secret")
        let second = PasswordHash.make("secret")
        #expect(PasswordHash.verify("secret", against: first) && PasswordHash.verify("secret", against: second))
        #expect(first != second || PasswordHash.make("secret") != first)
        #expect(PasswordHash.make("secret", salt: [1, 2, 3, 4]) == PasswordHash.make("secret", salt: [1, 2, 3, 4]))
    }
}
