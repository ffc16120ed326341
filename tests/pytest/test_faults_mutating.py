"""No blind resend of a mutating call: the stop POST and the lifecycle PUT land exactly once.

When the answer to a POST/PUT is lost (dropped connection, read timeout, 502/504 from a gateway),
the module re-reads the resource and sends again only if the change is not there. The simulator
tells apart a call that was applied before the connection was dropped (``drop_after_apply``) from
one that was not (``drop``); its request log is the referee. A task that gives up after sending
reports ``changed: true``: the resource may have changed.
"""

import time

import pytest

from faultkit import (
    CLUSTER_ID,
    CLUSTER_PATH,
    LIFECYCLE_PATH,
    PROJECT_ID,
    STACK_ID,
    STACK_PATH,
    STOP_PATH,
    Stopwatch,
    add_fault,
    applied_lifecycles,
    applied_stops,
    assert_clean_failure,
    calls,
    cluster,
    cluster_stop_main,
    connection,
    run_module,
    stack,
    stack_lifecycle_main,
    summary,
)


def stop_args(sim, **extra):
    return connection(sim, cluster_id=CLUSTER_ID, **extra)


def upgrade_args(sim, **extra):
    return connection(sim, stack_id=STACK_ID, lifecycle="upgrade", inputs={"param1": "value-new"}, **extra)


def api_calls(sim):
    """Every CDM/AOS call in order, as (method, kind) with kind one of read/stop/lifecycle/execution."""
    kinds = []
    for entry in calls(sim):
        path = entry["path"]
        if entry["method"] == "POST" and path.endswith("/action"):
            kinds.append(("stop", entry["status"], entry["fault"]))
        elif entry["method"] == "PUT":
            kinds.append(("lifecycle", entry["status"], entry["fault"]))
        else:
            kinds.append(("read", entry["status"], entry["fault"]))
    return kinds


def wait_for_log(sim, method, pattern, count, timeout=10.0):
    """A delayed request is logged when the simulator gets round to it: wait for it."""
    deadline = time.monotonic() + timeout
    while len(calls(sim, method, pattern)) < count:
        assert time.monotonic() < deadline, summary(calls(sim))
        time.sleep(0.05)
    return calls(sim, method, pattern)


# ------------------------------------------------------------------ applied, answer lost


def test_stop_applied_but_answer_dropped_is_not_resent(sim):
    add_fault(sim, method="POST", path=STOP_PATH, times=1, kind="drop_after_apply")
    rc, result = run_module(cluster_stop_main(), stop_args(sim), verbosity=3)
    stops = calls(sim, "POST", STOP_PATH)
    assert rc == 0, result
    assert result["changed"] is True
    assert len(stops) == 1, summary(stops)
    assert stops[0]["fault"] == "drop_after_apply"
    assert result["job_ids"] == []  # the answer that carried them was lost
    assert result["cluster"]["status"] == "900"
    assert cluster(sim)["status"] == "900"
    # The re-read came after the lost POST, and the operator is told why nothing was resent.
    order = api_calls(sim)
    assert order[order.index(("stop", 200, "drop_after_apply")) + 1][0] == "read", order
    assert any("took effect, not sending it again" in line for line in result["retries"]), result["retries"]


def test_lifecycle_applied_but_answer_dropped_is_not_resent(sim):
    before = stack(sim)["last_action_id"]
    add_fault(sim, method="PUT", path=LIFECYCLE_PATH, times=1, kind="drop_after_apply")
    rc, result = run_module(stack_lifecycle_main(), upgrade_args(sim))
    puts = calls(sim, "PUT", LIFECYCLE_PATH)
    assert rc == 0, result
    assert result["changed"] is True
    assert len(puts) == 1, summary(puts)
    after = stack(sim)
    assert after["inputs"]["param1"] == "value-new" and after["status"] == "Running"
    # The action id could not come from the lost answer: it is the one the re-read found.
    assert result["action_id"] == after["last_action_id"] != before
    assert result["last_action_id"] == before


# ------------------------------------------------------------------ not applied, answer lost


def test_stop_dropped_before_apply_is_resent_once(sim):
    add_fault(sim, method="POST", path=STOP_PATH, times=1, kind="drop")
    rc, result = run_module(cluster_stop_main(), stop_args(sim))
    stops = calls(sim, "POST", STOP_PATH)
    assert rc == 0 and result["changed"] is True, result
    assert [(e["status"], e["fault"]) for e in stops] == [(None, "drop"), (200, None)], summary(stops)
    assert len(applied_stops(sim)) == 1
    assert len(result["job_ids"]) == 1
    order = api_calls(sim)
    dropped = order.index(("stop", None, "drop"))
    assert order[dropped + 1][0] == "read" and order[dropped + 2] == ("stop", 200, None), order


