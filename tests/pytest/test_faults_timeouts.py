"""Bounded time: request_timeout bounds every call, wait_timeout bounds every wait.

Wall-time bounds here are generous (several times the expected time, well below the injected
delay or the simulated transition): they check that a bound exists and is applied, they are not
benchmarks.
"""

import socket
import threading

import pytest

from faultkit import (
    CLUSTER_ID,
    CLUSTER_PATH,
    LIFECYCLE_PATH,
    STACK_ID,
    STACK_PATH,
    STOP_PATH,
    Stopwatch,
    add_fault,
    assert_clean_failure,
    calls,
    cluster_stop_main,
    connection,
    run_module,
    stack,
    stack_lifecycle_main,
    summary,
)


# ------------------------------------------------------------------ request_timeout


def test_slow_read_fails_within_request_timeout_and_retries(sim):
    # Every read is held 20 s; request_timeout 0.5 s and one retry must give up in well under that.
    add_fault(sim, method="GET", path=CLUSTER_PATH, times=10, kind="delay", delay=20.0)
    with Stopwatch() as watch:
        rc, result = run_module(cluster_stop_main(),
                                connection(sim, cluster_id=CLUSTER_ID, request_timeout=0.5, max_retries=1))
    assert rc == 1
    assert_clean_failure(result)
    assert watch.elapsed < 12.0, watch.elapsed
    assert "within request_timeout=0.5s; gave up after 2 attempts (a call that times out is retried once" in result["msg"], result["msg"]
    assert calls(sim, "POST") == []


def test_slow_reads_are_retried_once_not_max_retries_times(sim):
    add_fault(sim, method="GET", path=CLUSTER_PATH, times=10, kind="delay", delay=5.0)
    rc, result = run_module(cluster_stop_main(), connection(sim, cluster_id=CLUSTER_ID, request_timeout=0.5, max_retries=5))
    assert rc == 1
    assert_clean_failure(result)
    assert "gave up after 2 attempts" in result["msg"], result["msg"]
    assert "request_timeout" in result["msg"] and "max_retries" in result["msg"], result["msg"]


def test_one_slow_read_is_retried_within_bounds(sim):
    add_fault(sim, method="GET", path=CLUSTER_PATH, times=1, kind="delay", delay=20.0)
    with Stopwatch() as watch:
        rc, result = run_module(cluster_stop_main(),
                                connection(sim, cluster_id=CLUSTER_ID, request_timeout=0.5, wait=False), verbosity=3)
    assert rc == 0 and result["changed"] is True, result
    assert watch.elapsed < 10.0, watch.elapsed
    assert "within request_timeout=0.5s; retry 1 of 5" in result["retries"][0], result["retries"]


def test_slow_stack_read_is_bounded(sim):
    add_fault(sim, method="GET", path=STACK_PATH, times=10, kind="delay", delay=20.0)
    with Stopwatch() as watch:
        rc, result = run_module(stack_lifecycle_main(),
                                connection(sim, stack_id=STACK_ID, lifecycle="upgrade", inputs={"param1": "x"},
                                           request_timeout=0.5, max_retries=0))
    assert rc == 1
    assert_clean_failure(result)
    assert watch.elapsed < 10.0, watch.elapsed
    assert calls(sim, "PUT") == []


def test_slow_stop_every_time_is_bounded(sim):
    """Every POST is held: each attempt is cut at request_timeout, re-read, and resent at most max_retries times."""
    add_fault(sim, method="POST", path=STOP_PATH, times=10, kind="delay", delay=20.0)
    with Stopwatch() as watch:
        rc, result = run_module(cluster_stop_main(),
                                connection(sim, cluster_id=CLUSTER_ID, request_timeout=0.5, max_retries=1))
    assert watch.elapsed < 12.0, watch.elapsed
    assert rc == 1
    assert_clean_failure(result)
    assert "may or may not have taken effect" in result["msg"], result["msg"]
    # Two POSTs are on their way (the simulator still holds them); the re-reads saw neither land.
    assert len(calls(sim, "GET", CLUSTER_PATH)) == 3


# ------------------------------------------------------------------ endpoints that never answer, or refuse


class SilentEndpoint:
    """A real listening socket that accepts every connection and never answers on it; counts the connections."""

    def __init__(self):
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.url = "http://127.0.0.1:%d" % self.server.getsockname()[1]
        self.held = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                connection_, _address = self.server.accept()
            except OSError:
                return
            self.held.append(connection_)

    def close(self):
        self.server.close()
        for held in self.held:
            held.close()


@pytest.fixture(name="silent")
def silent_fixture():
    endpoint = SilentEndpoint()
    yield endpoint
    endpoint.close()


def test_an_endpoint_that_never_answers_is_tried_twice_and_named(sim, silent):
    # Default max_retries (5): a silent endpoint still gets one retry only, not five.
    with Stopwatch() as watch:
        rc, result = run_module(cluster_stop_main(), connection(sim, cluster_id=CLUSTER_ID, endpoint=silent.url, request_timeout=0.5))
    assert rc == 1 and result.get("changed", False) is False, result
    assert_clean_failure(result)
    assert len(silent.held) == 2, len(silent.held)
    assert ("no answer from %s within request_timeout=0.5s; gave up after 2 attempts (a call that times out is retried once, "
            "whatever max_retries says; raise request_timeout for a slow service)" % silent.url[len("http://"):]) in result["msg"], result["msg"]
    print("silent endpoint, request_timeout=0.5: failed after %.2fs" % watch.elapsed)


