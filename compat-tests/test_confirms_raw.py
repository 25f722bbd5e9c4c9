"""Publisher confirms on the wire: every publish confirmed once, in order, coalesced with `multiple`."""
import struct
import uuid

from amqpraw import RawConnection, frame, method, shortstr

COUNT = 500


def test_confirms_cover_every_publish_once_and_coalesce_with_multiple(amqp_port):
    connection = RawConnection(amqp_port)
    connection.open_channel(1)
    queue = f"confirms-{uuid.uuid4().hex[:8]}"
    connection.send(frame(1, 1, method(50, 10, struct.pack(">H", 0) + shortstr(queue) + b"\x02" + struct.pack(">I", 0))))
    connection.read_frame()  # declare-ok
    connection.send(frame(1, 1, method(85, 10, b"\x00")))  # confirm.select
    connection.read_frame()  # select-ok
    persistent = struct.pack(">HHQH", 60, 0, 4, 0x1000) + b"\x02"
    connection.send(b"".join(
        frame(1, 1, method(60, 40, struct.pack(">H", 0) + shortstr("") + shortstr(queue) + b"\x00"))
        + frame(2, 1, persistent) + frame(3, 1, struct.pack(">I", n)) for n in range(COUNT)))
    confirmed, acks, multiples = 0, 0, 0
    while confirmed < COUNT:
        got = connection.read_frame()
        assert got is not None, f"connection ended after {confirmed} confirms"
        _, _, payload = got
        class_method = struct.unpack(">HH", payload[:4])
        assert class_method == (60, 80), f"expected basic.ack, got {class_method}"
        tag, multiple = struct.unpack(">QB", payload[4:13])
        assert tag > confirmed, "confirms move forward"
        assert multiple or tag == confirmed + 1, "a single ack names the next tag"
        confirmed = tag
        acks += 1
        multiples += multiple
    assert confirmed == COUNT
    assert multiples > 0 and acks < COUNT, f"{acks} acks for {COUNT} publishes"
    connection.close()