def test_lifecycle_dropped_before_apply_is_resent_once(sim):
    add_fault(sim, method="PUT", path=LIFECYCLE_PATH, times=1, kind="drop")
    rc, result = run_module(stack_lifecycle_main(), upgrade_args(sim))
    puts = calls(sim, "PUT", LIFECYCLE_PATH)
    assert rc == 0 and result["changed"] is True, result
    assert [(e["status"], e["fault"]) for e in puts] == [(None, "drop"), (200, None)], summary(puts)
    assert len(applied_lifecycles(sim)) == 1
    assert result["action_id"] == stack(sim)["last_action_id"]
    order = api_calls(sim)
    dropped = order.index(("lifecycle", None, "drop"))
    assert order[dropped + 1][0] == "read" and order[dropped + 2] == ("lifecycle", 200, None), order


def test_stop_dropped_every_time_gives_up_after_max_retries(sim):
    add_fault(sim, method="POST", path=STOP_PATH, times=50, kind="drop")
    rc, result = run_module(cluster_stop_main(), stop_args(sim, max_retries=2))
    stops = calls(sim, "POST", STOP_PATH)
    assert rc == 1
    assert_clean_failure(result)
    assert result["changed"] is True
    assert len(stops) == 3, summary(stops)
    # Every resend was preceded by a re-read that showed the stop had not landed.
    order = [kind for kind, _status, _fault in api_calls(sim)]
    assert order == ["read", "stop", "read", "stop", "read", "stop", "read"], order
    assert "may or may not have taken effect" in result["msg"], result["msg"]
    assert cluster(sim)["status"] == "200"


# ------------------------------------------------------------------ read timeout on the call


def test_stop_read_timeout_is_handled_like_a_lost_answer(sim):
    """The first POST is held by the simulator past request_timeout, then applied late (or refused)."""
    add_fault(sim, method="POST", path=STOP_PATH, times=1, kind="delay", delay=4.0)
    with Stopwatch() as watch:
        rc, result = run_module(cluster_stop_main(), stop_args(sim, request_timeout=1.0), verbosity=3)
    assert rc == 0 and result["changed"] is True, result
    assert watch.elapsed < 10, watch.elapsed
    assert any("within request_timeout=1.0s; the call may or may not have taken effect" in line for line in result["retries"]), result["retries"]
    stops = wait_for_log(sim, "POST", STOP_PATH, 2)
    assert len(stops) == 2, summary(stops)
    # Exactly one stop took effect. Normally the resend, and the held one reaches a stopping cluster
    # and is refused; on a very slow machine the held one may land first and the resend be refused,
    # which the module also takes as success after a re-read.
    assert len(applied_stops(sim)) == 1, summary(stops)
    assert sorted(e["status"] for e in stops) == [200, 400], summary(stops)
    assert cluster(sim)["status"] == "900"


def test_lifecycle_read_timeout_is_handled_like_a_lost_answer(sim):
    # A slow execution keeps the stack Processing, so a late original finds it busy and is refused.
    sim.state.upsert_stack({"guid": STACK_ID, "transition_seconds": 30})
    add_fault(sim, method="PUT", path=LIFECYCLE_PATH, times=1, kind="delay", delay=4.0)
    rc, result = run_module(stack_lifecycle_main(), upgrade_args(sim, request_timeout=1.0, wait=False))
    assert rc == 0 and result["changed"] is True, result
    puts = wait_for_log(sim, "PUT", LIFECYCLE_PATH, 2)
    assert len(applied_lifecycles(sim)) == 1, summary(puts)
    assert sorted(e["status"] for e in puts) == [200, 400], summary(puts)
    assert result["action_id"] == stack(sim)["last_action_id"]


# ------------------------------------------------------------------ 502/504 on the call


@pytest.mark.parametrize("status", [502, 504])
def test_stop_gateway_error_is_outcome_unknown(sim, status):
    add_fault(sim, method="POST", path=STOP_PATH, times=1, kind="status", status=status)
    rc, result = run_module(cluster_stop_main(), stop_args(sim, wait=False))
    assert rc == 0 and result["changed"] is True, result
    order = api_calls(sim)
    assert order == [("read", 200, None), ("stop", status, "status"), ("read", 200, None), ("stop", 200, None)], order
    assert len(applied_stops(sim)) == 1


