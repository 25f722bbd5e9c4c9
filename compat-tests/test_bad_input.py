"""Malformed input gets RabbitMQ's reply code and a closed connection, and the broker keeps
serving every other connection. Where RabbitMQ 3.10 itself misbehaves (drops the socket with
no reason, or accepts what it should refuse), the difference is in docs/compatibility.md."""
import struct

import pika
import pytest

from amqpraw import RawConnection, content_header, frame, longstr, method, publish, shortstr

pytestmark = pytest.mark.client("raw sockets")


def queue_declare(channel, name, arguments=struct.pack(">I", 0)):
    return frame(1, channel, method(50, 10, struct.pack(">H", 0) + shortstr(name) + b"\x00" + arguments))


# name -> (needs open channel 1, bytes to send, expected outcome)
SAME_AS_RABBITMQ = {
    "frame larger than frame_max": (False, struct.pack(">BHI", 1, 0, 200000), ("connection.close", 501)),
    "wrong frame end": (False, frame(8, 0, b"")[:-1] + b"\xcd", ("connection.close", 501)),
    "unknown frame type": (False, frame(4, 0, b""), ("connection.close", 501)),
    "method on a channel never opened": (False, queue_declare(5, "q"), ("connection.close", 504)),
    "content header without a method": (True, content_header(1, 3), ("connection.close", 505)),
    "body frame without a header": (True, publish(1) + frame(3, 1, b"abc"), ("connection.close", 505)),
    "method while a header is expected": (True, publish(1) + publish(1), ("connection.close", 505)),
    "method while a body is expected": (True, publish(1) + content_header(1, 3) + publish(1),
                                         ("connection.close", 505)),
    "header of another class": (True, publish(1) + content_header(1, 3, class_id=50), ("connection.close", 505)),
    "content method on channel 0": (False, publish(0), ("connection.close", 504)),
    "heartbeat on channel 1": (True, frame(8, 1, b""), ("connection.close", 505)),
    "truncated method arguments": (True, frame(1, 1, method(50, 10, struct.pack(">H", 0) + b"\x09ab")),
                                   ("connection.close", 501)),
    "connection method on channel 1": (True, frame(1, 1, method(10, 40, shortstr("/") + shortstr("") + b"\x00")),
                                       ("connection.close", 503)),
    "server-only method from the client": (True, frame(1, 1, method(20, 11, longstr(b""))),
                                           ("connection.close", 503)),
}


@pytest.mark.parametrize("name", sorted(SAME_AS_RABBITMQ))
def test_bad_input_gets_rabbitmqs_reply_code(amqp_port, name):
    needs_channel, data, (kind, code) = SAME_AS_RABBITMQ[name]
    connection = RawConnection(amqp_port)
    if needs_channel:
        connection.open_channel(1)
    connection.send(data)
    outcome = connection.outcome()
    assert outcome[:2] == (kind, code), outcome
    connection.close()


@pytest.mark.parametrize("greeting", [b"GET / HTTP/1.1\r\n\r\n", b"AMQP\x01\x01\x00\x0a", b"AMQP\x00\x00\x09\x02"])
def test_wrong_protocol_header_is_answered_with_ours_and_closed(amqp_port, greeting):
    connection = RawConnection(amqp_port, handshake=False)
    connection.send(greeting)
    received = b""
    while True:
        try:
            data = connection.sock.recv(100)
        except ConnectionResetError:
            break
        if not data:
            break
        received += data
    assert received == b"AMQP\x00\x00\x09\x01"


def test_unknown_vhost_is_530(amqp_port):
    connection = RawConnection(amqp_port, vhost="no-such-vhost")
    frame_type, _, payload = connection.opened
    assert payload[:4] == struct.pack(">HH", 10, 50)
    assert struct.unpack(">H", payload[4:6])[0] == 530
    assert b"NOT_ALLOWED - vhost no-such-vhost not found" in payload


@pytest.mark.rabbitmq_differs("RabbitMQ 3.10 drops the socket without connection.close")
@pytest.mark.parametrize("name,data", [
    ("unknown method", frame(1, 1, method(60, 99))),
    ("unknown class", frame(1, 1, method(99, 10))),
    ("unknown field table type", queue_declare(1, "q", struct.pack(">I", 3) + shortstr("k") + b"Q")),
])
def test_undecodable_method_closes_the_connection(amqp_port, broker, name, data):
    connection = RawConnection(amqp_port)
    connection.open_channel(1)
    connection.send(data)
    outcome = connection.outcome()
    if broker == "rabbitmq":
        assert outcome == ("eof",)
    else:
        expected = 501 if "field" in name else 503
        assert outcome[:2] == ("connection.close", expected), outcome


