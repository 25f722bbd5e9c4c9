"""librabbitmq, the C library under amqp-tools, logs in, opens and closes channels cleanly."""
import os
import subprocess
import tempfile

import pytest

pytestmark = pytest.mark.client("librabbitmq")

HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture(scope="module")
def channels_client():
    out = os.path.join(tempfile.mkdtemp(prefix="warren-compat-"), "librabbitmq_channels")
    subprocess.run(["gcc", "-O1", "-Wall", "-Werror", "-o", out, os.path.join(HERE, "clients", "librabbitmq_channels.c"),
                    "-lrabbitmq"], check=True, timeout=60)
    return out


@pytest.mark.parametrize("channels", [1, 16])
def test_librabbitmq_opens_and_closes_channels(channels_client, amqp_port, channels):
    result = subprocess.run([channels_client, str(amqp_port), str(channels)], capture_output=True, text=True,
                            timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
