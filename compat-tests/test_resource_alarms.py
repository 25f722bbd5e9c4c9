"""The disk free limit: a Warren of the test's own gets a limit just under the disk's free
space; publishing persistent messages fills it, the publisher hears `connection.blocked`
(and is no longer read) while a consumer on another connection goes on; deleting the queue
frees the space and the publisher hears `connection.unblocked`."""
import json
import os
import time
import urllib.request

import pika
import pytest

from warren_process import WarrenProcess, free_port

pytestmark = pytest.mark.warren_only("a broker of the test's own, started with a disk limit near the free space")

HEADROOM = 24 * 1024 * 1024
BODY = b"x" * (64 * 1024)


def free_bytes(path):
    stats = os.statvfs(path)
    return stats.f_bavail * stats.f_frsize


def health(management_port):
    request = urllib.request.Request(f"http://127.0.0.1:{management_port}/api/health/checks/alarms")
    request.add_header("Authorization", "Basic Z3Vlc3Q6Z3Vlc3Q=")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_filling_the_disk_limit_blocks_publishers_until_space_returns():
    management_port = free_port()
    process = WarrenProcess(management_port=management_port)
    limit = free_bytes(process.data_dir) - HEADROOM
    process.arguments = ["--disk-free-limit", str(limit)]
    process.start(ready=("AMQP listening", "management API listening"))
    try:
        assert health(management_port)[0] == 200
        events = []
        publisher = pika.BlockingConnection(pika.URLParameters(process.url))
        publisher.add_on_connection_blocked_callback(lambda _, frame: events.append(("blocked", frame.method.reason)))
        publisher.add_on_connection_unblocked_callback(lambda _, frame: events.append(("unblocked", None)))
        channel = publisher.channel()
        channel.queue_declare("fill", durable=True)
        # Bounded: at most twice the headroom is written; the alarm is checked every second.
        written = 0
        deadline = time.monotonic() + 60
        while not events and time.monotonic() < deadline:
            if written < 2 * HEADROOM:
                channel.basic_publish("", "fill", BODY, pika.BasicProperties(delivery_mode=2))
                written += len(BODY)
            publisher.process_data_events(0 if written < 2 * HEADROOM else 0.2)
        assert events and events[0] == ("blocked", "low on disk"), (events, written, free_bytes(process.data_dir), limit)
        status, body = health(management_port)
        assert status == 503 and body["alarms"][0]["resource"] == "disk"

        # Consumers go on: another connection still gets messages.
        consumer = pika.BlockingConnection(pika.URLParameters(process.url))
        method, _, got = consumer.channel().basic_get("fill", auto_ack=True)
        assert method is not None and got == BODY
        consumer.channel().queue_delete("fill")
        consumer.close()

        deadline = time.monotonic() + 30
        while len(events) < 2 and time.monotonic() < deadline:
            publisher.process_data_events(0.2)
        assert events[1:] == [("unblocked", None)], (events, free_bytes(process.data_dir), limit)
        assert health(management_port)[0] == 200
        publisher.close()
    finally:
        process.stop()
