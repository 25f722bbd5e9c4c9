import AMQPProtocol
import Foundation
import NIOCore
import Testing

/// Inputs the fuzzer found, kept as regression tests (each also lives in Fuzz/corpus).
@Suite struct FuzzFoundTests {
    /// A heartbeat on channel 8 re-encoded onto channel 0, so it no longer round-tripped.
    @Test func heartbeatOffChannelZeroRoundTrips() throws {
        var buffer = ByteBuffer(bytes: [0x08, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0xCE, 0x00, 0x00, 0x00, 0xCE])
        var decoder = FrameDecoder()
        let frame = try #require(try decoder.decodeFrame(from: &buffer))
        #expect(frame == Frame(channel: 8, payload: .heartbeat))
        var encoded = ByteBuffer()
        encoded.writeAMQPFrame(frame)
        #expect(try decoder.decodeFrame(from: &encoded) == frame)
    }
}

extension FuzzFoundTests {
    /// A table key near 255 bytes with bytes that are not UTF-8: replacing them made the key
    /// longer than a short string can carry, so it no longer round-tripped. Now refused.
    @Test func shortStringThatIsNotUTF8IsRefused() throws {
        let url = try #require(Bundle.module.url(forResource: "Golden/fuzz-invalid-utf8-table-key", withExtension: "bin"))
        var buffer = ByteBuffer(bytes: try Data(contentsOf: url))
        #expect(throws: AMQPDecodingError.malformedMethod(classID: 10, methodID: 10, reason: "short string is not valid UTF-8")) {
            _ = try decodeOneFrame(&buffer, frameSizeBytesMax: 131_072)
        }
    }

    @Test func validMultiByteUTF8ShortStringRoundTrips() throws {
        var buffer = ByteBuffer()
        buffer.writeAMQPFrame(channel: 1, method: .queueDeclare(.init(queue: "очередь-キュー-🐇")))
        let frame = try decodeOneFrame(&buffer)
        #expect(frame == Frame(channel: 1, payload: .method(.queueDeclare(.init(queue: "очередь-キュー-🐇")))))
    }
}

extension FuzzFoundTests {
    /// A NaN double in a field table keeps its exact bits through decode and encode.
    @Test func nanDoubleKeepsItsBits() throws {
        let bits: UInt64 = 0xFFFF_FFFF_0001_D10C
        var buffer = ByteBuffer()
        buffer.writeAMQPFieldTable(["d": .double(Double(bitPattern: bits))])
        let table = try buffer.readAMQPFieldTable()
        guard case .double(let value)? = table["d"] else {
            Issue.record("not a double")
            return
        }
        #expect(value.isNaN && value.bitPattern == bits)
    }
}
