#!/usr/bin/env python3
"""fdatasync latency after an append: a growing file against one written with zeros beforehand.

  python3 scripts/measure/fsync-prezeroed.py [DIRECTORY] [COUNT] [KIB]

Each round writes COUNT chunks of KIB KiB (defaults 1000 and 100, about one group commit of
1 KiB messages) one after another, each followed by an fdatasync, into a new file in DIRECTORY
(default /tmp): once to a file that grows with each chunk, once to a file already filled with
zeros and synced, where no write changes the file's size or allocates blocks. Prints p50 and
p99 of the fdatasyncs. Results: docs/benchmarks.md."""
import os
import sys
import time


def run(directory, count, chunk, prezeroed):
    path = os.path.join(directory, "fsync-prezeroed-%d.log" % os.getpid())
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o644)
    try:
        if prezeroed:
            zeros = b"\0" * (1 << 20)
            for index in range((count * len(chunk) >> 20) + 2):
                os.pwrite(fd, zeros, index << 20)
            os.fsync(fd)
        latencies = []
        for index in range(count):
            os.pwrite(fd, chunk, index * len(chunk))
            start = time.perf_counter()
            os.fdatasync(fd)
            latencies.append(time.perf_counter() - start)
    finally:
        os.close(fd)
        os.unlink(path)
    latencies.sort()
    return latencies[len(latencies) // 2] * 1000, latencies[int(len(latencies) * 0.99)] * 1000


def main():
    directory = sys.argv[1] if len(sys.argv) > 1 else "/tmp"
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    chunk = b"y" * ((int(sys.argv[3]) if len(sys.argv) > 3 else 100) * 1024)
    for _ in range(2):
        for prezeroed in (False, True):
            p50, p99 = run(directory, count, chunk, prezeroed)
            label = "written with zeros first" if prezeroed else "growing                 "
            print("%s fdatasync after a %d KiB write: p50 %.3f ms, p99 %.3f ms" % (label, len(chunk) >> 10, p50, p99))


if __name__ == "__main__":
    main()
