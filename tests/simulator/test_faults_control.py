import json
import time

import pytest
import requests

from simhelpers import CLUSTER, PROJECT, STACK, TOKEN_HEADERS, cdm_url, sim_upsert, wait_for

ACTION_PATH = r"/clusters/[^/]+/action$"


def add_fault(sim, **rule):
    resp = requests.post(sim.url + "/_sim/faults", json=rule, timeout=5)
    assert resp.status_code == 201, resp.text
    return resp.json()


def log(sim):
    return requests.get(sim.url + "/_sim/requests", timeout=5).json()


def stop(sim, timeout=5):
    return requests.post(cdm_url(sim, CLUSTER, "action"), json={"stop": {}}, headers=TOKEN_HEADERS, timeout=timeout)


def cluster_status(sim):
    return requests.get(cdm_url(sim, CLUSTER), headers=TOKEN_HEADERS, timeout=5).json()["status"]


# ---------------------------------------------------------------- faults


def test_status_429_default_body_and_retry_after(sim):
    add_fault(sim, method="POST", path=ACTION_PATH, times=2, kind="status", status=429, retry_after="1")
    for _attempt in range(2):
        resp = stop(sim)
        assert resp.status_code == 429
        assert resp.headers["Retry-After"] == "1"
        body = resp.json()
        assert body["error_code"] == "APIGW.0308" and body["error_msg"] == "The throttling threshold has been reached"
        assert body["request_id"] == resp.headers["X-Request-Id"]
    assert cluster_status(sim) == "200"
    assert stop(sim).status_code == 200
    entries = [e for e in log(sim) if e["method"] == "POST"]
    assert [(e["status"], e["fault"]) for e in entries] == [(429, "status"), (429, "status"), (200, None)]


def test_status_502_is_html_and_503_is_apigw(sim):
    add_fault(sim, path="/clusters$", kind="status", status=502)
    add_fault(sim, path="/clusters$", kind="status", status=503)
    first = requests.get(cdm_url(sim), headers=TOKEN_HEADERS, timeout=5)
    assert first.status_code == 502
    assert first.text == "<html><body><h1>502 Bad Gateway</h1></body></html>"
    assert first.headers["Content-Type"].startswith("text/html")
    assert "Retry-After" not in first.headers
    second = requests.get(cdm_url(sim), headers=TOKEN_HEADERS, timeout=5)
    assert second.status_code == 503 and second.json()["error_code"].startswith("APIGW.")
    assert requests.get(cdm_url(sim), headers=TOKEN_HEADERS, timeout=5).status_code == 200


def test_status_with_custom_body_and_http_date(sim):
    body = {"errCode": "Cdm.0000", "externalMessage": "System error."}
    add_fault(sim, path=ACTION_PATH, kind="status", status=500, body=body, retry_after="Wed, 21 Oct 2015 07:28:00 GMT")
    resp = stop(sim)
    assert resp.status_code == 500 and resp.json() == body
    assert resp.headers["Retry-After"] == "Wed, 21 Oct 2015 07:28:00 GMT"


def test_drop_does_not_apply(sim):
    add_fault(sim, method="POST", path=ACTION_PATH, kind="drop")
    with pytest.raises(requests.exceptions.ConnectionError):
        stop(sim)
    assert cluster_status(sim) == "200"
    entry = [e for e in log(sim) if e["method"] == "POST"][0]
    assert entry["fault"] == "drop" and entry["status"] is None


def test_drop_after_apply_applies(sim):
    add_fault(sim, method="POST", path=ACTION_PATH, kind="drop_after_apply")
    with pytest.raises(requests.exceptions.ConnectionError):
        stop(sim)
    assert cluster_status(sim) == "910"
    # A blind resend would now be refused: the client must re-read first.
    assert stop(sim).json()["errCode"] == "Cdm.0031"
    assert [e["fault"] for e in log(sim) if e["method"] == "POST"] == ["drop_after_apply", None]


def test_drop_after_apply_on_aos(sim):
    # Long enough that the stack still reads Processing however slowly this machine answers.
    sim_upsert(sim, "stacks", guid=STACK, transition_seconds=30)
    add_fault(sim, method="PUT", path="/actions$", kind="drop_after_apply")
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.put(sim.url + "/v2/stacks/%s/actions" % STACK, json={"lifecycle": "retry"}, headers=TOKEN_HEADERS, timeout=5)
    assert requests.get(sim.url + "/v2/stacks/" + STACK, headers=TOKEN_HEADERS, timeout=5).json()["status"] == "Processing"


