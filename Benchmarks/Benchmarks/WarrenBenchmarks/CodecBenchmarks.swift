// CodecBenchmarks.swift: a publish decoded (method, header, body frames) and a delivery encoded,
// as the connection's loop does once per message.
import AMQPProtocol
import Benchmark
import NIOCore

func codecBenchmarks() {
    Benchmark("AMQP_decode:_basic.publish+header+16B_body") { benchmark in
        var frames = ByteBuffer()
        // A routing key over the 15 bytes a String holds inline, as amqp-perf's queue names
        // are: the decoder shares the repeated name (PublishNames), so this stays at 0 mallocs.
        frames.writeAMQPFrame(Frame(channel: 1, payload: .method(.basicPublish(.init(exchange: "", routingKey: "bench-a1k-1-12345")))))
        frames.writeAMQPFrame(Frame(channel: 1, payload: .header(ContentHeader(bodySize: 16, properties: .init(deliveryMode: 2)))))
        frames.writeAMQPFrame(Frame(channel: 1, payload: .body(ByteBuffer(repeating: 0x61, count: 16))))
        var decoder = FrameDecoder(frameSizeBytesMax: 131_072)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            var input = frames
            while let frame = try decoder.decodeFrame(from: &input) { blackHole(frame) }
        }
    }

    Benchmark("AMQP_encode:_basic.deliver+header+16B_body") { benchmark in
        var properties = ByteBuffer()
        BasicProperties(deliveryMode: 2).encode(into: &properties)
        let body = ByteBuffer(repeating: 0x61, count: 16)
        var output = ByteBuffer()
        output.reserveCapacity(4096)
        benchmark.startMeasurement()
        for tag in benchmark.scaledIterations {
            output.clear()
            output.writeAMQPFrame(channel: 1, method: .basicDeliver(.init(
                consumerTag: "ctag-1", deliveryTag: UInt64(tag), redelivered: false, exchange: "", routingKey: "work")))
            output.writeAMQPContentHeader(channel: 1, bodySize: UInt64(body.readableBytes), rawProperties: properties)
            output.writeAMQPBody(channel: 1, body: body, frameSizeBytesMax: 131_072)
            blackHole(output)
        }
    }
}
