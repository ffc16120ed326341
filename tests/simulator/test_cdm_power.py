"""The simulator's CDM start and restart (shared/api/cdm.md, docs/simulator.md)."""

import pytest
import requests

from simhelpers import CLUSTER, STOPPED_CLUSTER, TOKEN_HEADERS, cdm_url, sim_upsert, wait_for

RESTART = {"restartDelayTime": 0, "restartMode": "IMMEDIATELY", "restartLevel": "SERVICE", "type": "cdm", "instance": "", "group": ""}


def get_cluster(sim, cluster_id=CLUSTER):
    return requests.get(cdm_url(sim, cluster_id), headers=TOKEN_HEADERS, timeout=5).json()


def action(sim, body, cluster_id=CLUSTER):
    return requests.post(cdm_url(sim, cluster_id, "action"), json=body, headers=TOKEN_HEADERS, timeout=5)


def restart(sim, cluster_id=CLUSTER, **fields):
    return action(sim, {"restart": dict(RESTART, **fields)}, cluster_id)


def set_cluster(sim, **fields):
    fields.setdefault("id", CLUSTER)
    return sim_upsert(sim, "clusters", **fields)


def add_fault(sim, **rule):
    resp = requests.post(sim.url + "/_sim/faults", json=rule, timeout=5)
    assert resp.status_code == 201, resp.text


def posts(sim):
    return [entry for entry in requests.get(sim.url + "/_sim/requests", timeout=5).json() if entry["method"] == "POST"]


def seen_statuses(sim, until, cluster_id=CLUSTER):
    """Every status read until ``until`` is read, in order, without repeats."""
    seen = []

    def check():
        status = get_cluster(sim, cluster_id)["status"]
        if not seen or seen[-1] != status:
            seen.append(status)
        return status == until

    wait_for(check, timeout=5)
    return seen


# ---------------------------------------------------------------- start

def test_start_goes_920_then_200_and_answers_a_list(sim):
    resp = action(sim, {"start": {}}, STOPPED_CLUSTER)

    assert resp.status_code == 200
    job_ids = resp.json()["jobId"]
    assert isinstance(job_ids, list) and len(job_ids) == 1 and len(job_ids[0]) == 32
    cluster = get_cluster(sim, STOPPED_CLUSTER)
    assert (cluster["status"], cluster["statusDetail"], cluster["task"]) == ("920", "Starting", {"id": job_ids[0], "name": "start"})
    assert seen_statuses(sim, "200", STOPPED_CLUSTER) == ["920", "200"]
    assert get_cluster(sim, STOPPED_CLUSTER)["statusDetail"] == "Normal"


@pytest.mark.parametrize("status, code, text", [
    ("200", "Cdm.0034", "already running"),
    ("300", "Cdm.0036", "restart it"),
    ("910", "Cdm.0032", "transition"),
    ("920", "Cdm.0032", "transition"),
    ("100", "Cdm.0032", "transition"),
    ("500", "Cdm.0032", "transition"),
    ("303", "Cdm.0033", "creation failed"),
    ("800", "Cdm.0033", "frozen"),
])
def test_start_refused_by_status(sim, status, code, text):
    set_cluster(sim, status=status, transition_seconds=30)

    resp = action(sim, {"start": {}})

    assert resp.status_code == 400
    assert resp.json()["errCode"] == code and text in resp.json()["externalMessage"]
    assert get_cluster(sim)["status"] == status


def test_start_rejects_parameters(sim):
    resp = action(sim, {"start": {"mode": "fast"}}, STOPPED_CLUSTER)

    assert resp.status_code == 400 and resp.json()["errCode"] == "Cdm.0020" and "start.mode" in resp.json()["externalMessage"]


def test_start_fails_ends_in_300_with_documented_failed_reasons(sim):
    set_cluster(sim, id=STOPPED_CLUSTER, start_fails="no quota")

    assert action(sim, {"start": {}}, STOPPED_CLUSTER).status_code == 200
    assert seen_statuses(sim, "300", STOPPED_CLUSTER) == ["920", "300"]
    cluster = get_cluster(sim, STOPPED_CLUSTER)
    assert cluster["failedReasons"] == {"START_FAILED": {"errorCode": "Cdm.0910", "errorMsg": "no quota"}}
    assert "start_fails" not in cluster and "restart_fails" not in cluster


# ---------------------------------------------------------------- restart

@pytest.mark.parametrize("status", ["200", "300"])
def test_restart_goes_500_then_200_and_answers_a_string(sim, status):
    set_cluster(sim, status=status, failedReasons={"X": {"errorCode": "Cdm.0001", "errorMsg": "old"}} if status == "300" else {})

    resp = restart(sim)

    assert resp.status_code == 200
    job_id = resp.json()["jobId"]
    assert isinstance(job_id, str) and len(job_id) == 32
    cluster = get_cluster(sim)
    assert (cluster["status"], cluster["statusDetail"], cluster["failedReasons"]) == ("500", "Restarting", {})
    assert seen_statuses(sim, "200") == ["500", "200"]


