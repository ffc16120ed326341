"""Retries: which answers are retried, how often, how long apart, and how an operator sees them.

Every count below is taken from the simulator's request log, not from the module's own account.
"""

import email.utils
import random
import time

import pytest

from faultkit import (
    CLUSTER_ID,
    CLUSTER_PATH,
    STACK_ID,
    STACK_PATH,
    STOP_PATH,
    TOKENS_PATH,
    add_fault,
    applied_stops,
    assert_clean_failure,
    assert_clean_output,
    calls,
    cluster_stop_main,
    connection,
    gaps,
    run_module,
    stack_lifecycle_main,
    summary,
)


def stop_args(sim, **extra):
    return connection(sim, cluster_id=CLUSTER_ID, wait=False, **extra)


# ------------------------------------------------------------------ what is retried


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_read_retried_on_throttling_and_gateway_errors(sim, status):
    add_fault(sim, method="GET", path=CLUSTER_PATH, times=2, kind="status", status=status)
    rc, result = run_module(cluster_stop_main(), stop_args(sim))
    reads = calls(sim, "GET", CLUSTER_PATH)
    assert rc == 0 and result["changed"] is True, result
    assert [(e["status"], e["fault"]) for e in reads] == [(status, "status"), (status, "status"), (200, None)], summary(reads)
    assert len(applied_stops(sim)) == 1


def test_dropped_read_is_retried(sim):
    add_fault(sim, method="GET", path=CLUSTER_PATH, times=2, kind="drop")
    rc, result = run_module(cluster_stop_main(), stop_args(sim))
    reads = calls(sim, "GET", CLUSTER_PATH)
    assert rc == 0 and result["changed"] is True, result
    assert [e["fault"] for e in reads] == ["drop", "drop", None], summary(reads)
    assert len(applied_stops(sim)) == 1


def test_dropped_read_of_stack_is_retried(sim):
    add_fault(sim, method="GET", path=STACK_PATH, times=1, kind="drop")
    rc, result = run_module(stack_lifecycle_main(),
                            connection(sim, stack_id=STACK_ID, lifecycle="upgrade", inputs={"param1": "v2"}, wait=False))
    reads = calls(sim, "GET", STACK_PATH)
    assert rc == 0 and result["changed"] is True and result["action_id"], result
    assert [e["fault"] for e in reads] == ["drop", None], summary(reads)


@pytest.mark.parametrize("kind,status", [("drop", None), ("status", 503), ("status", 502)])
def test_lost_token_request_is_retried_like_a_read(sim, kind, status):
    """Asking IAM for a token changes nothing: a lost answer is simply asked again, no re-read needed."""
    rule = dict(method="POST", path=TOKENS_PATH, times=1, kind=kind)
    if status:
        rule["status"] = status
    add_fault(sim, **rule)
    args = stop_args(sim, identity_endpoint=sim.url, user_name="sim-user", password="sim-password", domain_name="sim-domain")
    del args["auth_token"]
    rc, result = run_module(cluster_stop_main(), args)
    tokens = calls(sim, "POST", TOKENS_PATH)
    assert rc == 0 and result["changed"] is True, result
    assert [e["fault"] for e in tokens] == [kind, None], summary(tokens)
    assert len(applied_stops(sim)) == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404, 500])
@pytest.mark.parametrize("method, path", [("GET", CLUSTER_PATH), ("POST", STOP_PATH)], ids=["read", "stop"])
def test_not_retried_on_final_errors(sim, method, path, status):
    """Neither the read nor the stop is sent again after an error that will not go away."""
    add_fault(sim, method=method, path=path, times=5, kind="status", status=status)
    rc, result = run_module(cluster_stop_main(), stop_args(sim))
    sent = calls(sim, method, path)
    assert rc == 1
    assert_clean_failure(result)
    assert len(sent) == 1, summary(sent)
    assert "HTTP %d" % status in result["msg"]
    if method == "GET":
        assert calls(sim, "POST") == []


@pytest.mark.parametrize("status", [429, 503])
def test_throttled_stop_is_resent(sim, status):
    """429/503 say the call was not processed: resending it is safe, and it lands exactly once."""
    add_fault(sim, method="POST", path=STOP_PATH, times=2, kind="status", status=status)
    rc, result = run_module(cluster_stop_main(), stop_args(sim))
    stops = calls(sim, "POST", STOP_PATH)
    assert rc == 0 and result["changed"] is True and len(result["job_ids"]) == 1, result
    assert [e["status"] for e in stops] == [status, status, 200], summary(stops)
    assert len(applied_stops(sim)) == 1


