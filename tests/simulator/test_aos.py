import time

import pytest
import requests

from simhelpers import ABNORMAL_STACK, PROJECT, STACK, TOKEN_HEADERS, TRANSITION, break_state, sim_upsert, wait_for


def stack_url(sim, *parts):
    return "/".join([sim.url, "v2", "stacks"] + list(parts))


def get_stack(sim, stack_id=STACK):
    return requests.get(stack_url(sim, stack_id), headers=TOKEN_HEADERS, timeout=5)


def run(sim, body, stack_id=STACK):
    return requests.put(stack_url(sim, stack_id, "actions"), json=body, headers=TOKEN_HEADERS, timeout=5)


def record(sim, action_id, stack_id=STACK):
    return requests.get(stack_url(sim, stack_id, "actions", action_id), headers=TOKEN_HEADERS, timeout=5)


def set_stack(sim, **fields):
    fields.setdefault("guid", STACK)
    return sim_upsert(sim, "stacks", **fields)


def phase(sim, action_id, stack_id=STACK):
    return record(sim, action_id, stack_id).json()["status"]["objectStatus"]["phase"]


def stack_status(sim, stack_id=STACK):
    return get_stack(sim, stack_id).json()["status"]


def test_show_stack_shape(sim):
    resp = get_stack(sim)
    assert resp.status_code == 200
    stack = resp.json()
    assert stack["guid"] == STACK and stack["name"] == "web" and stack["project_id"] == PROJECT
    assert stack["status"] == "Running" and stack["inputs"] == {"param1": "value0"} and stack["template_id"] == "tmpl-1"
    for key in ("last_action_id", "created_at", "updated_at"):
        assert key in stack
    assert stack_status(sim, ABNORMAL_STACK) == "Abnormal"


def test_unknown_stack_404_aos_shape(sim):
    resp = get_stack(sim, "nope")
    assert resp.status_code == 404
    assert resp.json() == {"code": "AOS.0101", "message": "stack nope does not exist", "extend": None, "showdetail": False}
    assert run(sim, {"lifecycle": "retry"}, "nope").status_code == 404


def list_stacks(sim, query):
    return requests.get(sim.url + "/v2/stacks", params=query, headers=TOKEN_HEADERS, timeout=5)


def test_list_is_bare_array_filtered(sim):
    resp = list_stacks(sim, {"project_id": PROJECT, "name": "web"})
    assert resp.status_code == 200
    assert isinstance(resp.json(), list)
    assert [s["guid"] for s in resp.json()] == [STACK]
    assert resp.json()[0] == get_stack(sim).json()
    assert list_stacks(sim, {"project_id": PROJECT, "name": "ghost"}).json() == []
    # The name filter is exact: no prefix, no case folding.
    assert list_stacks(sim, {"project_id": PROJECT, "name": "we"}).json() == []
    assert list_stacks(sim, {"project_id": PROJECT, "name": "WEB"}).json() == []
    set_stack(sim, guid="elsewhere", name="web", project_id="ffffffffffffffffffffffffffffffff")
    assert [s["guid"] for s in list_stacks(sim, {"name": "web"}).json()] == [STACK]
    assert get_stack(sim, "elsewhere").status_code == 404


def test_list_without_name_is_every_stack_of_the_project(sim):
    set_stack(sim, guid="stack-second-web", name="web")
    set_stack(sim, guid="elsewhere", name="web", project_id="ffffffffffffffffffffffffffffffff")
    resp = list_stacks(sim, {"project_id": PROJECT})
    assert resp.status_code == 200
    assert sorted(s["guid"] for s in resp.json()) == sorted([STACK, ABNORMAL_STACK, "stack-second-web"])
    assert sorted(s["guid"] for s in list_stacks(sim, {"project_id": PROJECT, "name": "web"}).json()) == [STACK, "stack-second-web"]


