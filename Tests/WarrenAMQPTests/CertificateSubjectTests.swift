import Foundation
import Testing
@testable import WarrenAMQP

/// The CN that EXTERNAL logs in as, read from a certificate's DER bytes.
@Suite struct CertificateSubjectTests {
    /// Subject `/O=Warren tests/CN=outer/CN=svc-billing`, issued by `/CN=warren-test-ca` (openssl,
    /// EC P-256), as DER.
    static let certificate = [UInt8](Data(base64Encoded: "MIIBUTCB9wIUcALqxxIY9AQ3L60Fa1g8rikS0u4wCgYIKoZIzj0EAwIwGTEXMBUGA1UEAwwOd2FycmVuLXRlc3QtY2EwHhcNMjYxMjAxMDY0MjQ4WhcNMzYxMTI4MDY0MjQ4WjA9MRUwEwYDVQQKDAxXYXJyZW4gdGVzdHMxDjAMBgNVBAMMBW91dGVyMRQwEgYDVQQDDAtzdmMtYmlsbGluZzBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABFJiOnBTTIgbVqrX+D4NBCepz7pTavwEKZPI7R+/YiMASdnzBKYSkaqP63Ob4N3xx2/FyfH5fljzb7UOVsZadtMwCgYIKoZIzj0EAwIDSQAwRgIhAJ0uSNfKvnelGB+8kOckjGGD0eBkSeuBEnVXkMXZ6RebAiEAvr/RX19rc7d9FMKtOj4U22vghTM3F++XIokJba/9rsE=")!)

    @Test func theLastCommonNameOfTheSubjectIsTheUser() {
        // The issuer's CN comes first in the certificate and is not the user; of the subject's
        // two, the last (most significant) is, as RabbitMQ takes it.
        #expect(CertificateSubject.commonName(derCertificate: Self.certificate) == "svc-billing")
    }

    @Test func malformedBytesGiveNoNameAndNeverCrash() {
        #expect(CertificateSubject.commonName(derCertificate: []) == nil)
        #expect(CertificateSubject.commonName(derCertificate: [0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF]) == nil)
        for cut in stride(from: 0, to: Self.certificate.count, by: 7) {
            _ = CertificateSubject.commonName(derCertificate: Array(Self.certificate.prefix(cut)))
        }
        var flipped = Self.certificate
        for index in stride(from: 0, to: flipped.count, by: 3) {
            flipped[index] ^= 0xA5
            _ = CertificateSubject.commonName(derCertificate: flipped)
            flipped[index] ^= 0xA5
        }
    }
}
