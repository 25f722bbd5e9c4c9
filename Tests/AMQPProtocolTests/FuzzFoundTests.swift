import AMQPProtocol
import NIOCore
import Testing

/// Inputs the fuzzer found, kept as regression tests (each also lives in Fuzz/corpus).
@Suite struct FuzzFoundTests {
    /// A heartbeat on channel 8 re-encoded onto channel 0, so it no longer round-tripped.
    @Test func heartbeatOffChannelZeroRoundTrips() throws {
        var buffer = ByteBuffer(bytes: [0x08, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0xCE, 0x00, 0x00, 0x00, 0xCE])
        let decoder = FrameDecoder()
        let frame = try #require(try decoder.decodeFrame(from: &buffer))
        #expect(frame == Frame(channel: 8, payload: .heartbeat))
        var encoded = ByteBuffer()
        encoded.writeAMQPFrame(frame)
        #expect(try decoder.decodeFrame(from: &encoded) == frame)
    }
}
