// ManagementClient.swift: the HTTP client `warren ctl` and `warren definitions` talk to the
// management API with.
import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Where the management API is and who logs in; shared by every `ctl` command.
struct ManagementOptions: ParsableArguments {
    @Option(help: "The management API's URL.")
    var url = "http://127.0.0.1:15672"
    @Option(name: .shortAndLong, help: "User to log in as.")
    var user = "guest"
    @Option(name: .shortAndLong, help: "Password.")
    var password = "guest"
    @Option(help: "Virtual host.")
    var vhost = "/"
    @Flag(help: "Print JSON instead of a table.")
    var json = false

    var client: ManagementClient { ManagementClient(base: url, user: user, password: password) }
    var vhostPath: String { ManagementClient.segment(vhost) }
}

/// A refusal, shown as the command's error (non-zero exit).
struct CtlError: Error, CustomStringConvertible {
    var description: String
}

struct ManagementClient {
    let base: String
    let user: String
    let password: String

    /// A path segment, percent-encoded as the API wants (`/` is `%2F`).
    static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_.~"))) ?? text
    }

    /// Calls `method path`; returns the decoded JSON body (nil when there is none). A non-2xx
    /// answer throws with the API's reason.
    @discardableResult
    func call(_ method: String, _ path: String, body: Any? = nil, reasonHeader: String? = nil) async throws -> Any? {
        guard let url = URL(string: base.hasSuffix("/") ? String(base.dropLast()) + path : base + path) else {
            throw CtlError(description: "invalid --url \(base)")
        }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = 30
        let credentials = Data("\(user):\(password)".utf8).base64EncodedString()
        request.setValue("Basic \(credentials)", forHTTPHeaderField: "Authorization")
        if let reasonHeader { request.setValue(reasonHeader, forHTTPHeaderField: "X-Reason") }
        if let body {
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let data: Data
        let response: URLResponse
        do { (data, response) = try await URLSession.shared.data(for: request) } catch {
            throw CtlError(description: "cannot reach the management API at \(base): \(error.localizedDescription)")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let decoded = data.isEmpty ? nil : try? JSONSerialization.jsonObject(with: data)
        guard (200..<300).contains(status) else {
            let reason = (decoded as? [String: Any])?["reason"] as? String ?? String(decoding: data, as: UTF8.self)
            throw CtlError(description: "\(method) \(path): HTTP \(status): \(reason)")
        }
        return decoded
    }

    func list(_ path: String) async throws -> [[String: Any]] {
        guard let rows = try await call("GET", path) as? [[String: Any]] else {
            throw CtlError(description: "GET \(path): the answer is not a list")
        }
        return rows
    }
}
