import AMQPProtocol
import NIOCore
import Testing

@Suite struct MethodRoundTripTests {
    @Test func everyMethodOfTheSpecHasASample() {
        // 14 + 6 + 2 + 8 + 10 + 18 + 6 + 2 methods in the RabbitMQ definition.
        #expect(everyMethodSample.count == 66)
        #expect(Set(everyMethodSample.map { "\($0.classID)/\($0.methodID)" }).count == 66)
    }

    @Test(arguments: everyMethodSample)
    func roundTrip(_ method: Method) throws {
        var buffer = ByteBuffer()
        buffer.writeAMQPFrame(channel: 7, method: method)
        let frame = try decodeOneFrame(&buffer, frameSizeBytesMax: 131_072)
        #expect(frame == Frame(channel: 7, payload: .method(method)))
        #expect(buffer.readableBytes == 0)
    }

    @Test(arguments: everyMethodSample)
    func truncatedArgumentsAreRejected(_ method: Method) throws {
        var payload = ByteBuffer()
        method.encode(into: &payload)
        guard payload.readableBytes > 4 else { return }  // nothing to cut from argument-less methods
        var cut = payload.getSlice(at: 0, length: payload.readableBytes - 1)!
        #expect(throws: AMQPDecodingError.self) { _ = try Method.decode(from: &cut) }
    }

    @Test func unknownMethodIsCommandInvalid() {
        var payload = ByteBuffer(bytes: [0, 60, 0, 99])
        #expect(throws: AMQPDecodingError.unknownMethod(classID: 60, methodID: 99)) {
            _ = try Method.decode(from: &payload)
        }
        #expect(AMQPDecodingError.unknownMethod(classID: 60, methodID: 99).replyCode == .commandInvalid)
    }

    @Test func bitsArePackedInOrderIntoOneOctet() {
        let consume = Method.basicConsume(.init(queue: "q", consumerTag: "", noLocal: false, noAck: true,
                                                exclusive: false, nowait: true))
        var payload = ByteBuffer()
        consume.encode(into: &payload)
        // class, method, ticket, "q", "", bits, empty table
        #expect(Array(payload.readableBytesView) == [0, 60, 0, 20, 0, 0, 1, 0x71, 0, 0b1010, 0, 0, 0, 0])
    }
}
