"""Persistence across restarts and SIGKILL: confirmed messages survive, group positions survive,
unacknowledged deliveries come back flagged redelivered. Each test runs a Warren of its own."""
import os
import random
import struct
import time

import pika
import pytest

from amqpraw import RawConnection, content_header, frame, method, shortstr
from warren_process import WarrenProcess

pytestmark = pytest.mark.warren_only("starts and kills a broker process of its own")


def drain(url, queue, count, arguments=None, prefetch=500):
    """Consumes and acks `count` messages (bounded wait), then one round trip more, so deliveries
    beyond `count` show too; returns every (body, redelivered) that arrived."""
    connection = pika.BlockingConnection(pika.URLParameters(url))
    channel = connection.channel()
    channel.basic_qos(prefetch_count=prefetch)
    got = []

    def on_message(ch, m, _, body):
        got.append((body, m.redelivered))
        ch.basic_ack(m.delivery_tag)
    tag = channel.basic_consume(queue, on_message, arguments=arguments or {})
    deadline = time.monotonic() + 30
    while len(got) < count and time.monotonic() < deadline:
        connection.process_data_events(time_limit=0.1)
    channel.queue_declare(queue, passive=True)  # deliveries sent before its reply are handled below
    connection.process_data_events(time_limit=0)
    channel.basic_cancel(tag)
    connection.close()
    return got


