// Frame.swift: the AMQP frame and its types.
//
// Wire layout: octet type, short channel, long payload size, payload, octet 0xCE.
import NIOCore

/// One decoded AMQP frame.
public struct Frame: Equatable, Sendable {
    /// Frame types (octet 0 of every frame).
    public enum FrameType: UInt8, Sendable {
        case method = 1  // a method with its arguments
        case header = 2  // content header: class, body size, properties
        case body = 3  // a slice of content body
        case heartbeat = 8  // keep-alive, channel 0, empty payload
    }

    /// What a frame carries.
    public enum Payload: Equatable, Sendable {
        case method(Method)
        case header(ContentHeader)
        case body(ByteBuffer)
        case heartbeat
    }

    public var channel: UInt16
    public var payload: Payload

    public init(channel: UInt16, payload: Payload) {
        self.channel = channel
        self.payload = payload
    }

    /// The frame's type.
    public var type: FrameType {
        switch payload {
        case .method: return .method
        case .header: return .header
        case .body: return .body
        case .heartbeat: return .heartbeat
        }
    }

    /// The frame end marker.
    public static let endMarker: UInt8 = 0xCE
}
