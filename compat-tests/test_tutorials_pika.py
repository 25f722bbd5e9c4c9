"""RabbitMQ's tutorials, as their pika code does them, run unchanged."""
import uuid

import pika
import pytest

TIMEOUT = 10  # seconds: every wait below is bounded by it


@pytest.fixture
def connection(amqp_url):
    conn = pika.BlockingConnection(pika.URLParameters(amqp_url))
    yield conn
    if conn.is_open:
        conn.close()


def drain(channel, queue, count, auto_ack=True):
    """Consumes `count` messages (bounded by TIMEOUT) and returns their bodies."""
    bodies = []
    for method, _, body in channel.consume(queue, auto_ack=auto_ack, inactivity_timeout=TIMEOUT):
        if method is None:
            break
        bodies.append(body)
        if len(bodies) == count:
            break
    channel.cancel()
    return bodies


def test_1_hello_world(connection):
    channel = connection.channel()
    queue = f"hello-{uuid.uuid4().hex[:6]}"
    channel.queue_declare(queue=queue)
    channel.basic_publish(exchange="", routing_key=queue, body=b"Hello World!")
    assert drain(channel, queue, 1) == [b"Hello World!"]
    channel.queue_delete(queue)


def test_2_work_queues_fair_dispatch_with_prefetch_1(connection, amqp_url):
    queue = f"task_queue-{uuid.uuid4().hex[:6]}"
    producer = connection.channel()
    producer.queue_declare(queue=queue, durable=True)
    for i in range(6):
        producer.basic_publish(exchange="", routing_key=queue, body=f"task {i}".encode(),
                               properties=pika.BasicProperties(delivery_mode=pika.DeliveryMode.Persistent))
    # Two workers with prefetch 1: a worker holding an unacked task gets nothing more.
    worker_a = connection.channel()
    worker_a.basic_qos(prefetch_count=1)
    worker_b = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel_b = worker_b.channel()
    channel_b.basic_qos(prefetch_count=1)
    held = next(worker_a.consume(queue, inactivity_timeout=TIMEOUT))
    assert held[0] is not None
    done = []
    for method, _, body in channel_b.consume(queue, inactivity_timeout=TIMEOUT):
        assert method is not None, "worker b starved"
        done.append(body)
        channel_b.basic_ack(method.delivery_tag)
        if len(done) == 5:
            break
    assert sorted(done + [held[2]]) == sorted(f"task {i}".encode() for i in range(6))
    worker_a.basic_ack(held[0].delivery_tag)
    channel_b.cancel()
    worker_b.close()
    worker_a.cancel()
    producer.queue_delete(queue)


def test_3_publish_subscribe(connection):
    channel = connection.channel()
    exchange = f"logs-{uuid.uuid4().hex[:6]}"
    channel.exchange_declare(exchange=exchange, exchange_type="fanout")
    queues = []
    for _ in range(2):
        result = channel.queue_declare(queue="", exclusive=True)
        assert result.method.queue.startswith("amq.gen-")
        channel.queue_bind(exchange=exchange, queue=result.method.queue)
        queues.append(result.method.queue)
    channel.basic_publish(exchange=exchange, routing_key="", body=b"info: hello")
    for queue in queues:
        assert drain(channel, queue, 1) == [b"info: hello"]
    channel.exchange_delete(exchange)


def test_4_routing(connection):
    channel = connection.channel()
    exchange = f"direct_logs-{uuid.uuid4().hex[:6]}"
    channel.exchange_declare(exchange=exchange, exchange_type="direct")
    errors = channel.queue_declare(queue="", exclusive=True).method.queue
    everything = channel.queue_declare(queue="", exclusive=True).method.queue
    channel.queue_bind(exchange=exchange, queue=errors, routing_key="error")
    for severity in ("info", "warning", "error"):
        channel.queue_bind(exchange=exchange, queue=everything, routing_key=severity)
    for severity in ("info", "error", "debug"):
        channel.basic_publish(exchange=exchange, routing_key=severity, body=severity.encode())
    assert drain(channel, errors, 1) == [b"error"]
    assert drain(channel, everything, 2) == [b"info", b"error"]
    channel.exchange_delete(exchange)


