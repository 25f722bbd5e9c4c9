"""A minimal raw AMQP 0-9-1 peer for sending malformed input, with bounded waits."""
import socket
import struct

TIMEOUT_SECONDS = 5


def frame(frame_type, channel, payload):
    return struct.pack(">BHI", frame_type, channel, len(payload)) + payload + b"\xce"


def shortstr(text):
    data = text.encode()
    return bytes([len(data)]) + data


def longstr(data):
    return struct.pack(">I", len(data)) + data


def method(class_id, method_id, args=b""):
    return struct.pack(">HH", class_id, method_id) + args


def publish(channel, routing_key="nowhere"):
    return frame(1, channel, method(60, 40, struct.pack(">H", 0) + shortstr("") + shortstr(routing_key) + b"\x00"))


def content_header(channel, body_size, class_id=60):
    return frame(2, channel, struct.pack(">HHQH", class_id, 0, body_size, 0))


class RawConnection:
    """Connects and completes the handshake as guest on vhost `/`, unless `handshake=False`."""

    def __init__(self, port, handshake=True, vhost="/", frame_max=131072):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_SECONDS)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # no Nagle wait between small sends
        self.buffer = b""
        if not handshake:
            return
        self.sock.sendall(b"AMQP\x00\x00\x09\x01")
        self.read_frame()  # connection.start
        capabilities = shortstr("capabilities") + b"F" + longstr(shortstr("authentication_failure_close") + b"t\x01")
        start_ok = longstr(capabilities) + shortstr("PLAIN") + longstr(b"\x00guest\x00guest") + shortstr("en_US")
        self.sock.sendall(frame(1, 0, method(10, 11, start_ok)))
        self.read_frame()  # connection.tune
        self.sock.sendall(frame(1, 0, method(10, 31, struct.pack(">HIH", 2047, frame_max, 0))))
        self.sock.sendall(frame(1, 0, method(10, 40, shortstr(vhost) + shortstr("") + b"\x00")))
        self.opened = self.read_frame()

    def send(self, data):
        self.sock.sendall(data)

    def read_frame(self):
        """The next frame as (type, channel, payload), or None at EOF."""
        while True:
            if len(self.buffer) >= 7:
                frame_type, channel, size = struct.unpack(">BHI", self.buffer[:7])
                if len(self.buffer) >= size + 8:
                    payload = self.buffer[7:7 + size]
                    self.buffer = self.buffer[size + 8:]
                    return frame_type, channel, payload
            try:
                data = self.sock.recv(65536)
            except ConnectionResetError:
                return None
            if not data:
                return None
            self.buffer += data

    def open_channel(self, channel=1):
        self.send(frame(1, channel, method(20, 10, shortstr(""))))
        frame_type, _, payload = self.read_frame()
        assert (frame_type, payload[:4]) == (1, struct.pack(">HH", 20, 11)), payload

    def outcome(self):
        """Reads until the broker closes: ("connection.close", code, text), ("channel.close", ...),
        ("eof",) when the socket closed without a close method."""
        while True:
            try:
                got = self.read_frame()
            except socket.timeout:
                return ("timeout",)
            if got is None:
                return ("eof",)
            frame_type, channel, payload = got
            if frame_type != 1:
                continue
            class_id, method_id = struct.unpack(">HH", payload[:4])
            if (class_id, method_id) in ((10, 50), (20, 40)):
                code = struct.unpack(">H", payload[4:6])[0]
                text = payload[7:7 + payload[6]].decode()
                if class_id == 10:
                    try:
                        self.send(frame(1, 0, method(10, 51)))
                    except OSError:
                        pass
                    return ("connection.close", code, text)
                self.send(frame(1, channel, method(20, 41)))
                return ("channel.close", code, text)

    def close(self):
        self.sock.close()