def test_an_iam_endpoint_that_never_answers_is_tried_twice(sim, silent):
    args = connection(sim, cluster_id=CLUSTER_ID, identity_endpoint=silent.url, request_timeout=0.5, auth_token=None,
                      user_name="sim-user", password="sim-password", domain_name="sim-domain")
    rc, result = run_module(cluster_stop_main(), args)
    assert rc == 1
    assert_clean_failure(result)
    assert len(silent.held) == 2, len(silent.held)
    assert result["msg"].startswith("Requesting an IAM token: no answer from %s" % silent.url[len("http://"):]), result["msg"]
    assert calls(sim) == [], summary(calls(sim))


def test_max_retries_zero_tries_a_silent_endpoint_once(sim, silent):
    rc, result = run_module(cluster_stop_main(),
                            connection(sim, cluster_id=CLUSTER_ID, endpoint=silent.url, request_timeout=0.5, max_retries=0))
    assert rc == 1
    assert len(silent.held) == 1, len(silent.held)
    assert "gave up after 1 attempt (max_retries=0: no retry; raise request_timeout for a slow service)" in result["msg"], result["msg"]


def test_a_refused_connection_is_retried_once_and_names_the_endpoint(sim, hw):
    closed = hw.closed_port_url()
    with Stopwatch() as watch:
        rc, result = run_module(cluster_stop_main(), connection(sim, cluster_id=CLUSTER_ID, endpoint=closed), verbosity=3)
    assert rc == 1 and result.get("changed", False) is False, result
    assert_clean_failure(result)
    assert len(result["retries"]) == 1, result["retries"]
    assert result["msg"] == ("Reading CDM cluster %s: connection refused by %s: nothing listens there (check endpoint and region); "
                             "gave up after 2 attempts (an address that refuses or cannot be reached is retried once, whatever "
                             "max_retries says)" % (CLUSTER_ID, closed[len("http://"):])), result["msg"]
    print("refused endpoint, defaults: failed after %.2fs" % watch.elapsed)


# ------------------------------------------------------------------ wait_timeout


def wait_times_out(main, args):
    """Run a module whose wait must time out: it fails cleanly, well within the bound; its result."""
    with Stopwatch() as watch:
        rc, result = run_module(main, args)
    assert watch.elapsed < 10.0, watch.elapsed
    assert rc == 1
    assert_clean_failure(result)
    return result


def test_stop_wait_timeout_reports_what_is_known(sim):
    sim.state.upsert_cluster({"id": CLUSTER_ID, "transition_seconds": 60})
    result = wait_times_out(cluster_stop_main(), connection(sim, cluster_id=CLUSTER_ID, wait_timeout=1, poll_interval=0.2))
    assert "Timed out after 1s" in result["msg"] and "910" in result["msg"], result["msg"]
    # What the operator needs to follow up: the stop was sent (job id), the cluster is stopping.
    assert result["cluster"]["status"] == "910"
    assert len(result["job_ids"]) == 1 and result["job_ids"][0] == sim.state.get_cluster(
        "0605767a2c80d5a62f5cc0123456789a", CLUSTER_ID)["task"]["id"]
    assert len(calls(sim, "POST", STOP_PATH)) == 1


def test_transition_wait_timeout_reports_what_is_known(sim):
    sim.state.upsert_cluster({"id": CLUSTER_ID, "status": "920", "transition_seconds": 60})
    result = wait_times_out(cluster_stop_main(), connection(sim, cluster_id=CLUSTER_ID, wait_timeout=1, poll_interval=0.2))
    assert "Timed out" in result["msg"] and "920" in result["msg"], result["msg"]
    assert result["cluster"]["status"] == "920" and result["job_ids"] == []
    assert calls(sim, "POST") == []


def test_lifecycle_wait_timeout_reports_action_id(sim):
    sim.state.upsert_stack({"guid": STACK_ID, "transition_seconds": 60})
    previous = stack(sim)["last_action_id"]
    result = wait_times_out(stack_lifecycle_main(),
                            connection(sim, stack_id=STACK_ID, lifecycle="upgrade", inputs={"param1": "slow"},
                                       wait_timeout=1, poll_interval=0.2))
    assert "Timed out" in result["msg"], result["msg"]
    assert result["action_id"] == stack(sim)["last_action_id"] != previous
    assert result["last_action_id"] == previous
    assert result["action_id"] in result["msg"]
    assert len(calls(sim, "PUT", LIFECYCLE_PATH)) == 1


def test_busy_stack_wait_timeout_sends_nothing(sim):
    sim.state.upsert_stack({"guid": STACK_ID, "status": "Processing", "transition_seconds": 60})
    result = wait_times_out(stack_lifecycle_main(),
                            connection(sim, stack_id=STACK_ID, lifecycle="upgrade", inputs={"param1": "x"},
                                       wait_timeout=1, poll_interval=0.2))
    assert result["stack"]["status"] == "Processing"
    assert calls(sim, "PUT") == []


@pytest.mark.parametrize("option,value", [
    ("request_timeout", float("nan")), ("request_timeout", float("inf")), ("request_timeout", 1e300),
    ("request_timeout", 0), ("request_timeout", -1), ("poll_interval", float("nan")), ("poll_interval", 0),
    ("wait_timeout", -1), ("wait_timeout", 10 ** 40), ("max_retries", -1), ("max_retries", 101),
])
def test_unbounded_timers_are_refused_before_any_call(sim, option, value):
    rc, result = run_module(cluster_stop_main(), connection(sim, cluster_id=CLUSTER_ID, **{option: value}))
    assert rc == 1
    assert_clean_failure(result)
    assert option in result["msg"], result["msg"]
    assert result.get("invalid_option") == option
    assert calls(sim) == [], summary(calls(sim))
