"""Time to live and dead-lettering: x-message-ttl, per-message expiration, x-dead-letter-*,
x-death as RabbitMQ writes it, cycles, and the argument checks."""
import datetime
import time
import uuid

import pika
import pytest

TIMEOUT = 10


def name(prefix="q"):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def dead_letter_setup(channel, **queue_arguments):
    """A fanout dead-letter exchange into a `dead` queue, and a work queue that uses it."""
    dlx, dead, work = name("dlx"), name("dead"), name("work")
    channel.exchange_declare(dlx, "fanout", auto_delete=True)
    channel.queue_declare(dead, exclusive=True)
    channel.queue_bind(dead, dlx)
    channel.queue_declare(work, exclusive=True, arguments={"x-dead-letter-exchange": dlx, **queue_arguments})
    return dlx, dead, work


def get_within(channel, queue, timeout=TIMEOUT, auto_ack=True):
    """basic.get until a message comes (bounded): the event is the message arriving."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        method, properties, body = channel.basic_get(queue, auto_ack=auto_ack)
        if method is not None:
            return method, properties, body
        channel.connection.process_data_events(time_limit=0.02)
    raise AssertionError(f"nothing arrived in {queue} within {timeout} s")


def test_queue_ttl_dead_letters_unconsumed_messages_as_expired(channel, broker):
    _, dead, work = dead_letter_setup(channel, **{"x-message-ttl": 50})
    channel.basic_publish("", work, b"late", pika.BasicProperties(headers={"keep": 1}))
    method, properties, body = get_within(channel, dead)
    assert body == b"late" and method.routing_key == work
    headers = properties.headers
    assert headers["keep"] == 1
    (death,) = headers["x-death"]
    assert (death["count"], death["reason"], death["queue"], death["exchange"], death["routing-keys"]) == \
        (1, "expired", work, "", [work])
    assert "original-expiration" not in death
    assert (headers["x-first-death-reason"], headers["x-first-death-queue"], headers["x-first-death-exchange"]) == \
        ("expired", work, "")
    assert channel.queue_declare(work, passive=True).method.message_count == 0


@pytest.mark.rabbitmq_differs("x-last-death-* headers are RabbitMQ 3.13's; 3.10 writes only x-first-death-*")
def test_per_message_expiration_is_recorded_and_removed(channel, broker):
    _, dead, work = dead_letter_setup(channel)
    channel.basic_publish("", work, b"short", pika.BasicProperties(expiration="30"))
    _, properties, _ = get_within(channel, dead)
    assert properties.expiration is None
    (death,) = properties.headers["x-death"]
    assert death["original-expiration"] == "30" and death["reason"] == "expired"
    if broker == "warren":
        assert properties.headers["x-last-death-reason"] == "expired"
    else:
        assert "x-last-death-reason" not in properties.headers


def take(channel, queue, timeout=TIMEOUT):
    """basic.get without auto-ack until a message comes (bounded)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        method, properties, body = channel.basic_get(queue)
        if method is not None:
            return method, properties, body
        channel.connection.process_data_events(time_limit=0.02)
    raise AssertionError(f"nothing arrived in {queue} within {timeout} s")


def test_rejected_message_is_dead_lettered_with_its_cc_keys(channel):
    _, dead, work = dead_letter_setup(channel)
    channel.basic_publish("", work, b"no", pika.BasicProperties(headers={"CC": ["elsewhere"]}))
    method, _, _ = take(channel, work)
    channel.basic_reject(method.delivery_tag, requeue=False)
    _, properties, body = get_within(channel, dead)
    (death,) = properties.headers["x-death"]
    assert (body, death["reason"], death["routing-keys"]) == (b"no", "rejected", [work, "elsewhere"])


def test_dead_letter_routing_key_replaces_the_original(channel):
    dlx, target = name("dlx"), name("target")
    channel.exchange_declare(dlx, "direct", auto_delete=True)
    channel.queue_declare(target, exclusive=True)
    channel.queue_bind(target, dlx, "retry")
    work = name("work")
    channel.queue_declare(work, exclusive=True, arguments={"x-dead-letter-exchange": dlx,
                                                           "x-dead-letter-routing-key": "retry",
                                                           "x-message-ttl": 0})
    channel.basic_publish("", work, b"r")
    method, properties, _ = get_within(channel, target)
    assert method.routing_key == "retry" and method.exchange == dlx
    assert properties.headers["x-death"][0]["routing-keys"] == [work]


