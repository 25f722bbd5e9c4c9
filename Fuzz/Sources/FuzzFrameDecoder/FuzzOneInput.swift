// FuzzOneInput.swift: the function libFuzzer calls with each input. Feeds arbitrary bytes to the frame decoder
// (as a stream of frames, at the default frame_max) and re-encodes whatever decodes: any
// crash, sanitizer report or non-terminating loop is a bug. Decoding errors are expected.
import AMQPProtocol
import NIOCore

/// Called by libFuzzer with each input.
func fuzzFrameDecoder(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    var buffer = ByteBuffer(bytes: UnsafeBufferPointer(start: start, count: count))
    var decoder = FrameDecoder(frameSizeBytesMax: 131_072)
    var frames = 0
    while frames < 10_000 {
        guard let frame = try? decoder.decodeFrame(from: &buffer) else { break }
        frames += 1
        var encoded = ByteBuffer()
        encoded.writeAMQPFrame(frame)
        // A decoded frame re-encodes into bytes that decode and re-encode to the same bytes.
        // (Bytes, not values: a NaN in a field table is not equal to itself.)
        var copy = encoded
        guard let again = try? decoder.decodeFrame(from: &copy) else {
            preconditionFailure("re-encoded frame does not decode: \(frame)")
        }
        var reencoded = ByteBuffer()
        reencoded.writeAMQPFrame(again)
        precondition(reencoded == encoded, "re-encoded frame differs: \(frame)")
    }
    return 0
}
