"""Starts a RabbitMQ 3.10 node of a test's own (Debian's rabbitmq-server), on loopback, with a
configuration the test writes: for the settings the shared start script has no room for (TLS).
Everything lives in a scratch directory; the node is stopped by its PID. Bounded waits."""
import os
import random
import socket
import subprocess
import tempfile

RMQ_BIN = "/usr/lib/rabbitmq/bin"


def _free(port):
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def free_port_pair():
    """A port whose Erlang distribution port (+20000) and stream port (-120) are free too."""
    for _ in range(200):
        port = random.randrange(10000, 40000)
        if all(_free(p) for p in (port, port + 20000, port - 120, port + 1)):
            return port
    raise RuntimeError("no free port for RabbitMQ")


class RabbitMQProcess:
    def __init__(self, config_lines, plugins=()):
        self.port = free_port_pair()
        self.base = tempfile.mkdtemp(prefix="rmq-own-")
        self.node = f"rmqown{self.port}@localhost"
        self.config_lines = [f"listeners.tcp.default = 127.0.0.1:{self.port}",
                             f"stream.listeners.tcp.default = 127.0.0.1:{self.port - 120}",
                             "loopback_users.guest = true", *config_lines]
        self.plugins = list(plugins)
        self.process = None

    @property
    def environment(self):
        env = dict(os.environ)
        env.update({
            "HOME": self.base, "RABBITMQ_CONF_ENV_FILE": f"{self.base}/rabbitmq-env.conf",
            "RABBITMQ_CONFIG_FILE": f"{self.base}/rabbitmq.conf",
            "RABBITMQ_ENABLED_PLUGINS_FILE": f"{self.base}/enabled_plugins",
            "RABBITMQ_MNESIA_BASE": f"{self.base}/mnesia", "RABBITMQ_LOG_BASE": f"{self.base}/log",
            "RABBITMQ_PID_FILE": f"{self.base}/beam.pid", "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_USE_LONGNAME": "false", "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port), "RABBITMQ_DIST_PORT": str(self.port + 20000),
            "ERL_EPMD_ADDRESS": "127.0.0.1",
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "-kernel inet_dist_use_interface {127,0,0,1}",
            "RABBITMQ_CTL_ERL_ARGS": "-kernel inet_dist_use_interface {127,0,0,1}",
        })
        return env

    def ctl(self, *arguments):
        return subprocess.run([f"{RMQ_BIN}/rabbitmqctl", "-n", self.node, *arguments], env=self.environment,
                              check=True, capture_output=True, timeout=120)

    def start(self):
        os.makedirs(f"{self.base}/log", exist_ok=True)
        with open(f"{self.base}/rabbitmq-env.conf", "w"):
            pass
        with open(f"{self.base}/rabbitmq.conf", "w") as config:
            config.write("\n".join(self.config_lines) + "\n")
        with open(f"{self.base}/enabled_plugins", "w") as plugins:
            plugins.write("[" + ",".join(self.plugins) + "].\n")
        log = open(f"{self.base}/log/console.log", "w")
        self.process = subprocess.Popen([f"{RMQ_BIN}/rabbitmq-server"], env=self.environment, stdout=log,
                                        stderr=subprocess.STDOUT, cwd=self.base)
        try:
            self.ctl("wait", "--timeout", "120", f"{self.base}/beam.pid")
        except subprocess.CalledProcessError:
            self.stop()
            raise
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