def test_ttl_zero_goes_to_a_waiting_consumer_and_expires_otherwise(connection, channel):
    _, dead, work = dead_letter_setup(channel, **{"x-message-ttl": 0})
    channel.basic_publish("", work, b"nobody")
    assert get_within(channel, dead)[2] == b"nobody"
    consumer = connection.channel()
    got = []
    consumer.basic_consume(work, lambda ch, m, p, body: got.append(body), auto_ack=True)
    channel.basic_publish("", work, b"someone")
    deadline = time.monotonic() + TIMEOUT
    while not got and time.monotonic() < deadline:
        connection.process_data_events(time_limit=0.05)
    assert got == [b"someone"]


def test_a_retry_loop_counts_every_round_on_one_x_death_entry(channel):
    """Celery-style: work -> reject -> wait (TTL) -> back to work, five rounds."""
    work_dlx, wait_dlx = name("to-wait"), name("to-work")
    work, wait = name("work"), name("wait")
    channel.exchange_declare(work_dlx, "fanout", auto_delete=True)
    channel.exchange_declare(wait_dlx, "fanout", auto_delete=True)
    channel.queue_declare(work, exclusive=True, arguments={"x-dead-letter-exchange": work_dlx})
    channel.queue_declare(wait, exclusive=True, arguments={"x-dead-letter-exchange": wait_dlx, "x-message-ttl": 20})
    channel.queue_bind(wait, work_dlx)
    channel.queue_bind(work, wait_dlx)
    channel.basic_publish("", work, b"task")
    counts = []
    for _ in range(5):
        method, properties, _ = take(channel, work)
        deaths = (properties.headers or {}).get("x-death", [])
        counts.append(next((d["count"] for d in deaths if d["queue"] == work and d["reason"] == "rejected"), 0))
        channel.basic_reject(method.delivery_tag, requeue=False)
    assert counts == [0, 1, 2, 3, 4]
    _, properties, _ = get_within(channel, work)
    rejected = [d for d in properties.headers["x-death"] if d["reason"] == "rejected"]
    assert [d["count"] for d in rejected] == [5]


def test_an_expiry_cycle_without_rejection_is_dropped(channel):
    a_dlx, b_dlx, a, b = name("to-b"), name("to-a"), name("a"), name("b")
    channel.exchange_declare(a_dlx, "fanout", auto_delete=True)
    channel.exchange_declare(b_dlx, "fanout", auto_delete=True)
    channel.queue_declare(a, exclusive=True, arguments={"x-dead-letter-exchange": a_dlx, "x-message-ttl": 10})
    channel.queue_declare(b, exclusive=True, arguments={"x-dead-letter-exchange": b_dlx, "x-message-ttl": 10})
    channel.queue_bind(b, a_dlx)
    channel.queue_bind(a, b_dlx)
    channel.basic_publish("", a, b"ping")
    # a -> b -> (a again: a cycle of expiries) dropped. Wait until both queues are empty.
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        counts = [channel.queue_declare(q, passive=True).method.message_count for q in (a, b)]
        if counts == [0, 0]:
            break
        channel.connection.process_data_events(time_limit=0.05)
    assert counts == [0, 0]
    # And it stays gone (the copy into `a` was dropped, not parked).
    channel.connection.process_data_events(time_limit=0.2)
    assert [channel.queue_declare(q, passive=True).method.message_count for q in (a, b)] == [0, 0]


@pytest.mark.parametrize("arguments,key,reason", [
    ({"x-message-ttl": -1}, "x-message-ttl", "{value_negative,-1}"),
    ({"x-message-ttl": "5"}, "x-message-ttl", '"expected integer, got longstr"'),
    ({"x-expires": 0}, "x-expires", "{value_zero,0}"),
    ({"x-max-length": -1}, "x-max-length", "{value_negative,-1}"),
    ({"x-overflow": "bogus"}, "x-overflow", "invalid_overflow"),
    ({"x-max-priority": 300}, "x-max-priority", "{max_value_exceeded,300}"),
    ({"x-dead-letter-routing-key": "k"}, "x-dead-letter-routing-key", "routing_key_but_no_dlx_defined"),
])
def test_invalid_queue_arguments_are_406_with_rabbitmqs_reason(channel, arguments, key, reason):
    queue = name()
    with pytest.raises(pika.exceptions.ChannelClosedByBroker) as closed:
        channel.queue_declare(queue, arguments=arguments)
    assert closed.value.reply_code == 406
    assert closed.value.reply_text == f"PRECONDITION_FAILED - invalid arg '{key}' for queue '{queue}' in vhost '/': {reason}"


def test_dead_letter_exchange_of_the_wrong_type_is_406(channel):
    queue = name()
    with pytest.raises(pika.exceptions.ChannelClosedByBroker) as closed:
        channel.queue_declare(queue, arguments={"x-dead-letter-exchange": 5})
    assert closed.value.reply_text == \
        f"PRECONDITION_FAILED - invalid type 'signedint' for arg 'x-dead-letter-exchange' in queue '{queue}' in vhost '/'"


