"""Runs a test written as a generator over one pika SelectConnection channel, bounded in time.

The scenario yields operations, each a function taking a one-shot `done` callback; the value
passed to `done` is what the yield returns. `call(method, ...)` wraps a pika method that takes
`callback=`; a `Box` collects what pika hands to a callback (deliveries, confirms, returns) and
`box.get` waits for the next item. The whole run stops after `timeout` seconds, and any broker
close of the channel fails the test with the reply code.
"""
import pika


def call(method, *args, **kwargs):
    return lambda done: method(*args, callback=done, **kwargs)


class Box:
    def __init__(self):
        self.items, self.waiting = [], None

    def put(self, *args):
        self.items.append(args[0] if len(args) == 1 else args)
        if self.waiting:
            done, self.waiting = self.waiting, None
            done(self.items.pop(0))

    def get(self, done):
        if self.items:
            done(self.items.pop(0))
        else:
            self.waiting = done


def run(url, scenario, timeout=10):
    """Opens a connection and a channel, runs scenario(channel) to its end, closes; raises what failed."""
    state = {"error": None, "finished": False}
    connection = None

    def finish(error=None):
        if state["finished"]:
            return
        state["finished"], state["error"] = True, error
        if connection.is_open:
            connection.close()
        else:
            connection.ioloop.stop()

    def step(generator, value):
        try:
            operation = generator.send(value)
        except StopIteration:
            finish()
            return
        except BaseException as error:  # noqa: BLE001 -- an assertion failure ends the run
            finish(error)
            return
        operation(lambda result=None: state["finished"] or step(generator, result))

    def on_channel(channel):
        channel.add_on_close_callback(lambda _, reason: finish(AssertionError(f"channel closed: {reason!r}")))
        generator = scenario(channel)
        step(generator, None)

    connection = pika.SelectConnection(
        pika.URLParameters(url),
        on_open_callback=lambda conn: conn.channel(on_open_callback=on_channel),
        on_open_error_callback=lambda _, error: finish(error),
        on_close_callback=lambda _, reason: (finish(ConnectionError(f"connection closed: {reason!r}")),
                                             connection.ioloop.stop()))
    connection.ioloop.call_later(timeout, lambda: finish(TimeoutError(f"scenario did not finish in {timeout} s")))
    connection.ioloop.start()
    if state["error"]:
        raise state["error"]
