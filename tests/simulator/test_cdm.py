import time

import pytest
import requests

from simhelpers import AK, CLUSTER, PROJECT, SK, STOPPED_CLUSTER, TOKEN_HEADERS, TRANSITION, break_state, cdm_url, sim_upsert, wait_for


def get_cluster(sim, cluster_id=CLUSTER):
    return requests.get(cdm_url(sim, cluster_id), headers=TOKEN_HEADERS, timeout=5)


def action(sim, body, cluster_id=CLUSTER):
    return requests.post(cdm_url(sim, cluster_id, "action"), json=body, headers=TOKEN_HEADERS, timeout=5)


def set_cluster(sim, **fields):
    fields.setdefault("id", CLUSTER)
    return sim_upsert(sim, "clusters", **fields)


def status_is(sim, wanted, cluster_id=CLUSTER):
    return get_cluster(sim, cluster_id).json()["status"] == wanted


def test_list_clusters(sim):
    resp = requests.get(cdm_url(sim), headers=TOKEN_HEADERS, timeout=5)
    assert resp.status_code == 200
    assert len(resp.headers["X-Request-Id"]) == 32
    clusters = resp.json()["clusters"]
    assert {c["name"]: c["status"] for c in clusters} == {"cdm-demo": "200", "cdm-stopped": "900"}


def test_show_cluster_shape(sim):
    resp = get_cluster(sim)
    assert resp.status_code == 200
    cluster = resp.json()
    for key in ("id", "name", "status", "statusDetail", "isFrozen", "actionProgress", "task", "failedReasons", "created", "updated"):
        assert key in cluster
    assert cluster["status"] == "200" and cluster["statusDetail"] == "Normal" and cluster["isFrozen"] == "0"
    # Simulator-only knobs never leak into API answers.
    assert "project_id" not in cluster and "stop_fails" not in cluster


def test_unknown_cluster_is_404_cdm_shape(sim):
    resp = get_cluster(sim, "no-such-cluster")
    assert resp.status_code == 404
    assert resp.json() == {"errCode": "Cdm.0001", "externalMessage": "The cluster does not exist."}
    assert action(sim, {"stop": {}}, "no-such-cluster").status_code == 404


def test_stop_transitions_910_then_900(sim):
    resp = action(sim, {"stop": {"stopMode": "GRACEFULLY", "delayTime": -1}})
    assert resp.status_code == 200
    job_ids = resp.json()["jobId"]
    assert len(job_ids) == 1 and len(job_ids[0]) == 32 and int(job_ids[0], 16) >= 0
    cluster = get_cluster(sim).json()
    assert cluster["status"] == "910" and cluster["statusDetail"] == "Stopping"
    wait_for(lambda: status_is(sim, "900"), timeout=3)
    assert get_cluster(sim).json()["statusDetail"] == "Stopped"


def test_stop_from_failed_300_is_allowed(sim):
    set_cluster(sim, status="300")
    assert action(sim, {"stop": {"stopMode": "IMMEDIATELY"}}).status_code == 200
    wait_for(lambda: status_is(sim, "900"), timeout=3)


def test_graceful_delay_is_scaled(sim):
    # delayTime 60 s * delay_scale 0.01 = 0.6 s on top of the transition.
    started = time.monotonic()
    assert action(sim, {"stop": {"stopMode": "GRACEFULLY", "delayTime": 60}}).status_code == 200
    time.sleep(TRANSITION + 0.1)
    assert status_is(sim, "910")
    wait_for(lambda: status_is(sim, "900"), timeout=3)
    assert time.monotonic() - started >= TRANSITION + 0.6 - 0.05


@pytest.mark.parametrize("status, code, text", [
    ("900", "Cdm.0031", "already stopped"),
    ("910", "Cdm.0031", "already stopped"),
    ("100", "Cdm.0032", "transition"),
    ("500", "Cdm.0032", "transition"),
    ("920", "Cdm.0032", "transition"),
    ("303", "Cdm.0033", "creation failed"),
    ("800", "Cdm.0033", "frozen"),
])
def test_stop_refused_by_status(sim, status, code, text):
    set_cluster(sim, status=status, transition_seconds=30)
    resp = action(sim, {"stop": {}})
    assert resp.status_code == 400
    body = resp.json()
    assert body["errCode"] == code and text in body["externalMessage"]
    assert set(body) == {"errCode", "externalMessage"}


@pytest.mark.parametrize("body, field", [
    ({"stop": {"stopMode": "NOW"}}, "stopMode"),
    ({"stop": {"stopMode": "GRACEFULLY", "delayTime": 0}}, "delayTime"),
    ({"stop": {"stopMode": "GRACEFULLY", "delayTime": -5}}, "delayTime"),
    ({"stop": {"stopMode": "GRACEFULLY", "delayTime": "10"}}, "delayTime"),
    ({"stop": {"stopMode": "IMMEDIATELY", "delayTime": 10}}, "delayTime"),
    ({"stop": {"delayTime": 10}}, "delayTime"),
    ({"stop": {"stopMode": None}}, "stopMode"),
    ({"stop": {"mode": "GRACEFULLY"}}, "mode"),
    ({"stop": {}, "start": {}}, "exactly one"),
    ({}, "exactly one"),
    ({"halt": {}}, "halt"),
    ({"stop": "now"}, "stop"),
    ([], "object"),
])
def test_stop_validation(sim, body, field):
    resp = action(sim, body)
    assert resp.status_code == 400
    assert resp.json()["errCode"] == "Cdm.0020"
    assert field in resp.json()["externalMessage"]
    assert status_is(sim, "200")


def test_invalid_json_body(sim):
    resp = requests.post(cdm_url(sim, CLUSTER, "action"), data=b"{not json", headers=TOKEN_HEADERS, timeout=5)
    assert resp.status_code == 400 and resp.json()["errCode"] == "Cdm.0020"


