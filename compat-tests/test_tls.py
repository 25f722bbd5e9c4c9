"""AMQPS: TLS 1.2 and 1.3 only, client certificates verified against the configured CA, the
EXTERNAL mechanism logging in as the certificate's CN (or a DNS name), fail_if_no_peer_cert and
the handshake timeout. Certificates are made here with openssl. The broker under test is started
here with TLS on: a Warren of its own, or against the oracle a RabbitMQ 3.10 node of its own with
the same settings in its rabbitmq.conf and rabbitmq_auth_mechanism_ssl enabled (the shared start
script has no TLS settings)."""
import os
import socket
import ssl
import subprocess
import tempfile
import time

import pika
import pytest

from rabbitmq_process import RabbitMQProcess
from warren_process import WarrenProcess, free_port

pytestmark = pytest.mark.client("pika over TLS, openssl s_client")


def openssl(*arguments, cwd):
    subprocess.run(["openssl", *arguments], cwd=cwd, check=True, capture_output=True, timeout=60)


def make_ca(directory, name):
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", f"{name}.key", "-out", f"{name}.pem", "-days", "2", "-subj", f"/CN={name}", cwd=directory)


def make_certificate(directory, ca, name, common_name, server=False, san=None):
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", f"{name}.key",
            "-out", f"{name}.csr", "-subj", f"/O=Warren tests/CN={common_name}", cwd=directory)
    extensions = os.path.join(directory, f"{name}.ext")
    with open(extensions, "w") as file:
        file.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n" if server else "extendedKeyUsage=clientAuth\n")
        if san:
            file.write(f"subjectAltName={san}\n")
    openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key", "-CAcreateserial",
            "-out", f"{name}.pem", "-days", "2", "-extfile", extensions, cwd=directory)


@pytest.fixture(scope="module")
def certificates():
    directory = tempfile.mkdtemp(prefix="warren-tls-")
    make_ca(directory, "ca")
    make_ca(directory, "rogue-ca")
    make_certificate(directory, "ca", "server", "localhost", server=True)
    make_certificate(directory, "ca", "svc-a", "svc-a")
    make_certificate(directory, "ca", "nobody", "nobody")
    make_certificate(directory, "rogue-ca", "impostor", "svc-a")
    make_certificate(directory, "ca", "svc-c", "not-the-user", san="DNS:svc-c.internal,email:ops@example.test")
    return lambda name: os.path.join(directory, name)


def start_broker(broker, certificates, fail_if_no_peer_cert=False, login_from="common_name",
                 users=(("svc-a", "secret"),)):
    """Starts `broker` with TLS as the tests need it; returns (its TLS port, a stop function)."""
    if broker == "rabbitmq":
        config = [
            "listeners.ssl.default = 127.0.0.1:{tls_port}",
            f"ssl_options.cacertfile = {certificates('ca.pem')}",
            f"ssl_options.certfile = {certificates('server.pem')}",
            f"ssl_options.keyfile = {certificates('server.key')}",
            "ssl_options.verify = verify_peer",
            f"ssl_options.fail_if_no_peer_cert = {'true' if fail_if_no_peer_cert else 'false'}",
            "ssl_options.versions.1 = tlsv1.3", "ssl_options.versions.2 = tlsv1.2",
            "auth_mechanisms.1 = EXTERNAL", "auth_mechanisms.2 = PLAIN", "auth_mechanisms.3 = AMQPLAIN",
        ]
        if login_from == "common_name":
            config.append("ssl_cert_login_from = common_name")
        else:
            config += ["ssl_cert_login_from = subject_alternative_name",
                       f"ssl_cert_login_san_type = {login_from.split(':')[1]}", "ssl_cert_login_san_index = 0"]
        node = RabbitMQProcess([], plugins=["rabbitmq_auth_mechanism_ssl"])
        tls_port = node.port + 1
        node.config_lines += [line.format(tls_port=tls_port) for line in config]
        node.start()
        for name, password in users:
            node.ctl("add_user", name, password)
            node.ctl("set_permissions", "-p", "/", name, ".*", ".*", ".*")
        return tls_port, node.stop
    tls_port = free_port()
    arguments = ["--tls-port", str(tls_port), "--tls-cert", certificates("server.pem"),
                 "--tls-key", certificates("server.key"), "--tls-ca", certificates("ca.pem"), "--tls-verify-peer",
                 "--tls-login-from", login_from]
    if fail_if_no_peer_cert:
        arguments.append("--tls-fail-if-no-peer-cert")
    for name, password in users:
        arguments += ["--user", f"{name}:{password}"]
    warren = WarrenProcess(arguments=arguments).start(ready=("AMQP listening", "AMQPS (TLS) listening"))
    return tls_port, warren.stop


@pytest.fixture(scope="module")
def warren(certificates, broker):
    """The broker under test with TLS (named for the module's first broker; it may be RabbitMQ)."""
    tls_port, stop = start_broker(broker, certificates)
    yield tls_port
    stop()


def client_context(certificates, version=None, certificate=None):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(certificates("ca.pem"))
    if version is not None:
        context.minimum_version = version
        context.maximum_version = version
    if certificate is not None:
        context.load_cert_chain(certificates(f"{certificate}.pem"), certificates(f"{certificate}.key"))
    return context


