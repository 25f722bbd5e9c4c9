"""pika connects, opens and closes channels cleanly, with blocking and select connections."""
import pika


def test_blocking_connection_opens_and_closes_channels(amqp_url):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channels = [connection.channel() for _ in range(5)]
    assert all(ch.is_open for ch in channels)
    assert sorted(ch.channel_number for ch in channels) == [1, 2, 3, 4, 5]
    for ch in channels:
        ch.close()
    assert all(ch.is_closed for ch in channels)
    # Channel numbers are reusable after close.
    again = connection.channel()
    assert again.is_open
    connection.close()
    assert connection.is_closed


def test_server_properties_and_capabilities(amqp_url):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    properties = connection._impl.server_properties
    capabilities = properties["capabilities"]
    for name in ("publisher_confirms", "exchange_exchange_bindings", "basic.nack", "consumer_cancel_notify",
                 "connection.blocked", "consumer_priorities", "authentication_failure_close",
                 "per_consumer_qos", "direct_reply_to"):
        assert capabilities.get(name) is True, name
    for key in ("product", "version", "platform", "cluster_name"):
        assert key in properties, key
    connection.close()


def test_negotiated_tune_values(amqp_url):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    params = connection._impl.params
    assert params.channel_max == 2047
    assert params.frame_max == 131072
    assert params.heartbeat == 60
    connection.close()


def test_select_connection_opens_and_closes_a_channel(amqp_url):
    events = []

    def on_open(connection):
        events.append("open")
        connection.channel(on_open_callback=lambda ch: on_channel(connection, ch))

    def on_channel(connection, channel):
        events.append("channel")
        channel.add_on_close_callback(lambda ch, reason: (events.append("channel-closed"), connection.close()))
        channel.close()

    def on_closed(connection, reason):
        events.append("closed")
        connection.ioloop.stop()

    connection = pika.SelectConnection(pika.URLParameters(amqp_url), on_open_callback=on_open,
                                       on_close_callback=on_closed)
    # Bounded: stop the loop after 10 s whatever happens.
    connection.ioloop.call_later(10, connection.ioloop.stop)
    connection.ioloop.start()
    assert events == ["open", "channel", "channel-closed", "closed"]


def test_wrong_password_is_refused_with_403(amqp_url):
    bad = amqp_url.replace("guest:guest", "guest:wrong")
    try:
        pika.BlockingConnection(pika.URLParameters(bad))
    except pika.exceptions.ProbableAuthenticationError as error:
        assert "ACCESS_REFUSED" in str(error)
    else:
        raise AssertionError("login with a wrong password succeeded")


def test_unknown_vhost_is_refused_with_530(amqp_url):
    url = amqp_url.rsplit("/", 1)[0] + "/no-such-vhost"
    try:
        pika.BlockingConnection(pika.URLParameters(url))
    except pika.exceptions.ProbableAccessDeniedError as error:
        assert "530" in str(error) or "NOT_ALLOWED" in str(error)
    else:
        raise AssertionError("unknown vhost opened")