@pytest.mark.parametrize("query, status, code, words", [
    ({"project_id": "ffffffffffffffffffffffffffffffff"}, 403, "AOS.0102", "not the caller's project"),
    ({"project_id": ""}, 400, "AOS.0100", "project_id must not be empty"),
    ({"project_id": PROJECT, "name": ""}, 400, "AOS.0100", "name must not be empty"),
    ([("project_id", PROJECT), ("project_id", PROJECT)], 400, "AOS.0100", "project_id must be given once"),
    ([("project_id", PROJECT), ("name", "web"), ("name", "broken")], 400, "AOS.0100", "name must be given once"),
])
def test_list_errors_are_aos_shaped(sim, query, status, code, words):
    resp = list_stacks(sim, query)
    assert resp.status_code == status
    body = resp.json()
    assert set(body) == {"code", "message", "extend", "showdetail"}
    assert body["code"] == code and words in body["message"]


def test_list_takes_faults_like_other_calls(sim):
    requests.post(sim.url + "/_sim/faults", json={"method": "GET", "path": "^/v2/stacks$", "status": 503, "times": 1},
                  timeout=5).raise_for_status()
    assert list_stacks(sim, {"project_id": PROJECT}).status_code == 503
    assert list_stacks(sim, {"project_id": PROJECT}).status_code == 200
    # The rule matched the list only, not the read of one stack.
    assert get_stack(sim).status_code == 200


def test_upgrade_lifecycle_and_record_phases(sim):
    set_stack(sim, transition_seconds=1.0)
    before = get_stack(sim).json()
    resp = run(sim, {"lifecycle": "upgrade", "inputs": {"param1": "value1", "param2": "x"}, "template_id": "tmpl-2"})
    assert resp.status_code == 200
    body = resp.json()
    assert body["last_action_id"] == before["last_action_id"]
    action_id = body["action_id"]
    assert stack_status(sim) == "Processing"
    assert get_stack(sim).json()["last_action_id"] == action_id

    first = record(sim, action_id).json()
    assert first["metadata"] == {"name": action_id}
    assert first["spec"] == {"lifecycle": "upgrade"}
    assert first["status"]["objectStatus"]["phase"] == "Pending"
    wait_for(lambda: phase(sim, action_id) == "Running", timeout=2)
    wait_for(lambda: phase(sim, action_id) == "Succeeded", timeout=3)
    assert record(sim, action_id).json()["status"]["message"] == ""
    stack = get_stack(sim).json()
    assert stack["status"] == "Running"
    assert stack["inputs"] == {"param1": "value1", "param2": "x"}
    assert stack["template_id"] == "tmpl-2"


def test_busy_stack_refused(sim):
    set_stack(sim, transition_seconds=30)
    action_id = run(sim, {"lifecycle": "retry", "timeout": 20}).json()["action_id"]
    resp = run(sim, {"lifecycle": "rollback"})
    assert resp.status_code == 400
    assert resp.json()["code"] == "AOS.0110"
    assert resp.json()["message"] == "stack is being processed by action %s" % action_id
    set_stack(sim, status="Pending")
    assert run(sim, {"lifecycle": "rollback"}).json()["code"] == "AOS.0110"


def test_delete_removes_stack_but_keeps_record(sim):
    action_id = run(sim, {"lifecycle": "delete"}).json()["action_id"]
    wait_for(lambda: get_stack(sim).status_code == 404, timeout=3)
    assert phase(sim, action_id) == "Succeeded"
    assert record(sim, action_id).json()["spec"]["lifecycle"] == "delete"


def test_fail_next_makes_stack_abnormal_once(sim):
    set_stack(sim, fail_next="element web-app timed out")
    action_id = run(sim, {"lifecycle": "create", "timeout": 20, "failure_strategy": "Rollback"}).json()["action_id"]
    wait_for(lambda: stack_status(sim) == "Abnormal", timeout=3)
    rec = record(sim, action_id).json()
    assert rec["status"]["objectStatus"]["phase"] == "Failed"
    assert rec["status"]["message"] == "element web-app timed out"
    second = run(sim, {"lifecycle": "retry"}).json()["action_id"]
    wait_for(lambda: stack_status(sim) == "Running", timeout=3)
    assert phase(sim, second) == "Succeeded"


def test_abnormal_stack_can_retry(sim):
    resp = run(sim, {"lifecycle": "retry"}, ABNORMAL_STACK)
    assert resp.status_code == 200
    wait_for(lambda: stack_status(sim, ABNORMAL_STACK) == "Running", timeout=3)


