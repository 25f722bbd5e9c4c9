import Foundation
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import NIOPosix
import Testing
@testable import WarrenBroker
@testable import WarrenHTTP

/// The management API's policy routes, driven through the router in memory (no sockets).
@Suite struct PolicyRoutesTests {
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    struct Guest: ManagementAuthenticator {
        func authenticate(username: String, password: String, peerIsLoopback: Bool) -> Set<String>? {
            username == "guest" && password == "guest" ? ["administrator"] : nil
        }
    }

    struct API {
        let broker: Broker
        let responder: RouterResponder<ManagementRequestContext>

        init() {
            broker = Broker(configuration: BrokerConfiguration(dataDirectory: "/tmp/warren-http-test-\(UInt64.random(in: 0...UInt64.max))"),
                            loop: PolicyRoutesTests.group.next(), logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
                            format: JSONPropertiesFormat())
            responder = ManagementAPI.router(broker: broker, authenticator: Guest()).buildResponder()
        }

        func call(_ method: HTTPRequest.Method, _ path: String, _ body: String? = nil,
                  credentials: String = "guest:guest") async throws -> (status: Int, body: String) {
            var head = HTTPRequest(method: method, scheme: "http", authority: "localhost", path: path)
            head.headerFields[.authorization] = "Basic " + Data(credentials.utf8).base64EncodedString()
            let request = Request(head: head, body: RequestBody(buffer: ByteBuffer(string: body ?? "")))
            let context = ManagementRequestContext(source: ApplicationRequestContextSource(
                channel: EmbeddedChannel(), logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })))
            let response: Response
            do {
                response = try await responder.respond(to: request, context: context)
            } catch let error as any HTTPResponseError {
                response = try error.response(from: request, context: context)
            }
            let collected = NIOLockedValueBox("")
            try await response.body.write(Collector(collected: collected))
            return (Int(response.status.code), collected.withLockedValue { $0 })
        }
    }

    /// Keeps message properties as JSON text, so the API's publish and get can be tested
    /// without an AMQP codec.
    struct JSONPropertiesFormat: MessageFormat {
        func deadLetterView(of properties: ByteBuffer) -> DeadLetterView { DeadLetterView(headers: nil, ccKeys: [], deaths: []) }
        func deadLettered(_ properties: ByteBuffer, _ death: DeathEvent) -> ByteBuffer { properties }
        func describe(_ properties: ByteBuffer) -> ArgumentTable {
            guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(properties.readableBytesView)),
                  case .table(let table) = value.argument else { return [:] }
            return table
        }
        func encode(_ described: ArgumentTable) throws -> ByteBuffer {
            ByteBuffer(bytes: try JSONEncoder().encode(JSONValue(.table(described))))
        }
    }

    /// Gathers a response body as text.
    struct Collector: ResponseBodyWriter {
        let collected: NIOLockedValueBox<String>
        mutating func write(_ buffer: ByteBuffer) async throws { collected.withLockedValue { $0 += String(buffer: buffer) } }
        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }

    @Test func wrongCredentialsAreRefusedWith401() async throws {
        let api = API()
        let (status, body) = try await api.call(.get, "/api/policies", credentials: "guest:wrong")
        #expect(status == 401 && body == #"{"error":"not_authorized","reason":"Login failed"}"#)
    }

    @Test func putGetListAndDeleteAPolicy() async throws {
        let api = API()
        let put = #"{"pattern":"^q$","definition":{"max-length":2},"apply-to":"queues","priority":3}"#
        #expect(try await api.call(.put, "/api/policies/%2F/limit", put).status == 201)
        #expect(try await api.call(.put, "/api/policies/%2F/limit", put).status == 204)
        let expected = #"{"apply-to":"queues","definition":{"max-length":2},"name":"limit","pattern":"^q$","priority":3,"vhost":"/"}"#
        #expect(try await api.call(.get, "/api/policies/%2F/limit") == (200, expected))
        #expect(try await api.call(.get, "/api/policies/%2F") == (200, "[\(expected)]"))
        #expect(try await api.call(.get, "/api/policies") == (200, "[\(expected)]"))
        #expect(try await api.call(.delete, "/api/policies/%2F/limit").status == 204)
        #expect(try await api.call(.get, "/api/policies/%2F/limit").status == 404)
        #expect(try await api.call(.delete, "/api/policies/%2F/limit").status == 404)
        try await api.broker.shutdown().get()
    }

    @Test func badPoliciesAreRefusedWithRabbitMQsTexts() async throws {
        let api = API()
        func put(_ body: String, vhost: String = "%2F") async throws -> (Int, String) {
            try await api.call(.put, "/api/policies/\(vhost)/p", body)
        }
        #expect(try await put("nojson") == (400, #"{"error":"bad_request","reason":"not_json"}"#))
        #expect(try await put(#"{"definition":{"max-length":1}}"#) == (400, #"{"error":"bad_request","reason":"[{key_missing,pattern}]"}"#))
        #expect(try await put(#"{"pattern":"a","definition":{"max-length":"x"}}"#)
            == (400, #"{"error":"bad_request","reason":"Validation failed\n\n&lt;&lt;\"x\"&gt;&gt; is not a valid maximum length\n"}"#))
        #expect(try await put(#"{"pattern":"a","definition":{}}"#)
            == (400, #"{"error":"bad_request","reason":"Validation failed\n\nno policy provided\n"}"#))
        #expect(try await put(#"{"pattern":"a","definition":{"max-length":1},"priority":"x"}"#).0 == 400)
        #expect(try await put(#"{"pattern":"a","definition":{"max-length":1},"apply-to":"foo"}"#).0 == 400)
        #expect(try await put(#"{"pattern":"a","definition":{"max-length":1}}"#, vhost: "nohost")
            == (404, #"{"error":"not_found","reason":"vhost_not_found"}"#))
        #expect(try await api.call(.get, "/api/policies").body == "[]")
        try await api.broker.shutdown().get()
    }
}