# ------------------------------------------------------------------ how often


def test_max_retries_option_bounds_attempts(sim):
    add_fault(sim, method="GET", path=CLUSTER_PATH, times=50, kind="status", status=503)
    rc, result = run_module(cluster_stop_main(), stop_args(sim, max_retries=2))
    reads = calls(sim, "GET", CLUSTER_PATH)
    assert rc == 1
    assert_clean_failure(result)
    assert len(reads) == 3, summary(reads)
    assert "HTTP 503" in result["msg"] and "gave up after 3 attempts" in result["msg"], result["msg"]
    assert result["error"]["status"] == 503


def test_max_retries_zero_means_one_attempt(sim):
    add_fault(sim, method="GET", path=CLUSTER_PATH, times=50, kind="status", status=429)
    rc, result = run_module(cluster_stop_main(), stop_args(sim, max_retries=0))
    assert rc == 1
    assert len(calls(sim, "GET", CLUSTER_PATH)) == 1
    assert "HTTP 429" in result["msg"]


def test_max_retries_from_environment(sim):
    add_fault(sim, method="GET", path=CLUSTER_PATH, times=50, kind="status", status=429)
    rc, result = run_module(cluster_stop_main(), stop_args(sim), env={"HW_MAX_RETRIES": "1"})
    reads = calls(sim, "GET", CLUSTER_PATH)
    assert rc == 1
    assert len(reads) == 2, summary(reads)
    assert result["invocation"]["module_args"]["max_retries"] == 1


def test_max_retries_option_beats_environment(sim):
    add_fault(sim, method="GET", path=CLUSTER_PATH, times=50, kind="status", status=429)
    rc, _result = run_module(cluster_stop_main(), stop_args(sim, max_retries=0), env={"HW_MAX_RETRIES": "3"})
    assert rc == 1
    assert len(calls(sim, "GET", CLUSTER_PATH)) == 1


def test_dropped_reads_bounded_by_max_retries(sim):
    add_fault(sim, method="GET", path=CLUSTER_PATH, times=50, kind="drop")
    rc, result = run_module(cluster_stop_main(), stop_args(sim, max_retries=2))
    assert rc == 1
    assert_clean_failure(result)
    assert len(calls(sim, "GET", CLUSTER_PATH)) == 3
    assert "after 3 attempts" in result["msg"], result["msg"]


# ------------------------------------------------------------------ how long apart


def test_retry_after_seconds_is_honoured(sim):
    add_fault(sim, method="GET", path=CLUSTER_PATH, times=1, kind="status", status=429, retry_after="1")
    rc, result = run_module(cluster_stop_main(), stop_args(sim), verbosity=3)
    reads = calls(sim, "GET", CLUSTER_PATH)
    assert rc == 0, result
    # Without Retry-After the first backoff is at most 0.5 s; with it, at least 1 s.
    assert gaps(reads)[0] >= 0.95, gaps(reads)
    assert "Retry-After: 1" in result["retries"][0]


def test_retry_after_http_date_is_honoured(sim):
    not_before = int(time.time()) + 4
    add_fault(sim, method="GET", path=CLUSTER_PATH, times=1, kind="status", status=503,
              retry_after=email.utils.formatdate(not_before, usegmt=True))
    rc, result = run_module(cluster_stop_main(), stop_args(sim))
    reads = calls(sim, "GET", CLUSTER_PATH)
    assert rc == 0, result
    # The retry waited for the date (without it the first backoff is at most 0.5 s).
    assert reads[1]["time"] >= not_before - 0.05, (not_before, [e["time"] for e in reads])
    assert gaps(reads)[0] >= 1.0, gaps(reads)


def test_retry_after_on_throttled_stop_is_honoured(sim):
    add_fault(sim, method="POST", path=STOP_PATH, times=1, kind="status", status=429, retry_after="1")
    rc, result = run_module(cluster_stop_main(), stop_args(sim))
    stops = calls(sim, "POST", STOP_PATH)
    assert rc == 0, result
    assert [e["status"] for e in stops] == [429, 200]
    assert gaps(stops)[0] >= 0.95, gaps(stops)