def test_action_records_disabled(sim):
    state = requests.get(sim.url + "/_sim/state", timeout=5).json()
    state["settings"]["action_records"] = False
    assert requests.put(sim.url + "/_sim/state", json=state, timeout=5).status_code == 200
    action_id = run(sim, {"lifecycle": "upgrade", "inputs": {"param1": "v2"}}).json()["action_id"]
    resp = record(sim, action_id)
    assert resp.status_code == 404 and resp.json()["code"] == "AOS.0101"
    wait_for(lambda: stack_status(sim) == "Running", timeout=3)


def test_unknown_action_record_404(sim):
    resp = record(sim, "00000000-0000-0000-0000-000000000000")
    assert resp.status_code == 404
    assert set(resp.json()) == {"code", "message", "extend", "showdetail"}


@pytest.mark.parametrize("body, field", [
    ({}, "lifecycle"),
    ({"lifecycle": "destroy"}, "lifecycle"),
    ({"lifecycle": None}, "lifecycle"),
    ({"lifecycle": "upgrade", "failure_strategy": "Rollback"}, "failure_strategy"),
    ({"lifecycle": "create", "failure_strategy": "Ignore"}, "failure_strategy"),
    ({"lifecycle": "create", "timeout": 1441}, "timeout"),
    ({"lifecycle": "create", "timeout": -1}, "timeout"),
    ({"lifecycle": "create", "timeout": "20"}, "timeout"),
    ({"lifecycle": "create", "timeout": True}, "timeout"),
    ({"lifecycle": "upgrade", "inputs": "param1=value1"}, "inputs"),
    ({"lifecycle": "upgrade", "template_id": 7}, "template_id"),
    ({"lifecycle": "upgrade", "colour": "blue"}, "colour"),
    ({"lifecycle": "upgrade", "inputs": None}, "inputs"),
    ({"lifecycle": "create", "nodes": {"name": "a"}}, "nodes"),
    ({"lifecycle": "create", "nodes": ["a"]}, "nodes[0]"),
    ({"lifecycle": "create", "nodes": [{"parameters": {"instances": 1}}]}, "nodes[0].name"),
    ({"lifecycle": "create", "nodes": [{"name": "a", "parameters": {"instances": 101}}]}, "instances"),
    ({"lifecycle": "create", "nodes": [{"name": "a", "parameters": {"instances": 1.5}}]}, "instances"),
    ({"lifecycle": "create", "nodes": [{"name": "a", "parameters": {}}]}, "instances"),
    ([], "object"),
])
def test_action_validation(sim, body, field):
    resp = run(sim, body)
    assert resp.status_code == 400
    answer = resp.json()
    assert answer["code"] == "AOS.0100" and field in answer["message"]
    assert answer["extend"] is None and answer["showdetail"] is False
    assert stack_status(sim) == "Running"


def test_valid_examples_from_seed_accepted(sim):
    set_stack(sim, transition_seconds=0.05)
    for body in ({"lifecycle": "create", "timeout": 20, "failure_strategy": "Rollback"},
                 {"lifecycle": "rollback"},
                 {"lifecycle": "upgrade", "inputs": {"param1": "value1"}},
                 {"lifecycle": "retry", "timeout": 20},
                 {"lifecycle": "upgrade", "nodes": [{"name": "web", "parameters": {"instances": 0}}, {"name": "db"}]}):
        resp = run(sim, body)
        assert resp.status_code == 200, resp.text
        wait_for(lambda: stack_status(sim) == "Running", timeout=2)


def test_stack_id_length(sim):
    resp = run(sim, {"lifecycle": "retry"}, "x" * 65)
    assert resp.status_code == 400 and "stack_id" in resp.json()["message"]


def test_seeded_processing_stack_settles(sim):
    set_stack(sim, status="Processing")
    assert stack_status(sim) == "Processing"
    time.sleep(TRANSITION)
    wait_for(lambda: stack_status(sim) == "Running", timeout=3)


def test_internal_error_is_aos_shape(sim, monkeypatch):
    break_state(monkeypatch, sim, "get_stack")
    resp = get_stack(sim)
    assert resp.status_code == 500
    assert resp.json()["code"] == "AOS.0000" and resp.json()["extend"] is None