def test_delay(sim):
    add_fault(sim, method="GET", kind="delay", delay=0.4)
    started = time.monotonic()
    resp = requests.get(cdm_url(sim), headers=TOKEN_HEADERS, timeout=5)
    assert resp.status_code == 200
    assert time.monotonic() - started >= 0.4
    with pytest.raises(requests.exceptions.Timeout):
        add_fault(sim, method="GET", kind="delay", delay=0.5)
        requests.get(cdm_url(sim), headers=TOKEN_HEADERS, timeout=0.2)
    assert log(sim)[0]["fault"] == "delay"
    # The abandoned request is still being served: let it land here, not in the next test's log.
    deadline = time.monotonic() + 5
    while len(log(sim)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [entry["fault"] for entry in log(sim)] == ["delay", "delay"]


def test_fault_fifo_method_filter_and_listing(sim):
    add_fault(sim, method="GET", path="/clusters", kind="status", status=404)
    add_fault(sim, path="/clusters", kind="status", status=503, times=3)
    rules = requests.get(sim.url + "/_sim/faults", timeout=5).json()
    assert [(r["status"], r["times"]) for r in rules] == [(404, 1), (503, 3)]
    assert stop(sim).status_code == 503  # POST skips the GET-only rule
    assert requests.get(cdm_url(sim), headers=TOKEN_HEADERS, timeout=5).status_code == 404
    assert [r["times"] for r in requests.get(sim.url + "/_sim/faults", timeout=5).json()] == [2]
    assert requests.delete(sim.url + "/_sim/faults", timeout=5).status_code == 200
    assert requests.get(sim.url + "/_sim/faults", timeout=5).json() == []
    assert stop(sim).status_code == 200


@pytest.mark.parametrize("rule", [
    {"kind": "explode"},
    {"kind": "status"},
    {"kind": "status", "status": 99},
    {"kind": "delay", "delay": -1},
    {"kind": "drop", "times": 0},
    {"kind": "drop", "path": "("},
    {"kind": "drop", "colour": "red"},
])
def test_bad_fault_rules_rejected(sim, rule):
    resp = requests.post(sim.url + "/_sim/faults", json=rule, timeout=5)
    assert resp.status_code == 400 and resp.json()["error"]


def test_fault_on_iam(sim):
    add_fault(sim, path="^/v3/auth/tokens$", kind="status", status=429)
    resp = requests.post(sim.url + "/v3/auth/tokens", json={}, timeout=5)
    assert resp.status_code == 429
    assert log(sim)[0]["service"] == "iam" and log(sim)[0]["auth"] == "iam"


# --------------------------------------------------------------- control


def test_health_and_control_not_logged(sim):
    assert requests.get(sim.url + "/_sim/health", timeout=5).json() == {"ok": True}
    assert log(sim) == []


def test_request_log_entry_shape(sim):
    requests.post(cdm_url(sim, CLUSTER, "action") + "?x=1&y=2&y=3", json={"stop": {}}, headers=TOKEN_HEADERS, timeout=5)
    requests.post(cdm_url(sim, CLUSTER, "action"), data="plain text", headers=TOKEN_HEADERS, timeout=5)
    requests.get(cdm_url(sim), timeout=5)
    first, second, third = log(sim)
    assert set(first) >= {"seq", "time", "method", "path", "query", "headers", "body", "status", "auth", "service", "fault"}
    assert first["seq"] < second["seq"] < third["seq"]
    assert first["method"] == "POST" and first["path"] == "/v1.1/%s/clusters/%s/action" % (PROJECT, CLUSTER)
    assert first["query"] == {"x": "1", "y": ["2", "3"]}
    assert first["headers"]["X-Auth-Token"] == "<redacted>"
    assert first["body"] == {"stop": {}}
    assert first["status"] == 200 and first["auth"] == "token" and first["service"] == "cdm" and first["fault"] is None
    assert isinstance(first["time"], float)
    assert second["body"] == "plain text" and second["status"] == 400
    assert third["auth"] == "none" and third["status"] == 401 and third["body"] is None
    assert requests.delete(sim.url + "/_sim/requests", timeout=5).status_code == 200
    assert log(sim) == []


def test_state_get_put_reset(sim):
    state = requests.get(sim.url + "/_sim/state", timeout=5).json()
    assert [c["name"] for c in state["clusters"]] == ["cdm-demo", "cdm-stopped", "cdm-stopped"]
    assert {s["guid"] for s in state["stacks"]} == {"stack-demo-0001", "stack-abnormal-0001", "stack-target-0001"}
    assert state["users"][0]["name"] == "sim-user"
    assert state["credentials"][0]["access_key"] == "SIMACCESSKEY0000"

    add_fault(sim, kind="drop")
    seed = {"projects": [{"id": PROJECT, "name": "ap-southeast-1"}],
            "tokens": [{"token": "sim-token", "project_id": PROJECT}],
            "clusters": [{"project_id": PROJECT, "id": "c1", "name": "solo", "status": "200"}],
            "stacks": []}
    resp = requests.put(sim.url + "/_sim/state", json=seed, timeout=5)
    assert resp.status_code == 200
    assert requests.get(sim.url + "/_sim/faults", timeout=5).json() == []
    clusters = requests.get(cdm_url(sim), headers=TOKEN_HEADERS, timeout=5).json()["clusters"]
    assert [c["name"] for c in clusters] == ["solo"]
    assert clusters[0]["statusDetail"] == "Normal" and clusters[0]["failedReasons"] == {}
    assert len(log(sim)) == 1

    assert requests.post(sim.url + "/_sim/reset", timeout=5).status_code == 200
    assert log(sim) == []
    clusters = requests.get(cdm_url(sim), headers=TOKEN_HEADERS, timeout=5).json()["clusters"]
    assert {c["name"] for c in clusters} == {"cdm-demo", "cdm-stopped"}


def test_bad_state_rejected_and_kept(sim):
    resp = requests.put(sim.url + "/_sim/state", json={"clusters": "nope"}, timeout=5)
    assert resp.status_code == 400 and "clusters" in resp.json()["error"]
    resp = requests.put(sim.url + "/_sim/state", data="{", timeout=5)
    assert resp.status_code == 400
    resp = requests.put(sim.url + "/_sim/state", json={"settings": {"transition_seconds": "soon"}}, timeout=5)
    assert resp.status_code == 400
    assert requests.get(cdm_url(sim, CLUSTER), headers=TOKEN_HEADERS, timeout=5).status_code == 200


def test_upsert_cluster_and_stack(sim):
    resp = requests.post(sim.url + "/_sim/clusters", json={"id": CLUSTER, "status": "800"}, timeout=5)
    assert resp.status_code == 200
    cluster = requests.get(cdm_url(sim, CLUSTER), headers=TOKEN_HEADERS, timeout=5).json()
    assert cluster["status"] == "800" and cluster["isFrozen"] == "1" and cluster["name"] == "cdm-demo"
    resp = requests.post(sim.url + "/_sim/clusters", json={"name": "fresh"}, timeout=5)
    new_id = resp.json()["id"]
    assert requests.get(cdm_url(sim, new_id), headers=TOKEN_HEADERS, timeout=5).json()["status"] == "200"

    resp = requests.post(sim.url + "/_sim/stacks", json={"guid": STACK, "inputs": {"param1": "seeded"}}, timeout=5)
    assert resp.json()["inputs"] == {"param1": "seeded"} and resp.json()["name"] == "web"
    resp = requests.post(sim.url + "/_sim/stacks", json={"guid": "new-stack", "name": "api"}, timeout=5)
    stack = requests.get(sim.url + "/v2/stacks/new-stack", headers=TOKEN_HEADERS, timeout=5).json()
    assert stack["status"] == "Running" and stack["project_id"] == PROJECT and stack["last_action_id"]


def test_unknown_control_endpoint(sim):
    assert requests.get(sim.url + "/_sim/nothing", timeout=5).status_code == 404
    assert requests.post(sim.url + "/_sim/health", timeout=5).status_code == 405


def test_every_response_has_request_id(sim):
    for resp in (requests.get(sim.url + "/_sim/health", timeout=5),
                 requests.get(sim.url + "/nowhere", timeout=5),
                 requests.get(cdm_url(sim), headers=TOKEN_HEADERS, timeout=5)):
        assert len(resp.headers["X-Request-Id"]) == 32


def test_in_flight_transition_visible_in_state(sim):
    stop(sim)
    state = requests.get(sim.url + "/_sim/state", timeout=5).json()
    assert [c["status"] for c in state["clusters"] if c["id"] == CLUSTER] == ["910"]
    wait_for(lambda: cluster_status(sim) == "900", timeout=3)
    assert json.dumps(requests.get(sim.url + "/_sim/state", timeout=5).json())
