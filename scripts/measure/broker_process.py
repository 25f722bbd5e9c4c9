"""What the measurement scripts share: a broker process's resident memory, and the compat
suite's raw AMQP helpers on the import path."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "compat-tests"))


def rss_mib(pid):
    """Resident memory of process `pid`, in MiB (from /proc)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    raise SystemExit(f"no process {pid}")
