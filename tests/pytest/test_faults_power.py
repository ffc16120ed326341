"""Start and restart are sent at most once: a lost answer is settled by re-reading, never by a second POST.

Unlike stop (resent when a re-read shows it did not land), a start or a restart whose answer is lost
is proven by the re-read (``920``/``200`` after a start, ``500`` after a restart) or the task fails
saying that the outcome is unknown. The simulator's request log is the referee: exactly one POST.
A task that fails after its POST left reports ``changed: true``: the cluster may have changed.
"""

import time

import pytest

from faultkit import (
    CLUSTER_ID,
    STOP_PATH,
    STOPPED_CLUSTER_ID,
    add_fault,
    assert_clean_failure,
    calls,
    cluster,
    connection,
    run_module,
    summary,
)

ACTION_PATH = STOP_PATH
RESTART_BODY = {"restart": {"restartDelayTime": 0, "restartMode": "IMMEDIATELY", "restartLevel": "SERVICE",
                            "type": "cdm", "instance": "", "group": ""}}


def cluster_start_main():
    from ansible_collections.hwcloud.cloud.plugins.modules import cluster_start  # pylint: disable=import-outside-toplevel
    return cluster_start.main


def cluster_restart_main():
    from ansible_collections.hwcloud.cloud.plugins.modules import cluster_restart  # pylint: disable=import-outside-toplevel
    return cluster_restart.main


def start(sim, **extra):
    return run_module(cluster_start_main(), connection(sim, cluster_id=STOPPED_CLUSTER_ID, **extra), verbosity=3)


def restart(sim, **extra):
    return run_module(cluster_restart_main(), connection(sim, cluster_id=CLUSTER_ID, **extra), verbosity=3)


def order(sim):
    return [("post" if entry["method"] == "POST" else "read", entry["status"], entry["fault"]) for entry in calls(sim)]


# ------------------------------------------------------------------ applied, answer lost: proven by the re-read

def test_start_applied_but_answer_dropped_is_not_resent(sim):
    add_fault(sim, method="POST", path=ACTION_PATH, kind="drop_after_apply")

    rc, result = start(sim)

    posts = calls(sim, "POST", ACTION_PATH)
    assert rc == 0, result
    assert result["changed"] is True and result["job_ids"] == []
    assert [entry["fault"] for entry in posts] == ["drop_after_apply"], summary(posts)
    assert posts[0]["body"] == {"start": {}}
    assert result["cluster"]["status"] == "200" and cluster(sim, STOPPED_CLUSTER_ID)["status"] == "200"
    # The re-read came right after the lost POST, and the operator is told why nothing was resent.
    assert order(sim)[:3] == [("read", 200, None), ("post", 200, "drop_after_apply"), ("read", 200, None)]
    assert any("took effect, not sending it again" in line for line in result["retries"]), result["retries"]


def test_restart_applied_but_answer_dropped_is_not_resent(sim):
    # A restart as slow as a real one (minutes): the re-read finds it under way (500).
    sim.state.upsert_cluster({"id": CLUSTER_ID, "transition_seconds": 2})
    add_fault(sim, method="POST", path=ACTION_PATH, kind="drop_after_apply")

    rc, result = restart(sim)

    posts = calls(sim, "POST", ACTION_PATH)
    assert rc == 0, result
    assert result["changed"] is True and result["job_ids"] == []
    assert [(entry["fault"], entry["body"]) for entry in posts] == [("drop_after_apply", RESTART_BODY)], summary(posts)
    assert result["cluster"]["status"] == "200"
    assert any("took effect, not sending it again" in line for line in result["retries"]), result["retries"]


# ------------------------------------------------------------------ not proven: the outcome is unknown, one POST

@pytest.mark.parametrize("fault", [
    {"kind": "drop"},
    {"kind": "status", "status": 502},
    {"kind": "status", "status": 504},
])
def test_start_lost_and_not_proven_fails_as_unknown_with_one_post(sim, fault):
    add_fault(sim, method="POST", path=ACTION_PATH, **fault)

    rc, result = start(sim)

    assert rc == 1
    assert_clean_failure(result)
    assert result["changed"] is True
    assert "status 900 (stopped), which does not prove that it took effect" in result["msg"], result["msg"]
    assert "the outcome is unknown" in result["msg"]
    assert result["job_ids"] == [] and result["cluster"]["status"] == "900"
    assert len(calls(sim, "POST", ACTION_PATH)) == 1
    assert [kind for kind, _status, _fault in order(sim)] == ["read", "post", "read"]


def test_delayed_restart_whose_answer_is_lost_fails_as_unknown_with_one_post(sim):
    # The restart landed, but the cluster reads 200 until its delay is over: nothing can prove it.
    add_fault(sim, method="POST", path=ACTION_PATH, kind="drop_after_apply")

    rc, result = restart(sim, restart_delay_time=3600)

    assert rc == 1
    assert_clean_failure(result)
    assert result["changed"] is True
    assert "status 200 (normal), which does not prove that it took effect" in result["msg"], result["msg"]
    assert len(calls(sim, "POST", ACTION_PATH)) == 1


def test_restart_dropped_every_time_is_still_sent_once(sim):
    add_fault(sim, method="POST", path=ACTION_PATH, kind="drop", times=50)

    rc, result = restart(sim, max_retries=5)

    assert rc == 1
    assert_clean_failure(result)
    assert result["changed"] is True
    assert len(calls(sim, "POST", ACTION_PATH)) == 1
    assert cluster(sim)["status"] == "200"


def test_start_read_timeout_is_not_followed_by_a_second_post(sim):
    """The POST is held past request_timeout: the re-read cannot see it yet, and no second start goes out."""
    add_fault(sim, method="POST", path=ACTION_PATH, kind="delay", delay=3.0)

    rc, result = start(sim, request_timeout=1.0)

    assert rc == 1
    assert_clean_failure(result)
    assert result["changed"] is True
    assert "the outcome is unknown" in result["msg"], result["msg"]
    # The held POST is logged once it is answered: wait for it, then count.
    deadline = time.monotonic() + 10
    while not calls(sim, "POST", ACTION_PATH) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(calls(sim, "POST", ACTION_PATH)) == 1
