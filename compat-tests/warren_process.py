"""Starts a Warren process of a test's own (for restart and crash tests). Start-up waits for
the log lines that say the listeners are up (bounded), not for time to pass."""
import os
import select
import socket
import subprocess
import tempfile
import threading
import time


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class WarrenProcess:
    def __init__(self, data_dir=None, arguments=(), management_port=0):
        self.arguments = list(arguments)
        self.management_port = management_port
        self.port = free_port()
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="warren-own-")
        self.process = None

    @property
    def url(self):
        return f"amqp://guest:guest@127.0.0.1:{self.port}/%2f"

    def start(self, deadline_seconds=30, ready=("AMQP listening",)):
        """Starts Warren and returns once its log has said every line in `ready`."""
        self.process = subprocess.Popen([os.environ["WARREN_BIN"], "serve", "--port", str(self.port),
                                         "--management-port", str(self.management_port), "--data-dir", self.data_dir,
                                         *self.arguments],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, bufsize=0)
        waiting, seen = set(ready), []
        deadline = time.monotonic() + deadline_seconds
        while waiting:
            readable, _, _ = select.select([self.process.stdout], [], [], max(0, deadline - time.monotonic()))
            if not readable:
                self.kill()
                raise TimeoutError(f"warren did not say {sorted(waiting)}: {''.join(seen)}")
            line = self.process.stdout.readline().decode(errors="replace")
            if not line:
                raise RuntimeError(f"warren exited at start: {''.join(seen)}")
            seen.append(line)
            waiting = {text for text in waiting if text not in line}
        # The rest of the log is read and dropped, so the pipe never fills.
        output = self.process.stdout
        threading.Thread(target=lambda: all(iter(lambda: output.read(65536), b"")), daemon=True).start()
        return self

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