RESTART_BODY = {"restartDelayTime": 0, "restartMode": "IMMEDIATELY", "restartLevel": "SERVICE", "type": "cdm", "instance": "", "group": ""}


@pytest.mark.parametrize("switch, body, cluster_id, phase, code", [
    ("stop_fails", {"stop": {}}, CLUSTER, "STOP_FAILED", "Cdm.0930"),
    ("start_fails", {"start": {}}, STOPPED_CLUSTER, "START_FAILED", "Cdm.0910"),
    ("restart_fails", {"restart": RESTART_BODY}, CLUSTER, "RESTART_FAILED", "Cdm.0920"),
])
def test_a_failed_power_action_ends_in_300_with_reasons_shaped_as_create_failed(sim, switch, body, cluster_id, phase, code):
    """failedReasons of every phase: keyed <PHASE>_FAILED, each {"errorCode", "errorMsg"} as the documented CREATE_FAILED."""
    set_cluster(sim, id=cluster_id, **{switch: "disk busy"})
    assert action(sim, body, cluster_id).status_code == 200
    wait_for(lambda: status_is(sim, "300", cluster_id), timeout=3)

    cluster = get_cluster(sim, cluster_id).json()

    assert cluster["failedReasons"] == {phase: {"errorCode": code, "errorMsg": "disk busy"}}
    assert switch not in cluster
    # The official client parses the answer (its model knows CREATE_FAILED only and skips the others).
    cdm_v1 = pytest.importorskip("huaweicloudsdkcdm.v1")
    credentials = pytest.importorskip("huaweicloudsdkcore.auth.credentials")
    client = cdm_v1.CdmClient.new_builder().with_credentials(credentials.BasicCredentials(AK, SK, PROJECT)) \
        .with_endpoint(sim.url).build()
    assert client.show_cluster_detail(cdm_v1.ShowClusterDetailRequest(cluster_id=cluster_id)).status == "300"
    sim.state.upsert_cluster({"id": cluster_id, "status": "303"})
    created = client.show_cluster_detail(cdm_v1.ShowClusterDetailRequest(cluster_id=cluster_id)).failed_reasons.create_failed
    assert (created.error_code, created.error_msg) == ("Cdm.0900", "The cluster could not be created.")
    # The same two keys in every phase.
    assert set(get_cluster(sim, cluster_id).json()["failedReasons"]["CREATE_FAILED"]) == set(cluster["failedReasons"][phase])


def test_start_and_restart(sim):
    resp = action(sim, {"start": {}}, STOPPED_CLUSTER)
    assert resp.status_code == 200
    assert get_cluster(sim, STOPPED_CLUSTER).json()["status"] == "920"
    wait_for(lambda: status_is(sim, "200", STOPPED_CLUSTER), timeout=3)
    assert action(sim, {"start": {}}, STOPPED_CLUSTER).status_code == 400

    resp = action(sim, {"restart": {"restartDelayTime": 0, "restartMode": "IMMEDIATELY", "restartLevel": "SERVICE",
                                    "type": "cdm", "instance": "", "group": ""}})
    assert resp.status_code == 200
    assert get_cluster(sim).json()["status"] == "500"
    wait_for(lambda: status_is(sim, "200"), timeout=3)
    assert action(sim, {"restart": {"restartMode": "GENTLY"}}).json()["errCode"] == "Cdm.0020"


@pytest.mark.parametrize("seeded", ["100", "920", "500", "910"])
def test_seeded_transitional_status_settles(sim, seeded):
    set_cluster(sim, status=seeded)
    target = "900" if seeded == "910" else "200"
    assert get_cluster(sim).json()["status"] == seeded
    wait_for(lambda: status_is(sim, target), timeout=3)


def test_per_cluster_transition_seconds(sim):
    set_cluster(sim, transition_seconds=0.6)
    action(sim, {"stop": {}})
    time.sleep(TRANSITION + 0.1)
    assert status_is(sim, "910")
    wait_for(lambda: status_is(sim, "900"), timeout=3)


def test_other_project_is_forbidden(sim):
    other = "ffffffffffffffffffffffffffffffff"
    resp = requests.get(cdm_url(sim, project=other), headers=TOKEN_HEADERS, timeout=5)
    assert resp.status_code == 403
    body = resp.json()
    assert body["error_code"] == "APIGW.0302" and "project mismatch" in body["error_msg"]
    assert body["request_id"] == resp.headers["X-Request-Id"]


def test_clusters_filtered_by_project(sim):
    other = "ffffffffffffffffffffffffffffffff"
    set_cluster(sim, id="other-cluster", name="elsewhere", project_id=other)
    names = [c["name"] for c in requests.get(cdm_url(sim), headers=TOKEN_HEADERS, timeout=5).json()["clusters"]]
    assert "elsewhere" not in names
    assert get_cluster(sim, "other-cluster").status_code == 404


def test_unknown_route_is_apigw_404(sim):
    resp = requests.delete(cdm_url(sim, CLUSTER), headers=TOKEN_HEADERS, timeout=5)
    assert resp.status_code == 404
    assert resp.json()["error_code"] == "APIGW.0101"


def test_internal_error_is_cdm_shape(sim, monkeypatch):
    break_state(monkeypatch, sim, "get_cluster")
    resp = get_cluster(sim)
    assert resp.status_code == 500
    assert resp.json() == {"errCode": "Cdm.0000", "externalMessage": "A system error occurred."}
    assert "Traceback" not in resp.text


def test_project_constant_matches_default_seed(sim):
    state = requests.get(sim.url + "/_sim/state", timeout=5).json()
    assert state["projects"][0]["id"] == PROJECT
