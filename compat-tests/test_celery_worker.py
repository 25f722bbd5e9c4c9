"""Celery: a real worker process runs tasks, retries, and sends results over the rpc:// backend."""
import os
import subprocess
import sys
import time
import uuid

import celery.exceptions
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
CLIENTS = os.path.join(HERE, "clients")
TIMEOUT = 30  # seconds for a result, the worker's start included

pytestmark = pytest.mark.client("Celery")


@pytest.fixture(scope="module")
def worker(amqp_url, tmp_path_factory):
    """A `celery worker` (solo pool) on a queue of this run's own; stopped by PID whatever happens."""
    queue = f"celery-{uuid.uuid4().hex[:8]}"
    env = dict(os.environ, AMQP_URL=amqp_url, CELERY_QUEUE=queue, CELERY_WORKER_HEARTBEAT="10", PYTHONPATH=CLIENTS)
    log_path = tmp_path_factory.mktemp("celery") / "worker.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen([sys.executable, "-m", "celery", "-A", "celery_tasks", "worker", "--pool=solo",
                                    "--without-gossip", "--without-mingle", "--without-heartbeat",
                                    "--loglevel=INFO", "-n", f"{queue}@localhost"],
                                   cwd=CLIENTS, env=env, stdout=log, stderr=subprocess.STDOUT)
    process.log_path = log_path
    os.environ["CELERY_QUEUE"] = queue  # read when this process imports celery_tasks below
    sys.path.insert(0, CLIENTS)
    import celery_tasks
    try:
        yield process, celery_tasks
    finally:
        sys.path.remove(CLIENTS)
        os.environ.pop("CELERY_QUEUE")
        celery_tasks.app.close()
        process.terminate()  # warm shutdown
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def outcome(worker, result):
    """The task's result, waiting at most TIMEOUT; fails early, with the worker's log, if it died."""
    process, _ = worker
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        assert process.poll() is None, f"worker exited {process.returncode}:\n{process.log_path.read_text()[-3000:]}"
        try:
            return result.get(timeout=0.5)
        except celery.exceptions.TimeoutError:
            continue
    pytest.fail(f"no result in {TIMEOUT} s; worker log:\n{process.log_path.read_text()[-3000:]}")


def test_task_runs_on_the_worker_and_returns_its_result(worker):
    _, tasks = worker
    assert outcome(worker, tasks.add.delay(2, 3)) == 5


def test_task_retry_is_republished_and_runs_again(worker):
    _, tasks = worker
    assert outcome(worker, tasks.flaky.delay(2)) == 2


def test_task_failure_comes_back_as_the_exception(worker):
    _, tasks = worker
    with pytest.raises(ValueError, match="expected failure"):
        outcome(worker, tasks.boom.delay("expected failure"))


def test_results_of_several_tasks_each_reach_their_caller(worker):
    _, tasks = worker
    results = [tasks.add.delay(i, i) for i in range(10)]
    assert [outcome(worker, r) for r in results] == [2 * i for i in range(10)]