def test_5_topics(connection):
    channel = connection.channel()
    exchange = f"topic_logs-{uuid.uuid4().hex[:6]}"
    channel.exchange_declare(exchange=exchange, exchange_type="topic")
    bindings = {"kern.*": [], "*.critical": [], "#": []}
    queues = {}
    for key in bindings:
        queues[key] = channel.queue_declare(queue="", exclusive=True).method.queue
        channel.queue_bind(exchange=exchange, queue=queues[key], routing_key=key)
    for key in ("kern.critical", "kern.info", "cron.critical", "a.b.c"):
        channel.basic_publish(exchange=exchange, routing_key=key, body=key.encode())
    assert drain(channel, queues["kern.*"], 2) == [b"kern.critical", b"kern.info"]
    assert drain(channel, queues["*.critical"], 2) == [b"kern.critical", b"cron.critical"]
    assert drain(channel, queues["#"], 4) == [b"kern.critical", b"kern.info", b"cron.critical", b"a.b.c"]
    channel.exchange_delete(exchange)


def test_6_rpc_with_a_reply_queue(connection, amqp_url):
    rpc_queue = f"rpc_queue-{uuid.uuid4().hex[:6]}"
    server_connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    server = server_connection.channel()
    server.queue_declare(queue=rpc_queue)

    client = connection.channel()
    callback_queue = client.queue_declare(queue="", exclusive=True).method.queue
    correlation_id = str(uuid.uuid4())
    client.basic_publish(exchange="", routing_key=rpc_queue, body=b"30",
                         properties=pika.BasicProperties(reply_to=callback_queue, correlation_id=correlation_id))

    method, props, body = next(server.consume(rpc_queue, inactivity_timeout=TIMEOUT))
    assert method is not None
    n = int(body)
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    server.basic_publish(exchange="", routing_key=props.reply_to, body=str(a).encode(),
                         properties=pika.BasicProperties(correlation_id=props.correlation_id))
    server.basic_ack(method.delivery_tag)
    server.cancel()

    method, props, body = next(client.consume(callback_queue, auto_ack=True, inactivity_timeout=TIMEOUT))
    assert props.correlation_id == correlation_id
    assert body == b"832040"
    client.cancel()
    server.queue_delete(rpc_queue)
    server_connection.close()


def test_6_rpc_with_direct_reply_to(connection, amqp_url):
    rpc_queue = f"rpc_direct-{uuid.uuid4().hex[:6]}"
    server_connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    server = server_connection.channel()
    server.queue_declare(queue=rpc_queue)

    client = connection.channel()
    replies = []
    client.basic_consume("amq.rabbitmq.reply-to", lambda ch, method, props, body: replies.append((props, body)),
                         auto_ack=True)
    client.basic_publish(exchange="", routing_key=rpc_queue, body=b"ping",
                         properties=pika.BasicProperties(reply_to="amq.rabbitmq.reply-to", correlation_id="42"))

    method, props, body = next(server.consume(rpc_queue, inactivity_timeout=TIMEOUT))
    assert props.reply_to.startswith("amq.rabbitmq.reply-to.")
    server.basic_publish(exchange="", routing_key=props.reply_to, body=b"pong",
                         properties=pika.BasicProperties(correlation_id=props.correlation_id))
    server.basic_ack(method.delivery_tag)
    server.cancel()

    connection.process_data_events(time_limit=0)
    deadline_rounds = 100  # bounded: at most 100 rounds of 0.1 s
    while not replies and deadline_rounds > 0:
        connection.process_data_events(time_limit=0.1)
        deadline_rounds -= 1
    assert replies and replies[0][1] == b"pong" and replies[0][0].correlation_id == "42"
    server.queue_delete(rpc_queue)
    server_connection.close()


def test_direct_reply_to_requires_no_ack(connection):
    channel = connection.channel()
    with pytest.raises(pika.exceptions.ChannelClosedByBroker) as closed:
        channel.basic_consume("amq.rabbitmq.reply-to", lambda *args: None, auto_ack=False)
    assert closed.value.reply_code == 406
