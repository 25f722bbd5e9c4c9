// AMQPTLSConfiguration.swift: the AMQPS listener's TLS settings, named as RabbitMQ names them
// (ssl_options.certfile, keyfile, cacertfile, verify = verify_peer, fail_if_no_peer_cert).
import NIOCore
import NIOSSL

/// Where EXTERNAL takes the user name from (RabbitMQ's `ssl_cert_login_from`, with
/// `ssl_cert_login_san_type` for subject alternative names; the first such name is used).
public enum ExternalLoginSource: Sendable, Equatable {
    /// The subject's last (most significant) CN, RabbitMQ's usual setting.
    case commonName
    case subjectAlternativeName(SANType)

    public enum SANType: String, Sendable {
        case dns, email, uri
    }

    /// Parses `common_name`, `san:dns`, `san:email` or `san:uri`.
    public init?(_ text: String) {
        if text == "common_name" { self = .commonName; return }
        guard text.hasPrefix("san:"), let type = SANType(rawValue: String(text.dropFirst(4))) else { return nil }
        self = .subjectAlternativeName(type)
    }
}

/// TLS for an AMQP listener: TLS 1.2 and 1.3 only.
public struct AMQPTLSConfiguration: Sendable {
    /// PEM certificate chain of the server (RabbitMQ's `certfile`).
    public var certificateChainPath: String
    /// PEM private key (RabbitMQ's `keyfile`).
    public var privateKeyPath: String
    /// PEM CA bundle that client certificates are verified against (`cacertfile`).
    public var caCertificatesPath: String?
    /// Ask clients for a certificate and verify any they present (`verify = verify_peer`).
    public var verifyPeer = false
    /// Refuse clients that present no certificate (`fail_if_no_peer_cert = true`); needs `verifyPeer`.
    public var failIfNoPeerCertificate = false
    /// Where EXTERNAL finds the user name in a verified client certificate.
    public var externalLoginFrom = ExternalLoginSource.commonName
    /// Time a client has to complete the TLS handshake (RabbitMQ's `ssl_handshake_timeout`, 5 s).
    public var handshakeTimeout: TimeAmount = .seconds(5)

    public init(certificateChainPath: String, privateKeyPath: String, caCertificatesPath: String? = nil) {
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
        self.caCertificatesPath = caCertificatesPath
    }

    /// The TLS context; fails with a message naming the file or setting at fault.
    func makeContext() throws -> NIOSSLContext {
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMFile(certificateChainPath) } catch {
            throw AMQPTLSConfigurationError("cannot read the TLS certificate chain \(certificateChainPath): \(error)")
        }
        guard !chain.isEmpty else { throw AMQPTLSConfigurationError("no certificate in \(certificateChainPath)") }
        let key: NIOSSLPrivateKey
        do { key = try NIOSSLPrivateKey(file: privateKeyPath, format: .pem) } catch {
            throw AMQPTLSConfigurationError("cannot read the TLS private key \(privateKeyPath): \(error)")
        }
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) },
                                                           privateKey: .privateKey(key))
        tls.minimumTLSVersion = .tlsv12
        tls.maximumTLSVersion = .tlsv13
        if verifyPeer {
            guard let caCertificatesPath else {
                throw AMQPTLSConfigurationError("verify_peer needs a CA bundle to verify client certificates against")
            }
            do { _ = try NIOSSLCertificate.fromPEMFile(caCertificatesPath) } catch {
                throw AMQPTLSConfigurationError("cannot read the TLS CA bundle \(caCertificatesPath): \(error)")
            }
            tls.trustRoots = .file(caCertificatesPath)
            tls.certificateVerification = failIfNoPeerCertificate ? .noHostnameVerification : .optionalVerification
        } else if failIfNoPeerCertificate {
            throw AMQPTLSConfigurationError("fail_if_no_peer_cert needs verify_peer")
        }
        do { return try NIOSSLContext(configuration: tls) } catch {
            throw AMQPTLSConfigurationError("cannot set up TLS: \(error)")
        }
    }
}

/// A TLS setting that cannot be used; the text names the file or setting.
public struct AMQPTLSConfigurationError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
