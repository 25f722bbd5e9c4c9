"""pika's SelectConnection (callbacks on its own I/O loop): the core paths of a client."""
import uuid

import pika
import pytest

from pika_async import Box, call, run

pytestmark = pytest.mark.client("pika SelectConnection")


def name():
    return f"select-{uuid.uuid4().hex[:8]}"


def test_declare_queue(amqp_url):
    def scenario(channel):
        queue = name()
        frame = yield call(channel.queue_declare, queue)
        assert frame.method.queue == queue
        frame = yield call(channel.queue_declare, queue, passive=True)
        assert (frame.method.message_count, frame.method.consumer_count) == (0, 0)
        yield call(channel.queue_delete, queue)
    run(amqp_url, scenario)


def test_publish_consume_ack(amqp_url):
    def scenario(channel):
        queue = name()
        yield call(channel.queue_declare, queue)
        for i in range(3):
            channel.basic_publish("", queue, f"{i}".encode())
        deliveries = Box()
        channel.basic_consume(queue, lambda ch, method, properties, body: deliveries.put((method, body)))
        bodies = []
        for _ in range(3):
            method, body = yield deliveries.get
            bodies.append(body)
            channel.basic_ack(method.delivery_tag)
        assert bodies == [b"0", b"1", b"2"]
        # The acks were handled before this round trip's answer: nothing is left ready or unacked.
        yield call(channel.basic_qos, prefetch_count=0)
        frame = yield call(channel.queue_declare, queue, passive=True)
        assert frame.method.message_count == 0
        yield call(channel.queue_delete, queue)
    run(amqp_url, scenario)


def test_publisher_confirms(amqp_url):
    def scenario(channel):
        queue = name()
        yield call(channel.queue_declare, queue)
        confirms = Box()
        yield lambda done: channel.confirm_delivery(confirms.put, callback=done)
        for i in range(5):
            channel.basic_publish("", queue, f"{i}".encode())
        acked = set()
        while len(acked) < 5:
            frame = yield confirms.get
            assert isinstance(frame.method, pika.spec.Basic.Ack)
            first = max(acked, default=0) + 1
            acked.update(range(first, frame.method.delivery_tag + 1) if frame.method.multiple
                         else [frame.method.delivery_tag])
        assert acked == {1, 2, 3, 4, 5}
        yield call(channel.queue_delete, queue)
    run(amqp_url, scenario)


def requeue_scenario(amqp_url, refuse):
    def scenario(channel):
        queue = name()
        yield call(channel.queue_declare, queue)
        channel.basic_publish("", queue, b"again")
        deliveries = Box()
        channel.basic_consume(queue, lambda ch, method, properties, body: deliveries.put((method, body)))
        method, body = yield deliveries.get
        assert (body, method.redelivered) == (b"again", False)
        refuse(channel, method.delivery_tag)
        method, body = yield deliveries.get
        assert (body, method.redelivered) == (b"again", True)
        channel.basic_ack(method.delivery_tag)
        yield call(channel.queue_delete, queue)
    run(amqp_url, scenario)


def test_nack_requeue_sets_redelivered(amqp_url):
    requeue_scenario(amqp_url, lambda channel, tag: channel.basic_nack(tag, requeue=True))


def test_reject_requeue_sets_redelivered(amqp_url):
    requeue_scenario(amqp_url, lambda channel, tag: channel.basic_reject(tag, requeue=True))


def test_basic_get(amqp_url):
    def scenario(channel):
        queue = name()
        yield call(channel.queue_declare, queue)
        channel.basic_publish("", queue, b"one")
        channel.basic_publish("", queue, b"two")
        got = Box()
        channel.basic_get(queue, lambda ch, method, properties, body: got.put((method, body)))
        method, body = yield got.get
        assert (body, method.message_count) == (b"one", 1)
        channel.basic_ack(method.delivery_tag)
        channel.basic_get(queue, lambda ch, method, properties, body: got.put((method, body)), auto_ack=True)
        method, body = yield got.get
        assert (body, method.message_count) == (b"two", 0)
        # On an empty queue the broker answers get-empty, which pika does not pass to the callback
        # but which frees the channel for the next basic.get (else DuplicateGetOkCallback).
        channel.basic_get(queue, lambda *_: got.put("unexpected"), auto_ack=True)
        frame = yield call(channel.queue_declare, queue, passive=True)
        assert frame.method.message_count == 0 and not got.items
        channel.basic_publish("", queue, b"three")
        channel.basic_get(queue, lambda ch, method, properties, body: got.put((method, body)), auto_ack=True)
        method, body = yield got.get
        assert body == b"three"
        yield call(channel.queue_delete, queue)
    run(amqp_url, scenario)


def test_mandatory_return(amqp_url):
    def scenario(channel):
        returns = Box()
        channel.add_on_return_callback(lambda ch, method, properties, body: returns.put((method, body)))
        channel.basic_publish("amq.direct", name(), b"nowhere", mandatory=True)
        method, body = yield returns.get
        assert (method.reply_code, method.reply_text, body) == (312, "NO_ROUTE", b"nowhere")
    run(amqp_url, scenario)
