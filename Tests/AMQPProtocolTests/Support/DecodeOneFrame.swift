import AMQPProtocol
import NIOCore

/// Decodes one frame with a fresh decoder (`decodeFrame` is mutating: a decoder remembers the
/// last publish's names), for tests that look at a single frame.
func decodeOneFrame(_ buffer: inout ByteBuffer,
                    frameSizeBytesMax: UInt32 = AMQPLimits.frameSizeBytesMin) throws(AMQPDecodingError) -> Frame? {
    var decoder = FrameDecoder(frameSizeBytesMax: frameSizeBytesMax)
    return try decoder.decodeFrame(from: &buffer)
}
