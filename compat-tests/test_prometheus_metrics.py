"""Prometheus text from the broker's /metrics parses with prometheus_client and carries the
rabbitmq_prometheus names dashboards use (on RabbitMQ: the rabbitmq_prometheus plugin)."""
import os
import urllib.request

import pika
import pytest
from prometheus_client.parser import text_string_to_metric_families

NAMES = ["rabbitmq_connections", "rabbitmq_channels", "rabbitmq_queues", "rabbitmq_consumers",
         "rabbitmq_queue_messages_ready", "rabbitmq_queue_messages_unacked",
         "rabbitmq_global_messages_received", "rabbitmq_global_messages_routed",
         "rabbitmq_global_messages_delivered", "rabbitmq_global_messages_acknowledged",
         "rabbitmq_process_resident_memory_bytes", "rabbitmq_disk_space_available_bytes",
         "rabbitmq_alarms_free_disk_space_watermark", "rabbitmq_alarms_memory_used_watermark"]


def scrape():
    with urllib.request.urlopen(os.environ["METRICS_URL"], timeout=10) as response:
        return {family.name: family for family in text_string_to_metric_families(response.read().decode())}


def test_metrics_parse_and_carry_the_rabbitmq_names(amqp_url):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        channel = connection.channel()
        channel.queue_declare("metrics.q", auto_delete=True)
        families = scrape()
        missing = [name for name in NAMES if name not in families]
        assert not missing, missing
        assert families["rabbitmq_global_messages_received"].type == "counter"
        assert families["rabbitmq_connections"].type == "gauge"
        received = families["rabbitmq_global_messages_received"]
        assert any(sample.labels.get("protocol") == "amqp091" for sample in received.samples), received.samples
    finally:
        connection.close()


@pytest.mark.warren_only("Warren's own metrics: consumer-group lag, log segments and fsync latency")
def test_warrens_own_metrics_are_there(amqp_url):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        channel.queue_declare("metrics.durable", durable=True)
        channel.basic_publish("", "metrics.durable", b"x", pika.BasicProperties(delivery_mode=2))
        families = scrape()
        lag = [s for s in families["warren_group_lag"].samples if s.labels.get("queue") == "metrics.durable"]
        assert lag and lag[0].value == 1 and lag[0].labels["group"] == "default"
        assert any(s.labels.get("queue") == "metrics.durable" for s in families["warren_queue_segments"].samples)
        fsync = families["warren_fsync_duration_seconds"]
        assert fsync.type == "histogram" and any(s.name.endswith("_count") and s.value >= 1 for s in fsync.samples)
        channel.queue_delete("metrics.durable")
    finally:
        connection.close()
