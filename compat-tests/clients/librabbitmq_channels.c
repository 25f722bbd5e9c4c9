/* librabbitmq (the C library under amqp-tools): log in, open and close channels, close.
 * Usage: librabbitmq_channels PORT CHANNELS. Exit 0 and "ok" when every step succeeded. */
#include <stdio.h>
#include <stdlib.h>
#include <amqp.h>
#include <amqp_tcp_socket.h>

static int check(amqp_rpc_reply_t reply, const char *what) {
    if (reply.reply_type == AMQP_RESPONSE_NORMAL) return 0;
    fprintf(stderr, "%s failed (reply type %d)\n", what, reply.reply_type);
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: %s PORT CHANNELS\n", argv[0]); return 2; }
    int port = atoi(argv[1]), channels = atoi(argv[2]);
    amqp_connection_state_t conn = amqp_new_connection();
    amqp_socket_t *socket = amqp_tcp_socket_new(conn);
    if (!socket || amqp_socket_open(socket, "127.0.0.1", port)) { fprintf(stderr, "connect failed\n"); return 1; }
    if (check(amqp_login(conn, "/", 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, "guest", "guest"), "login")) return 1;
    for (int ch = 1; ch <= channels; ch++) {
        amqp_channel_open(conn, ch);
        if (check(amqp_get_rpc_reply(conn), "channel.open")) return 1;
    }
    for (int ch = 1; ch <= channels; ch++) {
        if (check(amqp_channel_close(conn, ch, AMQP_REPLY_SUCCESS), "channel.close")) return 1;
    }
    if (check(amqp_connection_close(conn, AMQP_REPLY_SUCCESS), "connection.close")) return 1;
    amqp_destroy_connection(conn);
    puts("ok");
    return 0;
}