def test_backoff_is_jittered_and_exponential(sim):
    """The client's own sleeps, recorded: each within its exponential cap, and not all alike."""
    from ansible_collections.hwcloud.cloud.plugins.module_utils import client as client_mod  # pylint: disable=import-outside-toplevel

    add_fault(sim, method="GET", path=CLUSTER_PATH, times=5, kind="status", status=503)
    slept = []
    http = client_mod.HwCloudClient(client_mod.TokenAuth("sim-token"), request_timeout=5, max_retries=5, sleep=slept.append)
    url = "%s/v1.1/%s/clusters/%s" % (sim.url, "0605767a2c80d5a62f5cc0123456789a", CLUSTER_ID)
    random.seed(1234)
    assert http.request("GET", url)["id"] == CLUSTER_ID
    assert len(calls(sim, "GET", CLUSTER_PATH)) == 6
    assert len(slept) == 5
    for attempt, delay in enumerate(slept):
        assert 0 <= delay <= min(client_mod.BACKOFF_CAP, client_mod.BACKOFF_BASE * 2 ** attempt), slept

    # Over many draws: full jitter (spread over the whole window) and a window that doubles per attempt.
    random.seed(99)
    for attempt in range(5):
        cap = client_mod.BACKOFF_BASE * 2 ** attempt
        draws = [client_mod.backoff_seconds(attempt) for _draw in range(400)]
        assert max(draws) <= cap and max(draws) > 0.9 * cap and min(draws) < 0.1 * cap, (attempt, min(draws), max(draws))
    assert client_mod.backoff_seconds(10) <= client_mod.BACKOFF_CAP
    assert client_mod.backoff_seconds(10 ** 6) <= client_mod.BACKOFF_CAP  # no float overflow for a huge max_retries
    # Retry-After is a floor, never shortened by the jitter.
    assert all(client_mod.backoff_seconds(0, retry_after=2.0) >= 2.0 for _draw in range(50))


def test_retry_after_parsing():
    from ansible_collections.hwcloud.cloud.plugins.module_utils.client import retry_after_seconds  # pylint: disable=import-outside-toplevel

    now = 1_700_000_000.0
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds(" 2.5 ") == 2.5
    assert retry_after_seconds(email.utils.formatdate(now + 30, usegmt=True), now=now) == pytest.approx(30, abs=1)
    assert retry_after_seconds(email.utils.formatdate(now - 30, usegmt=True), now=now) == 0.0
    assert retry_after_seconds("-3") == 0.0
    for junk in (None, "", "soon", "Wed, 99 Foo 2015"):
        assert retry_after_seconds(junk) is None


# ------------------------------------------------------------------ how they are seen


@pytest.mark.parametrize("verbosity,shown", [(0, False), (2, False), (3, True), (4, True)])
def test_retries_listed_from_verbosity_3(sim, verbosity, shown):
    add_fault(sim, method="GET", path=CLUSTER_PATH, times=2, kind="status", status=429)
    rc, result = run_module(cluster_stop_main(), stop_args(sim), verbosity=verbosity)
    assert rc == 0, result
    if shown:
        assert len(result["retries"]) == 2, result
        assert all("HTTP 429" in line and "retry" in line for line in result["retries"]), result["retries"]
        assert "retry 1 of 5" in result["retries"][0] and "retry 2 of 5" in result["retries"][1]
    else:
        assert "retries" not in result


def test_retries_listed_on_failure_at_verbosity_3(sim):
    add_fault(sim, method="GET", path=CLUSTER_PATH, times=50, kind="status", status=502)
    rc, result = run_module(cluster_stop_main(), stop_args(sim, max_retries=1), verbosity=3)
    assert rc == 1
    assert len(result["retries"]) == 1 and "HTTP 502" in result["retries"][0], result


RETRY_PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Stop through a throttled read
      hwcloud.cloud.cluster_stop:
        endpoint: "{{ sim_url }}"
        project_id: "{{ project_id }}"
        auth_token: sim-token
        cluster_id: "{{ cluster_id }}"
        wait: false
      register: stop
    - name: Show what the task returned about retries
      ansible.builtin.debug:
        msg: "RETRIES={{ stop.retries | default('none') }}"
"""


@pytest.mark.parametrize("verbosity", [0, 3])
def test_retries_visible_at_vvv_only_through_ansible(sim, run_playbook, verbosity):
    add_fault(sim, method="GET", path=CLUSTER_PATH, times=1, kind="status", status=429)
    rc, output = run_playbook(RETRY_PLAYBOOK, verbosity=verbosity,
                              extra_vars=dict(sim_url=sim.url, project_id="0605767a2c80d5a62f5cc0123456789a",
                                              cluster_id=CLUSTER_ID))
    assert rc == 0, output
    assert_clean_output(output)
    assert len(calls(sim, "GET", CLUSTER_PATH)) == 2
    if verbosity >= 3:
        assert "RETRIES=['Reading CDM cluster %s: HTTP 429" % CLUSTER_ID in output, output
    else:
        assert "RETRIES=none" in output, output
        assert "retry 1 of" not in output