def test_sigkill_during_confirmed_publishes_loses_no_confirmed_message():
    total = int(os.environ.get("WARREN_CONFIRM_CRASH_MESSAGES", "20000"))
    warren = WarrenProcess().start()
    try:
        connection = RawConnection(warren.port)
        connection.open_channel(1)
        connection.send(frame(1, 1, method(50, 10, struct.pack(">H", 0) + shortstr("crash") + b"\x02"
                                           + struct.pack(">I", 0))))  # durable
        connection.read_frame()
        connection.send(frame(1, 1, method(85, 10, b"\x00")))  # confirm.select
        connection.read_frame()
        kill_after = random.randint(total // 10, total * 9 // 10)
        confirmed, sent = 0, 0
        persistent = struct.pack(">HHQH", 60, 0, 8, 0x1000) + b"\x02"  # delivery-mode 2
        while sent < total:
            window = b"".join(
                frame(1, 1, method(60, 40, struct.pack(">H", 0) + shortstr("") + shortstr("crash") + b"\x00"))
                + frame(2, 1, persistent) + frame(3, 1, struct.pack(">Q", seq))
                for seq in range(sent + 1, min(sent + 500, total) + 1))
            connection.send(window)
            sent = min(sent + 500, total)
            while confirmed < sent - 1000 or (sent == total and confirmed < total):
                got = connection.read_frame()
                assert got is not None
                _, _, payload = got
                if payload[:4] == struct.pack(">HH", 60, 80):
                    confirmed = max(confirmed, struct.unpack(">Q", payload[4:12])[0])
                if confirmed >= kill_after:
                    break
            if confirmed >= kill_after:
                break
        warren.kill()
        connection.close()

        warren.start()
        connection = pika.BlockingConnection(pika.URLParameters(warren.url))
        channel = connection.channel()
        ready = channel.queue_declare("crash", durable=True).method.message_count
        connection.close()
        got = drain(warren.url, "crash", ready)
        sequences = {struct.unpack(">Q", body)[0] for body, _ in got}
        missing = [seq for seq in range(1, confirmed + 1) if seq not in sequences]
        assert confirmed >= kill_after and not missing, f"{len(missing)} confirmed messages lost"
    finally:
        warren.stop()


def test_group_positions_and_unacked_deliveries_survive_a_restart():
    warren = WarrenProcess().start()
    try:
        connection = pika.BlockingConnection(pika.URLParameters(warren.url))
        channel = connection.channel()
        channel.queue_declare("events", durable=True)
        channel.confirm_delivery()
        for i in range(10):
            channel.basic_publish("", "events", f"{i}".encode(), pika.BasicProperties(delivery_mode=2))
        billing = drain(warren.url, "events", 10, {"x-consumer-group": "billing", "x-stream-offset": "first"})
        assert [b for b, _ in billing] == [f"{i}".encode() for i in range(10)]
        # analytics reads 3 and acks them, then holds 2 unacked when the broker dies.
        channel.basic_qos(prefetch_count=5)
        taken = []
        for m, _, body in channel.consume("events", arguments={"x-consumer-group": "analytics",
                                                              "x-stream-offset": "first"}, inactivity_timeout=3):
            taken.append(m)
            if len(taken) == 5:
                break
        channel.cancel()  # no further deliveries once acks free the prefetch window
        for m in taken[:3]:
            channel.basic_ack(m.delivery_tag)
        # A synchronous round trip on the same channel: the broker has handled the acks before it.
        channel.queue_declare("events", passive=True)
        data_bytes = sum(os.path.getsize(os.path.join(root, name))
                         for root, _, names in os.walk(warren.data_dir) for name in names if name.endswith(".log"))
        warren.kill()

        warren.start()
        connection = pika.BlockingConnection(pika.URLParameters(warren.url))
        connection.channel().queue_declare("events", durable=True)
        connection.close()
        assert drain(warren.url, "events", 0, {"x-consumer-group": "billing"}) == []
        analytics = drain(warren.url, "events", 7, {"x-consumer-group": "analytics"})
        assert [b for b, _ in analytics] == [f"{i}".encode() for i in range(3, 10)]
        assert [r for _, r in analytics] == [True, True] + [False] * 5
        # Three groups read the queue, but each payload is on disk once.
        assert data_bytes < 10 * 200, data_bytes
    finally:
        warren.stop()


def test_durable_definitions_survive_a_restart_and_transient_ones_do_not():
    warren = WarrenProcess().start()
    try:
        connection = pika.BlockingConnection(pika.URLParameters(warren.url))
        channel = connection.channel()
        channel.exchange_declare("orders", "topic", durable=True)
        channel.exchange_declare("orders-ae", "fanout", durable=True)
        channel.exchange_declare("routed", "direct", durable=True, arguments={"alternate-exchange": "orders-ae"})
        channel.exchange_declare("scratch", "fanout", durable=False)
        channel.queue_declare("orders.eu", durable=True, arguments={"x-max-priority": 5})
        channel.queue_declare("orders.unrouted", durable=True)
        channel.queue_declare("orders.transient", durable=False)
        channel.queue_bind("orders.eu", "orders", "eu.#")
        channel.queue_bind("orders.unrouted", "orders-ae")
        channel.queue_bind("orders.transient", "orders", "#")
        channel.exchange_bind("routed", "orders", "eu.*")
        channel.queue_declare("orders.gone", durable=True)
        channel.queue_delete("orders.gone")
        connection.close()
        warren.kill()

        warren.start()
        connection = pika.BlockingConnection(pika.URLParameters(warren.url))
        channel = connection.channel()
        channel.confirm_delivery()
        channel.exchange_declare("orders", "topic", passive=True)
        channel.exchange_declare("routed", "direct", passive=True)
        channel.queue_declare("orders.eu", passive=True)
        # A redeclaration with other arguments is still refused: the arguments came back too.
        with pytest.raises(pika.exceptions.ChannelClosedByBroker) as refused:
            channel.queue_declare("orders.eu", durable=True)
        assert refused.value.reply_code == 406
        channel = connection.channel()
        channel.confirm_delivery()
        for name in ("orders.transient", "orders.gone"):
            with pytest.raises(pika.exceptions.ChannelClosedByBroker) as missing:
                channel.queue_declare(name, passive=True)
            assert missing.value.reply_code == 404
            channel = connection.channel()
            channel.confirm_delivery()
        with pytest.raises(pika.exceptions.ChannelClosedByBroker) as missing:
            channel.exchange_declare("scratch", "fanout", passive=True)
        assert missing.value.reply_code == 404
        channel = connection.channel()
        channel.confirm_delivery()
        # Bindings came back: topic to queue, exchange to exchange, and the alternate exchange.
        channel.basic_publish("orders", "eu.de", b"via topic", mandatory=True)
        channel.basic_publish("routed", "nobody", b"via alternate", mandatory=True)
        assert channel.basic_get("orders.eu", auto_ack=True)[2] == b"via topic"
        # "eu.de" also reaches `routed` through the exchange binding, where nothing matches it.
        assert channel.basic_get("orders.unrouted", auto_ack=True)[2] == b"via topic"
        assert channel.basic_get("orders.unrouted", auto_ack=True)[2] == b"via alternate"
        connection.close()
    finally:
        warren.stop()


def take(url, queue, group, count, offset=None):
    """Reads and acks exactly `count` messages of `group` (prefetch `count`, bounded wait)."""
    connection = pika.BlockingConnection(pika.URLParameters(url))
    channel = connection.channel()
    channel.basic_qos(prefetch_count=count)
    arguments = {"x-consumer-group": group, **({"x-stream-offset": offset} if offset is not None else {})}
    bodies = []
    for method, _, body in channel.consume(queue, arguments=arguments, inactivity_timeout=10):
        assert method is not None, f"{group}: only {len(bodies)} of {count}"
        bodies.append(body)
        channel.basic_ack(method.delivery_tag)
        if len(bodies) == count:
            break
    channel.cancel()
    channel.queue_declare(queue, passive=True)  # the acks are handled before this answer
    connection.close()
    return bodies


def log_bytes(data_dir):
    return sum(os.path.getsize(os.path.join(root, name))
               for root, _, names in os.walk(data_dir) for name in names if name.endswith(".log"))


def test_fan_out_by_groups_survives_a_restart_with_each_payload_on_disk_once():
    """billing and analytics from the first message, audit from the next one, each at its own
    pace; a SIGKILL in the middle; every group still gets every message once."""
    warren = WarrenProcess().start()
    payload = 1024
    events = [f"{i:04d}".encode() + bytes(payload - 4) for i in range(250)]
    try:
        connection = pika.BlockingConnection(pika.URLParameters(warren.url))
        channel = connection.channel()
        channel.queue_declare("events", durable=True)
        channel.confirm_delivery()
        for body in events[:200]:
            channel.basic_publish("", "events", body, pika.BasicProperties(delivery_mode=2))
        connection.close()
        assert take(warren.url, "events", "billing", 120, "first") == events[:120]
        assert take(warren.url, "events", "analytics", 50, "first") == events[:50]
        assert drain(warren.url, "events", 0, {"x-consumer-group": "audit", "x-stream-offset": "next"}) == []
        before = log_bytes(warren.data_dir)
        warren.kill()

        warren.start()
        connection = pika.BlockingConnection(pika.URLParameters(warren.url))
        channel = connection.channel()
        channel.confirm_delivery()
        for body in events[200:]:
            channel.basic_publish("", "events", body, pika.BasicProperties(delivery_mode=2))
        connection.close()
        assert take(warren.url, "events", "billing", 130) == events[120:]
        assert take(warren.url, "events", "analytics", 200) == events[50:]
        assert take(warren.url, "events", "audit", 50) == events[200:]
        for group in ("billing", "analytics", "audit"):
            assert drain(warren.url, "events", 0, {"x-consumer-group": group}) == [], group
        # Three groups (four with the default one) read the queue; each payload is stored once:
        # the log holds the 200, then 250, payloads plus framing, far from two copies of them.
        after = log_bytes(warren.data_dir)
        print(f"log bytes: {before} for 200 payloads of {payload} B, {after} for 250")
        assert 200 * payload <= before < 1.25 * 200 * payload, before
        assert 250 * payload <= after < 1.25 * 250 * payload, after
    finally:
        warren.stop()
