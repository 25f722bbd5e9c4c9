"""Limits set when the broker starts, on a Warren of the test's own: max_message_size. The
texts are RabbitMQ's (checked by hand against RabbitMQ 3.10 with
`rabbitmqctl eval 'application:set_env(rabbit, max_message_size, 1024).'`)."""
import pika
import pytest

from warren_process import WarrenProcess

pytestmark = pytest.mark.warren_only("starts a broker process of its own with a setting")


def test_a_message_over_max_message_size_closes_the_channel_406_and_others_go_on():
    warren = WarrenProcess(arguments=["--max-message-size", "1024"]).start()
    try:
        connection = pika.BlockingConnection(pika.URLParameters(warren.url))
        channel = connection.channel()
        channel.confirm_delivery()
        queue = channel.queue_declare("", exclusive=True).method.queue
        channel.basic_publish("", queue, b"x" * 1024)
        with pytest.raises(pika.exceptions.ChannelClosedByBroker) as closed:
            channel.basic_publish("", queue, b"x" * 1025)
        assert (closed.value.reply_code, closed.value.reply_text) == (
            406, "PRECONDITION_FAILED - message size 1025 is larger than configured max size 1024")
        assert connection.channel().queue_declare(queue, passive=True).method.message_count == 1
        connection.close()
    finally:
        warren.stop()


def test_an_invalid_max_message_size_stops_start_up_with_a_message():
    import os
    import subprocess
    result = subprocess.run([os.environ["WARREN_BIN"], "serve", "--max-message-size", "0"], capture_output=True,
                            text=True, timeout=30)
    assert result.returncode != 0
    assert "--max-message-size must be between 1 and 536870912 bytes, got 0" in result.stderr


def test_the_node_connection_limit_closes_connections_past_it():
    warren = WarrenProcess(arguments=["--max-connections", "2"]).start()
    try:
        first = pika.BlockingConnection(pika.URLParameters(warren.url))
        second = pika.BlockingConnection(pika.URLParameters(warren.url))
        with pytest.raises(pika.exceptions.AMQPConnectionError):
            pika.BlockingConnection(pika.URLParameters(warren.url + "?connection_attempts=1"))
        first.close()
        # A slot is free again once a connection has gone (bounded retries while it closes).
        for attempt in range(50):
            try:
                third = pika.BlockingConnection(pika.URLParameters(warren.url + "?connection_attempts=1"))
                break
            except pika.exceptions.AMQPConnectionError:
                assert attempt < 49, "the freed slot was never reused"
        third.close()
        second.close()
    finally:
        warren.stop()


def test_channel_max_and_frame_max_are_what_the_broker_offers():
    warren = WarrenProcess(arguments=["--channel-max", "5", "--frame-max", "8192"]).start()
    try:
        connection = pika.BlockingConnection(pika.URLParameters(warren.url + "?channel_max=100&frame_max=131072"))
        assert connection._impl.params.channel_max == 5 and connection._impl.params.frame_max == 8192
        for number in range(1, 6):
            connection.channel(number)
        connection.close()
    finally:
        warren.stop()