def test_restart_keeps_the_status_during_its_delay(sim):
    before = get_cluster(sim)

    # 3600 s * delay_scale 0.01 = 36 s of simulated time: far beyond this test.
    assert restart(sim, restartDelayTime=3600).status_code == 200

    during = get_cluster(sim)
    assert (during["status"], during["updated"], during["task"]) == ("200", before["updated"], before["task"])


def test_restart_after_its_delay_goes_through_500(sim):
    # 20 s * 0.01 = 0.2 s of delay, then the restart itself.
    assert restart(sim, restartDelayTime=20).status_code == 200

    assert seen_statuses(sim, "500")[-1] == "500"
    assert seen_statuses(sim, "200") == ["500", "200"]


def test_restart_fails_ends_in_300_with_documented_failed_reasons(sim):
    set_cluster(sim, restart_fails="the VM did not boot")

    assert restart(sim).status_code == 200
    assert seen_statuses(sim, "300") == ["500", "300"]
    assert get_cluster(sim)["failedReasons"] == {"RESTART_FAILED": {"errorCode": "Cdm.0920", "errorMsg": "the VM did not boot"}}


@pytest.mark.parametrize("status, code", [("900", "Cdm.0031"), ("910", "Cdm.0031"), ("100", "Cdm.0032"), ("500", "Cdm.0032"),
                                          ("920", "Cdm.0032"), ("303", "Cdm.0033"), ("800", "Cdm.0033")])
def test_restart_refused_by_status(sim, status, code):
    set_cluster(sim, status=status, transition_seconds=30)

    resp = restart(sim)

    assert resp.status_code == 400 and resp.json()["errCode"] == code


@pytest.mark.parametrize("restart_body, field", [
    ({k: v for k, v in RESTART.items() if k != "group"}, "restart.group is mandatory"),
    ({k: v for k, v in RESTART.items() if k != "restartDelayTime"}, "restart.restartDelayTime is mandatory"),
    ({}, "is mandatory"),
    (dict(RESTART, restartMode="GENTLY"), "restartMode"),
    (dict(RESTART, restartLevel="HOST"), "restartLevel"),
    (dict(RESTART, type="dws"), "restart.type must be cdm"),
    (dict(RESTART, instance="i-1"), "restart.instance must be empty with restartLevel SERVICE"),
    (dict(RESTART, group=None), "restart.group must not be null"),
    (dict(RESTART, group=0), "restart.group must be a string"),
    (dict(RESTART, restartDelayTime=-1), "restartDelayTime"),
    (dict(RESTART, restartDelayTime="0"), "restartDelayTime"),
    (dict(RESTART, restartDelayTime=True), "restartDelayTime"),
    (dict(RESTART, restartDelayTime=2 ** 31), "restartDelayTime"),
    (dict(RESTART, extra=1), "restart.extra is not a known parameter"),
])
def test_restart_body_validation(sim, restart_body, field):
    resp = action(sim, {"restart": restart_body})

    assert resp.status_code == 400
    assert resp.json()["errCode"] == "Cdm.0020" and field in resp.json()["externalMessage"]
    assert get_cluster(sim)["status"] == "200"


def test_restart_at_vm_level_may_name_an_instance(sim):
    assert restart(sim, restartLevel="VM", instance="i-1").status_code == 200


# ---------------------------------------------------------------- faults on the new calls

@pytest.mark.parametrize("cluster_id, body, applied", [
    (STOPPED_CLUSTER, {"start": {}}, "920"),
    (CLUSTER, {"restart": RESTART}, "500"),
])
def test_drop_after_apply_applies_start_and_restart(sim, cluster_id, body, applied):
    add_fault(sim, method="POST", path=r"/action$", kind="drop_after_apply")

    with pytest.raises(requests.exceptions.ConnectionError):
        action(sim, body, cluster_id)

    assert get_cluster(sim, cluster_id)["status"] == applied
    assert [entry["fault"] for entry in posts(sim)] == ["drop_after_apply"]


@pytest.mark.parametrize("cluster_id, body", [(STOPPED_CLUSTER, {"start": {}}), (CLUSTER, {"restart": RESTART})])
def test_drop_does_not_apply_start_or_restart(sim, cluster_id, body):
    before = get_cluster(sim, cluster_id)["status"]
    add_fault(sim, method="POST", path=r"/action$", kind="drop")

    with pytest.raises(requests.exceptions.ConnectionError):
        action(sim, body, cluster_id)

    assert get_cluster(sim, cluster_id)["status"] == before
