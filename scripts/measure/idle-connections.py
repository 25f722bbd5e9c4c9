#!/usr/bin/env python3
"""1,000 concurrent connections with 2 channels each: all served, and memory per idle connection.

  scripts/measure/idle-connections.py PORT PID [CONNECTIONS]

Opens CONNECTIONS raw AMQP connections to 127.0.0.1:PORT (PLAIN guest), 2 channels on each,
then checks every one is served (a queue.declare round trip on each channel), reads the
broker's RSS (process PID) before and after, and closes them. Results: docs/benchmarks.md."""
import os
import struct
import sys

from broker_process import rss_mib  # noqa: E402  (also puts compat-tests on the path)
from amqpraw import RawConnection, frame, method, shortstr  # noqa: E402


def main():
    port, pid = int(sys.argv[1]), int(sys.argv[2])
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    before = rss_mib(pid)
    connections = []
    for _ in range(count):
        connection = RawConnection(port)
        connection.open_channel(1)
        connection.open_channel(2)
        connections.append(connection)
    opened = rss_mib(pid)
    served = 0
    for connection in connections:
        for channel in (1, 2):
            connection.send(frame(1, channel, method(50, 10, struct.pack(">H", 0) + shortstr("") + bytes([0b1000])
                                                     + struct.pack(">I", 0))))  # exclusive, server-named
            frame_type, _, payload = connection.read_frame()
            served += payload[:4] == struct.pack(">HH", 50, 11)
    after = rss_mib(pid)
    print(f"connections {count} x 2 channels; channels served {served} of {2 * count}")
    print(f"broker RSS before {before:.1f} MiB, with idle connections {opened:.1f} MiB "
          f"({(opened - before) * 1024 / count:.1f} KiB per connection), after a queue on each channel {after:.1f} MiB")
    for connection in connections:
        connection.close()


if __name__ == "__main__":
    main()