@pytest.mark.parametrize("expiration,reason", [
    ("abc", "no_integer"), ("-1", "{value_negative,-1}"), ("1.5", '{leftover_string,".5"}'),
    ("5000000000000", "{value_too_large,5000000000000}"),
])
def test_invalid_expiration_is_406(channel, expiration, reason):
    queue = name()
    channel.queue_declare(queue, exclusive=True)
    with pytest.raises(pika.exceptions.ChannelClosedByBroker) as closed:
        channel.basic_publish("", queue, b"x", pika.BasicProperties(expiration=expiration))
    assert closed.value.reply_text == f"PRECONDITION_FAILED - invalid expiration '{expiration}': {reason}"


def wait_until_gone(channel, queue, timeout=TIMEOUT):
    """Publishes mandatory messages routed only to `queue` until one comes back unroutable
    (bounded): publishing does not count as using a queue, a passive declare would."""
    exchange = name("probe")
    channel.exchange_declare(exchange, "fanout")
    channel.queue_bind(queue, exchange)
    start = time.monotonic()
    try:
        while time.monotonic() - start < timeout:
            try:
                channel.basic_publish(exchange, "", b"probe", mandatory=True)
            except pika.exceptions.UnroutableError:
                return time.monotonic() - start
            channel.connection.process_data_events(time_limit=0.05)
    finally:
        channel.exchange_delete(exchange)
    raise AssertionError(f"{queue} still there after {timeout} s")


def test_x_expires_deletes_an_unused_queue(connection):
    queue = name("expiring")
    channel = connection.channel()
    channel.confirm_delivery()
    channel.queue_declare(queue, arguments={"x-expires": 300})
    assert wait_until_gone(channel, queue) < TIMEOUT


def test_x_expires_waits_while_a_consumer_is_attached(connection):
    queue = name("kept")
    channel = connection.channel()
    channel.confirm_delivery()
    channel.queue_declare(queue, arguments={"x-expires": 200})
    tag = channel.basic_consume(queue, lambda *args: None)
    connection.process_data_events(time_limit=0.5)
    assert channel.queue_declare(queue, passive=True).method.consumer_count == 1
    channel.basic_cancel(tag)
    assert wait_until_gone(channel, queue) < TIMEOUT


@pytest.mark.rabbitmq_differs("x-last-death-* headers are RabbitMQ 3.13's; 3.10 writes only x-first-death-*")
def test_x_death_lists_every_hop_newest_first_with_its_time(channel, broker):
    """rejected from `first` into `second`, expired there into `dead`: two entries, newest first."""
    hop, dlx = name("hop"), name("dlx")
    channel.exchange_declare(hop, "fanout", auto_delete=True)
    channel.exchange_declare(dlx, "fanout", auto_delete=True)
    first, second, dead = name("first"), name("second"), name("dead")
    channel.queue_declare(first, exclusive=True, arguments={"x-dead-letter-exchange": hop})
    channel.queue_declare(second, exclusive=True, arguments={"x-dead-letter-exchange": dlx, "x-message-ttl": 20})
    channel.queue_bind(second, hop)
    channel.queue_declare(dead, exclusive=True)
    channel.queue_bind(dead, dlx)
    before = int(time.time())
    channel.basic_publish("", first, b"hops")
    method, _, _ = get_within(channel, first, auto_ack=False)
    channel.basic_reject(method.delivery_tag, requeue=False)
    _, properties, body = get_within(channel, dead)
    after = int(time.time())
    assert body == b"hops"
    newest, oldest = properties.headers["x-death"]
    assert (newest["queue"], newest["reason"], newest["exchange"], newest["routing-keys"], newest["count"]) == \
        (second, "expired", hop, [first], 1)
    assert (oldest["queue"], oldest["reason"], oldest["exchange"], oldest["routing-keys"], oldest["count"]) == \
        (first, "rejected", "", [first], 1)
    for death in (newest, oldest):
        # A timestamp (AMQP type T), in seconds, taken when the message died.
        assert before <= death["time"].replace(tzinfo=datetime.timezone.utc).timestamp() <= after + 1
    headers = properties.headers
    assert (headers["x-first-death-queue"], headers["x-first-death-reason"], headers["x-first-death-exchange"]) == \
        (first, "rejected", "")
    if broker == "warren":
        assert (headers["x-last-death-queue"], headers["x-last-death-reason"], headers["x-last-death-exchange"]) == \
            (second, "expired", hop)
    else:
        assert "x-last-death-queue" not in headers
