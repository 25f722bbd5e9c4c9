"""Heartbeats: an idle pika connection with a 1 s heartbeat stays up for 10 s."""
import pika


def test_idle_connection_with_one_second_heartbeat_survives_ten_seconds(amqp_url):
    params = pika.URLParameters(amqp_url)
    params.heartbeat = 1
    connection = pika.BlockingConnection(params)
    assert connection._impl.params.heartbeat == 1
    # The idle period is the behaviour under test: pika answers and sends heartbeats while
    # it processes events; a broker that missed them would drop the connection (after 2 s).
    connection.sleep(10)
    assert connection.is_open
    channel = connection.channel()
    assert channel.is_open
    connection.close()
