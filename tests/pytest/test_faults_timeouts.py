"""Bounded time: request_timeout bounds every call, wait_timeout bounds every wait.

Wall-time bounds here are generous (several times the expected time, well below the injected
delay or the simulated transition): they check that a bound exists and is applied, they are not
benchmarks.
"""

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
    assert "within request_timeout=0.5s; gave up after 2 attempts (max_retries=1)" in result["msg"], result["msg"]
    assert calls(sim, "POST") == []


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
