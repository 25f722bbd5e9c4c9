"""rabbitpy (blocking, with its own I/O thread): the core paths of a client."""
import signal
import uuid

import pytest
import rabbitpy

pytestmark = pytest.mark.client("rabbitpy")

TIMEOUT = 10


def name():
    return f"rabbitpy-{uuid.uuid4().hex[:8]}"


@pytest.fixture(autouse=True)
def bounded():
    """rabbitpy's waits have no timeout: SIGALRM ends a test that waits longer than TIMEOUT."""
    def expire(*_):
        raise TimeoutError(f"no answer within {TIMEOUT} s")
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, TIMEOUT)
    yield
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def channel(amqp_url, bounded):
    with rabbitpy.Connection(amqp_url) as connection:
        with connection.channel() as channel:
            yield channel


def publish(channel, queue, *bodies):
    for body in bodies:
        rabbitpy.Message(channel, body).publish("", queue)


def test_declare_queue(channel):
    queue = rabbitpy.Queue(channel, name())
    assert queue.declare() == (0, 0)
    assert queue.declare(passive=True) == (0, 0)
    queue.delete()
    with pytest.raises(rabbitpy.exceptions.AMQPNotFound):
        rabbitpy.Queue(channel, queue.name).declare(passive=True)


def test_publish_consume_ack(channel):
    queue = rabbitpy.Queue(channel, name())
    queue.declare()
    publish(channel, queue.name, b"0", b"1", b"2")
    bodies = []
    for message in queue.consume(prefetch=3):
        message.ack()
        bodies.append(message.body)
        if len(bodies) == 3:
            break  # leaving the generator sends basic.cancel and waits for cancel-ok
    assert bodies == [b"0", b"1", b"2"]
    assert queue.get() is None
    queue.delete()


def test_publisher_confirms(channel):
    queue = rabbitpy.Queue(channel, name())
    queue.declare()
    channel.enable_publisher_confirms()
    assert all(rabbitpy.Message(channel, f"{i}".encode()).publish("", queue.name) is True for i in range(20))
    assert queue.declare(passive=True) == (20, 0)
    queue.delete()


def refuse_then_receive_again(channel, refuse):
    queue = rabbitpy.Queue(channel, name())
    queue.declare()
    publish(channel, queue.name, b"again")
    seen = []
    for message in queue.consume(prefetch=1):
        seen.append((message.body, message.redelivered))
        if len(seen) == 1:
            refuse(message)
        else:
            message.ack()
            break
    assert seen == [(b"again", False), (b"again", True)]
    queue.delete()


def test_nack_requeue_sets_redelivered(channel):
    refuse_then_receive_again(channel, lambda message: message.nack(requeue=True))


def test_reject_requeue_sets_redelivered(channel):
    refuse_then_receive_again(channel, lambda message: message.reject(requeue=True))


def test_basic_get(channel):
    queue = rabbitpy.Queue(channel, name())
    queue.declare()
    publish(channel, queue.name, b"one", b"two")
    first = queue.get()
    assert (first.body, first.method.message_count, first.redelivered) == (b"one", 1, False)
    first.ack()
    second = queue.get(acknowledge=False)
    assert (second.body, second.method.message_count) == (b"two", 0)
    assert queue.get() is None
    queue.delete()


def test_mandatory_return(channel):
    channel.enable_publisher_confirms()
    with pytest.raises(rabbitpy.exceptions.MessageReturnedException) as returned:
        rabbitpy.Message(channel, b"nowhere").publish("amq.direct", name(), mandatory=True)
    assert returned.value.args[:2] == (312, "NO_ROUTE")
