#!/usr/bin/env python3
"""How long closing a dirty, never-synced file takes, with and without an ftruncate(0) first.

  python3 scripts/measure/close-writeback.py [DIRECTORY] [MIB] [ROUNDS]

ext4 (its auto_da_alloc) marks a file truncated to zero, even an empty one, to be written back
when it is closed: the close then submits every dirty page. Each round creates a file in
DIRECTORY (default /tmp), optionally ftruncates it to 0, writes MIB MiB (default 64, a
segment), times the close, and removes the file. Results: docs/benchmarks.md."""
import os
import sys
import time


def main():
    directory = sys.argv[1] if len(sys.argv) > 1 else "/tmp"
    mib = int(sys.argv[2]) if len(sys.argv) > 2 else 64
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    data = b"x" * (1 << 20)
    path = os.path.join(directory, "close-writeback-%d.log" % os.getpid())
    for _ in range(rounds):
        for truncate in (False, True):
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o644)
            if truncate:
                os.ftruncate(fd, 0)
            for index in range(mib):
                os.pwrite(fd, data, index << 20)
            start = time.perf_counter()
            os.close(fd)
            elapsed = time.perf_counter() - start
            os.unlink(path)
            label = "ftruncate(0) after create" if truncate else "no ftruncate             "
            print("%s close of a %d MiB unsynced file: %.2f ms" % (label, mib, elapsed * 1000))


if __name__ == "__main__":
    main()
