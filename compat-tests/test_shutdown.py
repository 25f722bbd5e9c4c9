"""SIGTERM and SIGINT shut Warren down gracefully: clients get connection.close 320
CONNECTION_FORCED (as from RabbitMQ's `rabbitmqctl stop`), and the process exits 0."""
import os
import signal
import socket
import subprocess
import tempfile
import time

import pika
import pytest


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, deadline_seconds=30):
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listening on {port}")


@pytest.mark.warren_only("starts a broker process of its own to stop it")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_closes_connections_with_320_and_exits_cleanly(sig):
    port = free_port()
    data = tempfile.mkdtemp(prefix="warren-shutdown-")
    process = subprocess.Popen([os.environ["WARREN_BIN"], "serve", "--port", str(port), "--data-dir", data],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port)
        connection = pika.BlockingConnection(pika.URLParameters(f"amqp://guest:guest@127.0.0.1:{port}/%2f"))
        connection.channel()
        process.send_signal(sig)
        with pytest.raises(pika.exceptions.ConnectionClosedByBroker) as closed:
            # Bounded: process_data_events returns after at most 10 s.
            connection.process_data_events(time_limit=10)
            connection.process_data_events(time_limit=10)
        assert closed.value.reply_code == 320
        assert "CONNECTION_FORCED" in closed.value.reply_text
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
