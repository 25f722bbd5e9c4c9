"""Starts a Warren process of a test's own (for restart and crash tests), bounded waits."""
import os
import socket
import subprocess
import tempfile
import time


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class WarrenProcess:
    def __init__(self, data_dir=None, arguments=()):
        self.arguments = list(arguments)
        self.port = free_port()
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="warren-own-")
        self.process = None

    @property
    def url(self):
        return f"amqp://guest:guest@127.0.0.1:{self.port}/%2f"

    def start(self, deadline_seconds=30):
        self.process = subprocess.Popen([os.environ["WARREN_BIN"], "serve", "--port", str(self.port),
                                         "--management-port", "0", "--data-dir", self.data_dir, *self.arguments],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + deadline_seconds
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return self
            time.sleep(0.05)
        raise TimeoutError("warren did not start")

    def kill(self):
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