@pytest.mark.rabbitmq_differs("RabbitMQ 3.10 waits for more frames; Warren refuses the excess body")
def test_body_longer_than_declared(amqp_port, broker):
    connection = RawConnection(amqp_port)
    connection.open_channel(1)
    connection.send(publish(1) + content_header(1, 3) + frame(3, 1, b"abcdef"))
    outcome = connection.outcome()
    if broker == "rabbitmq":
        assert outcome == ("timeout",)
    else:
        assert outcome[:2] == ("connection.close", 501), outcome


@pytest.mark.rabbitmq_differs("RabbitMQ 3.10 opens channel ids above channel_max; Warren refuses them")
def test_channel_above_channel_max(amqp_port, broker):
    connection = RawConnection(amqp_port)
    connection.send(frame(1, 3000, method(20, 10, shortstr(""))))
    if broker == "rabbitmq":
        frame_type, channel, payload = connection.read_frame()
        assert (channel, payload[:4]) == (3000, struct.pack(">HH", 20, 11))
    else:
        assert connection.outcome()[:2] == ("connection.close", 530)


def test_other_connections_keep_working_while_one_misbehaves(amqp_url, amqp_port):
    good = pika.BlockingConnection(pika.URLParameters(amqp_url))
    for needs_channel, data, _ in SAME_AS_RABBITMQ.values():
        bad = RawConnection(amqp_port)
        if needs_channel:
            bad.open_channel(1)
        bad.send(data)
        bad.outcome()
        bad.close()
    channel = good.channel()
    assert channel.is_open and good.is_open
    good.close()


def nested_table(depth):
    """A field table holding a table holding a table ... `depth` levels deep."""
    table = struct.pack(">I", 0)
    for _ in range(depth):
        entry = shortstr("k") + b"F" + table
        table = struct.pack(">I", len(entry)) + entry
    return table


# Every kind of bad input, including those where RabbitMQ answers differently (see the tests
# above): (needs open channel 1, bytes to send after the handshake, or None to send `greeting`
# instead of a protocol header).
EVERY_BAD_INPUT = {
    **{name: (needs, data) for name, (needs, data, _) in SAME_AS_RABBITMQ.items()},
    "unknown method": (True, frame(1, 1, method(60, 99))),
    "unknown class": (True, frame(1, 1, method(99, 10))),
    "unknown field table type": (True, queue_declare(1, "q", struct.pack(">I", 3) + shortstr("k") + b"Q")),
    "field table nested 1,100 deep": (True, queue_declare(1, "deep", nested_table(1100))),
    "body longer than declared": (True, publish(1) + content_header(1, 3) + frame(3, 1, b"abcdef")),
    "channel above channel_max": (False, frame(1, 3000, method(20, 10, shortstr("")))),
}
GREETINGS = {"garbage instead of a protocol header": b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(200)}


def test_every_bad_input_leaves_other_connections_served(amqp_url, amqp_port):
    """A connection that keeps publishing and getting while each bad input is tried on another."""
    good = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = good.channel()
    channel.confirm_delivery()
    queue = channel.queue_declare("", exclusive=True).method.queue

    def round_trip(label):
        channel.basic_publish("", queue, label.encode())
        method, _, body = channel.basic_get(queue, auto_ack=True)
        assert body == label.encode(), f"after {label}"

    for name, greeting in GREETINGS.items():
        bad = RawConnection(amqp_port, handshake=False)
        bad.send(greeting)
        bad.outcome()
        bad.close()
        round_trip(name)
    for name, (needs_channel, data) in EVERY_BAD_INPUT.items():
        bad = RawConnection(amqp_port)
        if needs_channel:
            bad.open_channel(1)
        bad.send(data)
        bad.outcome()  # the broker has dealt with it (or, for RabbitMQ's body case, ignored it)
        bad.close()
        round_trip(name)
    good.close()


@pytest.mark.parametrize("exchange_type,text", [
    ("", "COMMAND_INVALID - invalid exchange type ''"),
    ("nope", "COMMAND_INVALID - unknown exchange type 'nope'"),
])
def test_an_unknown_exchange_type_closes_the_connection_503(amqp_port, exchange_type, text):
    connection = RawConnection(amqp_port)
    connection.open_channel(1)
    connection.send(frame(1, 1, method(40, 10, struct.pack(">H", 0) + shortstr("ex-" + exchange_type) +
                                      shortstr(exchange_type) + b"\x00" + struct.pack(">I", 0))))
    assert connection.outcome() == ("connection.close", 503, text)


def test_a_bad_x_match_is_406_naming_the_value(amqp_url):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    queue = channel.queue_declare("", exclusive=True).method.queue
    with pytest.raises(pika.exceptions.ChannelClosedByBroker) as closed:
        channel.queue_bind(queue, "amq.headers", arguments={"x-match": "foo"})
    assert (closed.value.reply_code, closed.value.reply_text) == (
        406, 'PRECONDITION_FAILED - Invalid x-match field value <<"foo">>; expected all, any, all-with-x, or any-with-x')
    connection.close()