@pytest.mark.parametrize("status", [502, 504])
def test_lifecycle_gateway_error_is_outcome_unknown(sim, status):
    add_fault(sim, method="PUT", path=LIFECYCLE_PATH, times=1, kind="status", status=status)
    rc, result = run_module(stack_lifecycle_main(), upgrade_args(sim, wait=False))
    assert rc == 0 and result["changed"] is True, result
    order = api_calls(sim)
    assert order == [("read", 200, None), ("lifecycle", status, "status"), ("read", 200, None), ("lifecycle", 200, None)], order
    assert len(applied_lifecycles(sim)) == 1


def test_gateway_error_on_stop_every_time_fails_with_what_the_gateway_said(sim):
    add_fault(sim, method="POST", path=STOP_PATH, times=50, kind="status", status=502)
    rc, result = run_module(cluster_stop_main(), stop_args(sim, max_retries=1, wait=False))
    assert rc == 1
    assert_clean_failure(result)
    assert result["changed"] is True
    assert len(calls(sim, "POST", STOP_PATH)) == 2
    assert "HTTP 502" in result["msg"] and "502 Bad Gateway" in result["msg"], result["msg"]
    assert result["error"]["status"] == 502


# ------------------------------------------------------------------ send_once, in isolation


def _client(max_retries=3):
    from ansible_collections.hwcloud.cloud.plugins.module_utils.client import HwCloudClient  # pylint: disable=import-outside-toplevel
    log = []
    http = HwCloudClient(None, max_retries=max_retries, sleep=lambda seconds: None, log=log.append)
    return http, log


def test_send_once_refused_resend_after_late_landing_is_success():
    """The lost call lands after the re-read; the resend is refused (400): a re-read proves it is done."""
    from ansible_collections.hwcloud.cloud.plugins.module_utils.client import send_once  # pylint: disable=import-outside-toplevel
    from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import HwCloudError, OutcomeUnknownError  # pylint: disable=import-outside-toplevel

    http, log = _client()
    sent, reads = [], iter([False, True])

    def send():
        sent.append(None)
        if len(sent) == 1:
            raise OutcomeUnknownError("Stopping: no answer")
        raise HwCloudError("Stopping: HTTP 400 Cdm.0031: already stopping", status=400, code="Cdm.0031")

    assert send_once(http, send, lambda: next(reads)) == (None, True)
    assert len(sent) == 2
    assert "earlier call took effect" in log[-1]


def test_send_once_refusal_of_first_call_is_an_error():
    from ansible_collections.hwcloud.cloud.plugins.module_utils.client import send_once  # pylint: disable=import-outside-toplevel
    from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import HwCloudError  # pylint: disable=import-outside-toplevel

    http, _log = _client()
    reads = []

    def send():
        raise HwCloudError("Stopping: HTTP 400", status=400)

    with pytest.raises(HwCloudError):
        send_once(http, send, lambda: reads.append(None) or True)
    assert reads == []  # a plain refusal is not second-guessed


def test_send_once_resends_at_most_max_retries():
    from ansible_collections.hwcloud.cloud.plugins.module_utils.client import send_once  # pylint: disable=import-outside-toplevel
    from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import OutcomeUnknownError  # pylint: disable=import-outside-toplevel

    http, _log = _client(max_retries=2)
    sent, reads = [], []

    def send():
        sent.append(None)
        raise OutcomeUnknownError("lost")

    with pytest.raises(OutcomeUnknownError):
        send_once(http, send, lambda: reads.append(None) or False)
    assert len(sent) == 3 and len(reads) == 3


def test_lost_stop_touches_only_the_named_cluster(sim):
    """A lost stop never leaks into another cluster: only the named one is touched."""
    add_fault(sim, method="POST", path=STOP_PATH, times=1, kind="drop_after_apply")
    rc, _result = run_module(cluster_stop_main(), stop_args(sim))
    assert rc == 0
    touched = set(e["path"].split("/")[-2] for e in calls(sim, "POST", STOP_PATH))
    assert touched == {CLUSTER_ID}
    assert all(e["path"].startswith("/v1.1/%s/" % PROJECT_ID) for e in calls(sim, "GET", CLUSTER_PATH))
    assert calls(sim, "GET", STACK_PATH) == []
