"""librabbitmq's amqp-tools (Debian) declare, publish, get, consume and delete."""
import subprocess
import uuid

import pytest

pytestmark = pytest.mark.client("amqp-tools")


def tool(amqp_url, *args, stdin=None):
    url = amqp_url.rsplit("/", 1)[0]  # amqp-tools take the vhost separately; "/" is the default
    result = subprocess.run([args[0], f"--url={url}", *args[1:]], input=stdin, capture_output=True, text=True,
                            timeout=30)
    assert result.returncode == 0, f"{args[0]} failed: {result.stderr}"
    return result.stdout


def test_declare_publish_get_consume_delete(amqp_url):
    queue = f"tools-{uuid.uuid4().hex[:8]}"
    assert tool(amqp_url, "amqp-declare-queue", "-q", queue, "-d").strip() == queue
    tool(amqp_url, "amqp-publish", "-r", queue, "-p", "-C", "text/plain", stdin="first\n")
    tool(amqp_url, "amqp-publish", "-r", queue, stdin="second\n")
    assert tool(amqp_url, "amqp-get", "-q", queue).strip() == "first"
    assert tool(amqp_url, "amqp-consume", "-q", queue, "-c", "1", "cat").strip() == "second"
    assert tool(amqp_url, "amqp-delete-queue", "-q", queue).strip() == "0"
