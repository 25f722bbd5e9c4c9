"""Celery app and tasks for test_celery_worker.py: broker AMQP_URL, results over rpc://, tasks on
the queue CELERY_QUEUE (one per test run, so a stray worker cannot take them)."""
import os

from celery import Celery

app = Celery("compat", broker=os.environ["AMQP_URL"], backend="rpc://")
app.conf.update(
    task_default_queue=os.environ.get("CELERY_QUEUE", "celery"),
    broker_connection_retry_on_startup=False,  # a broker that is not there fails the run at once
    worker_hijack_root_logger=False,
)
if os.environ.get("CELERY_WORKER_HEARTBEAT"):
    # The worker's event loop sleeps up to 10 s in poll() and notices SIGTERM only when it wakes;
    # a heartbeat check every second (heartbeat / checkrate) wakes it, so it stops within a second.
    app.conf.update(broker_heartbeat=int(os.environ["CELERY_WORKER_HEARTBEAT"]), broker_heartbeat_checkrate=10)


@app.task
def add(x, y):
    return x + y


@app.task(bind=True, max_retries=3)
def flaky(self, failures):
    """Fails `failures` times, retrying at once (countdown 0: no ETA), then returns its retry count."""
    if self.request.retries < failures:
        raise self.retry(countdown=0)
    return self.request.retries


@app.task
def boom(text):
    raise ValueError(text)
