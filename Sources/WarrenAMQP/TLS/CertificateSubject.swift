// CertificateSubject.swift: the subject's common name (CN) of a DER-encoded X.509 certificate,
// for the EXTERNAL mechanism (RabbitMQ's ssl_cert_login_from = common_name).
//
// Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signature }
// TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer, validity,
//                               subject, ... }
// Name ::= SEQUENCE OF SET OF SEQUENCE { type OBJECT IDENTIFIER, value ANY }
// Only what the walk needs is decoded; anything malformed gives nil, never a crash.
import NIOSSL

enum CertificateSubject {
    /// id-at-commonName, 2.5.4.3.
    static let commonNameOID: [UInt8] = [0x55, 0x04, 0x03]

    /// The last (most significant) CN of the subject, as RabbitMQ takes it; nil when there is none.
    static func commonName(derCertificate der: [UInt8]) -> String? {
        var reader = DERReader(der[...])
        guard let certificate = reader.read(tag: 0x30) else { return nil }
        var certificateReader = DERReader(certificate)
        guard let tbs = certificateReader.read(tag: 0x30) else { return nil }
        var fields = DERReader(tbs)
        if fields.peekTag == 0xA0 { _ = fields.read(tag: 0xA0) }  // version
        guard fields.read(tag: 0x02) != nil,                   // serialNumber
              fields.read(tag: 0x30) != nil,                   // signature algorithm
              fields.read(tag: 0x30) != nil,                   // issuer
              fields.read(tag: 0x30) != nil,                   // validity
              let subject = fields.read(tag: 0x30) else { return nil }
        var names = DERReader(subject)
        var found: String?
        while let set = names.read(tag: 0x31) {
            var attributes = DERReader(set)
            while let attribute = attributes.read(tag: 0x30) {
                var parts = DERReader(attribute)
                guard let oid = parts.read(tag: 0x06), let (_, value) = parts.readAny() else { return nil }
                if Array(oid) == commonNameOID { found = String(decoding: value, as: UTF8.self) }
            }
        }
        return found
    }
}

/// Reads DER tag-length-value elements one after another.
struct DERReader {
    private var bytes: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    var peekTag: UInt8? { bytes.first }

    /// The contents of the next element if it has `tag`.
    mutating func read(tag: UInt8) -> ArraySlice<UInt8>? {
        guard peekTag == tag, let (_, contents) = readAny() else { return nil }
        return contents
    }

    /// The next element's tag and contents.
    mutating func readAny() -> (UInt8, ArraySlice<UInt8>)? {
        guard let tag = bytes.first else { return nil }
        var index = bytes.index(after: bytes.startIndex)
        guard index < bytes.endIndex else { return nil }
        var length = Int(bytes[index])
        index += 1
        if length & 0x80 != 0 {
            let count = length & 0x7F
            guard (1...4).contains(count), bytes.endIndex - index >= count else { return nil }
            length = 0
            for _ in 0..<count {
                length = length << 8 | Int(bytes[index])
                index += 1
            }
        }
        guard length >= 0, bytes.endIndex - index >= length else { return nil }
        let contents = bytes[index..<(index + length)]
        bytes = bytes[(index + length)...]
        return (tag, contents)
    }
}

extension NIOSSLCertificate {
    /// The user name EXTERNAL logs in as, taken from where `source` says.
    func externalLoginName(from source: ExternalLoginSource) -> String? {
        switch source {
        case .commonName:
            return (try? toDERBytes()).flatMap(CertificateSubject.commonName(derCertificate:))
        case .subjectAlternativeName(let type):
            let wanted: _SubjectAlternativeName.NameType
            switch type {
            case .dns: wanted = .dnsName
            case .email: wanted = .email
            case .uri: wanted = .uri
            }
            return _subjectAlternativeNames().first { $0.nameType == wanted }
                .map { name in name.contents.withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) } }
        }
    }
}
