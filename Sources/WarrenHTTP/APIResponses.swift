// APIResponses.swift: JSON bodies and the error shapes RabbitMQ's management API answers with.
import Foundation
import Hummingbird
import NIOCore
import WarrenBroker

/// A refusal in RabbitMQ's shape: `{"error": "...", "reason": "..."}` with an HTTP status.
struct APIError: Error, HTTPResponseError {
    var status: HTTPResponse.Status
    var error: String
    var reason: String

    static let notFound = APIError(status: .notFound, error: "Object Not Found", reason: "Not Found")
    static let loginFailed = APIError(status: .unauthorized, error: "not_authorized", reason: "Login failed")
    static let notJSON = APIError(status: .badRequest, error: "bad_request", reason: "not_json")

    static func badRequest(_ reason: String) -> APIError { APIError(status: .badRequest, error: "bad_request", reason: reason) }

    /// A broker refusal as RabbitMQ's API answers it: 404 for what is missing, 401 for the
    /// reserved `amq.` names, else 400 with the broker's text.
    static func from(_ error: any Error) -> APIError {
        guard let error = error as? BrokerError else { return APIError(status: .internalServerError, error: "internal_error", reason: "\(error)") }
        switch error.kind {
        case .notFound: return .notFound
        case .accessRefused: return APIError(status: .unauthorized, error: "not_authorised", reason: "Access refused.")
        default: return .badRequest(error.text)
        }
    }

    /// A validation failure, worded and escaped as RabbitMQ's API sends it.
    static func validationFailed(_ reason: String) -> APIError {
        let escaped = reason.replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        return badRequest("Validation failed\n\n\(escaped)\n")
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try JSONBody.response(.object(["error": .string(error), "reason": .string(reason)]), status: status)
        if status == .unauthorized { response.headers[.wwwAuthenticate] = "Basic realm=\"RabbitMQ Management\"" }
        return response
    }
}

enum JSONBody {
    static func encode(_ value: JSONValue) throws -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return ByteBuffer(bytes: try encoder.encode(value))
    }

    /// A 200 response holding `value`.
    static func response(_ value: JSONValue, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: try encode(value)))
    }

    /// Reads a request body as JSON, refusing what does not parse as RabbitMQ does (`not_json`).
    static func read(_ request: Request, context: ManagementRequestContext) async throws -> JSONValue {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView)) else { throw APIError.notJSON }
        return value
    }

    static func empty(_ status: HTTPResponse.Status) -> Response { Response(status: status) }
}
