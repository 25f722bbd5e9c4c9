#!/usr/bin/env python3
"""The machine's own limits, to set Warren's figures beside them: fsync latency of small
appends, sequential write bandwidth with one fdatasync at the end, and loopback TCP
throughput between two threads.

  scripts/measure/machine-limits.py [DIRECTORY]     (default: the system's temp directory)

Results: docs/benchmarks.md ("The limit")."""
import os
import socket
import statistics
import sys
import tempfile
import threading
import time


def fsync_latency(directory, count=2000, size=4096):
    path = os.path.join(directory, "warren-limits-fsync")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    block = b"x" * size
    times = []
    try:
        for _ in range(count):
            os.write(fd, block)
            started = time.perf_counter_ns()
            os.fdatasync(fd)
            times.append((time.perf_counter_ns() - started) / 1e6)
    finally:
        os.close(fd)
        os.unlink(path)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


def write_bandwidth(directory, total=1 << 30, chunk=1 << 20):
    path = os.path.join(directory, "warren-limits-write")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    block = b"x" * chunk
    try:
        started = time.perf_counter()
        for _ in range(total // chunk):
            os.write(fd, block)
        os.fdatasync(fd)
        seconds = time.perf_counter() - started
    finally:
        os.close(fd)
        os.unlink(path)
    return total / seconds / 1e6


def loopback_throughput(total=4 << 30, chunk=256 << 10):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    received = [0]

    def receive():
        connection, _ = server.accept()
        buffer = bytearray(chunk)
        while received[0] < total:
            count = connection.recv_into(buffer)
            if not count:
                break
            received[0] += count
        connection.close()

    thread = threading.Thread(target=receive)
    thread.start()
    client = socket.create_connection(server.getsockname())
    block = b"x" * chunk
    started = time.perf_counter()
    for _ in range(total // chunk):
        client.sendall(block)
    client.close()
    thread.join(timeout=120)
    seconds = time.perf_counter() - started
    server.close()
    return received[0] / seconds / 1e6


def main():
    directory = sys.argv[1] if len(sys.argv) > 1 else tempfile.gettempdir()
    p50, p99 = fsync_latency(directory)
    print(f"fsync (4 KiB append + fdatasync, 2000 times) in {directory}: p50 {p50:.3f} ms, p99 {p99:.3f} ms")
    print(f"sequential write, 1 GiB in 1 MiB writes + fdatasync: {write_bandwidth(directory):.0f} MB/s")
    print(f"loopback TCP, 4 GiB in 256 KiB sends, one connection: {loopback_throughput():.0f} MB/s")


if __name__ == "__main__":
    main()