def connect(port, context, credentials=pika.PlainCredentials("guest", "guest")):
    return pika.BlockingConnection(pika.ConnectionParameters(
        "127.0.0.1", port, credentials=credentials, ssl_options=pika.SSLOptions(context, "localhost"),
        connection_attempts=1, socket_timeout=10))


@pytest.mark.parametrize("version,name", [(ssl.TLSVersion.TLSv1_3, "TLSv1.3"), (ssl.TLSVersion.TLSv1_2, "TLSv1.2")])
def test_pika_publishes_and_gets_over_tls(warren, certificates, version, name):
    connection = connect(warren, client_context(certificates, version))
    assert connection._impl._transport._sock.version() == name
    channel = connection.channel()
    channel.confirm_delivery()
    queue = channel.queue_declare("", exclusive=True).method.queue
    channel.basic_publish("", queue, b"over tls")
    assert channel.basic_get(queue, auto_ack=True)[2] == b"over tls"
    connection.close()


@pytest.mark.parametrize("option,accepted", [("-tls1_1", False), ("-tls1", False), ("-tls1_2", True), ("-tls1_3", True)])
def test_only_tls_1_2_and_1_3_are_accepted(warren, certificates, option, accepted):
    # SECLEVEL=0 lets this openssl offer the old versions at all, so the refusal is the server's.
    result = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{warren}", option, "-cipher",
                             "DEFAULT:@SECLEVEL=0", "-CAfile", certificates("ca.pem")],
                            input=b"", capture_output=True, timeout=30)
    output = (result.stdout + result.stderr).decode(errors="replace")
    if accepted:
        assert "Cipher is (NONE)" not in output and "Verify return code: 0 (ok)" in output, output
    else:
        # The server answers the old version with a protocol_version alert: no cipher agreed.
        assert result.returncode != 0 and "Cipher is (NONE)" in output, output
        assert "alert protocol version" in output, output


def test_a_client_certificate_from_an_unknown_ca_is_refused(warren, certificates):
    with pytest.raises(pika.exceptions.AMQPConnectionError):
        connect(warren, client_context(certificates, certificate="impostor"))


def test_external_logs_in_as_the_certificates_common_name(warren, certificates):
    connection = connect(warren, client_context(certificates, certificate="svc-a"), pika.credentials.ExternalCredentials())
    channel = connection.channel()
    queue = channel.queue_declare("", exclusive=True).method.queue
    assert queue.startswith("amq.gen-")
    connection.close()


def test_external_refuses_a_certificate_whose_user_does_not_exist(warren, certificates):
    with pytest.raises((pika.exceptions.ProbableAccessDeniedError, pika.exceptions.ProbableAuthenticationError,
                        pika.exceptions.AuthenticationError)):
        connect(warren, client_context(certificates, certificate="nobody"), pika.credentials.ExternalCredentials())


def refused_external(broker):
    """What EXTERNAL without a usable certificate gives: RabbitMQ offers EXTERNAL on every TLS
    connection and refuses the login (403); Warren offers it only with a verified certificate
    naming a user, as the security issue asks, so pika finds no common mechanism."""
    return pika.exceptions.ProbableAuthenticationError if broker == "rabbitmq" else pika.exceptions.AuthenticationError


@pytest.mark.rabbitmq_differs("RabbitMQ offers EXTERNAL on every TLS connection; Warren only with a verified certificate")
def test_external_is_not_offered_without_a_client_certificate(warren, certificates, broker):
    with pytest.raises(refused_external(broker)):
        connect(warren, client_context(certificates), pika.credentials.ExternalCredentials())


def test_fail_if_no_peer_cert_refuses_clients_without_one(certificates, broker):
    tls_port, stop = start_broker(broker, certificates, fail_if_no_peer_cert=True)
    try:
        with pytest.raises(pika.exceptions.AMQPConnectionError):
            connect(tls_port, client_context(certificates))
        connection = connect(tls_port, client_context(certificates, certificate="svc-a"))
        connection.close()
    finally:
        stop()


def test_a_client_that_never_starts_the_handshake_is_dropped(warren):
    with socket.create_connection(("127.0.0.1", warren)) as sock:
        sock.settimeout(15)
        start = time.monotonic()
        try:
            closed = sock.recv(1) == b""  # Warren closes with FIN
        except ConnectionResetError:
            closed = True  # RabbitMQ resets the connection
        assert closed and 3 < time.monotonic() - start < 12  # the handshake timeout is 5 s


@pytest.mark.rabbitmq_differs("RabbitMQ offers EXTERNAL on every TLS connection; Warren only with a verified certificate")
def test_external_can_take_the_user_from_a_subject_alternative_name(certificates, broker):
    tls_port, stop = start_broker(broker, certificates, login_from="san:dns", users=(("svc-c.internal", "unused"),))
    try:
        connection = connect(tls_port, client_context(certificates, certificate="svc-c"),
                             pika.credentials.ExternalCredentials())
        connection.close()
        # svc-a's certificate has no DNS name: no user to log in as.
        with pytest.raises(refused_external(broker)):
            connect(tls_port, client_context(certificates, certificate="svc-a"), pika.credentials.ExternalCredentials())
    finally:
        stop()


@pytest.mark.warren_only("warren serve's own command line")
def test_an_unknown_login_source_stops_start_up_with_a_message():
    result = subprocess.run([os.environ["WARREN_BIN"], "serve", "--tls-login-from", "serial"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert "--tls-login-from must be common_name, san:dns, san:email or san:uri, got 'serial'" in result.stderr
