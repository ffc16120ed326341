"""PUT /_sim/state: a partial seed lands on the start seed; unknown and misspelled keys answer 400."""

import pytest
import requests

from hwcloud_sim.state import SeedError, State
from simhelpers import CLUSTER, PROJECT, STACK, TOKEN, TOKEN_HEADERS, cdm_url


def put_state(sim, seed):
    return requests.put(sim.url + "/_sim/state", json=seed, timeout=5)


def get_state(sim):
    return requests.get(sim.url + "/_sim/state", timeout=5).json()


def test_a_partial_seed_keeps_the_default_project_token_and_users(sim):
    resp = put_state(sim, {"clusters": [{"id": "c1", "name": "solo", "status": "900"}]})
    assert resp.status_code == 200, resp.text
    clusters = requests.get(cdm_url(sim), headers=TOKEN_HEADERS, timeout=5).json()["clusters"]
    assert [(c["name"], c["status"]) for c in clusters] == [("solo", "900")]
    state = get_state(sim)
    assert [p["id"] for p in state["projects"]] == [PROJECT, "7b2e4c9d1f3a4e5b8c6d0a1b2c3d4e5f"]
    assert [t["token"] for t in state["tokens"]] == [TOKEN]
    assert [u["name"] for u in state["users"]] == ["sim-user"]
    assert {s["guid"] for s in state["stacks"]} == {STACK, "stack-abnormal-0001", "stack-target-0001"}


def test_partial_settings_merge_key_by_key(sim):
    before = get_state(sim)["settings"]
    assert put_state(sim, {"settings": {"action_records": False}}).status_code == 200
    assert get_state(sim)["settings"] == dict(before, action_records=False)


def test_an_empty_list_replaces_the_default_one(sim):
    assert put_state(sim, {"stacks": []}).status_code == 200
    state = get_state(sim)
    assert state["stacks"] == [] and len(state["clusters"]) == 3


def test_the_state_read_back_can_be_put_again(sim):
    state = get_state(sim)
    assert put_state(sim, state).status_code == 200
    assert get_state(sim)["clusters"] == state["clusters"]


@pytest.mark.parametrize("seed,named", [
    ({"projets": []}, "unknown key 'projets' (did you mean 'projects'?) at the top level"),
    ({"colors": []}, "unknown key 'colors' at the top level"),
    ({"settings": {"transition_second": 1}}, "settings: unknown key 'transition_second' (did you mean 'transition_seconds'?)"),
    ({"tokens": [{"token": "t", "expire_at": "2030-01-01T00:00:00Z"}]},
     "tokens[0]: unknown key 'expire_at' (did you mean 'expires_at'?)"),
    ({"users": [{"name": "u", "pasword": "p"}]}, "users[0]: unknown key 'pasword' (did you mean 'password'?)"),
    ({"clusters": [{"id": "c1"}, {"id": "c2", "stop_fail": "disk busy"}]},
     "clusters[1]: unknown key 'stop_fail' (did you mean 'stop_fails'?)"),
    ({"stacks": [{"guid": "s1", "fail_nxt": "boom"}]}, "stacks[0]: unknown key 'fail_nxt' (did you mean 'fail_next'?)"),
], ids=["top-level-misspelled", "top-level-unknown", "settings", "tokens", "users", "clusters", "stacks"])
def test_unknown_keys_are_named_and_change_nothing(sim, seed, named):
    before = get_state(sim)
    resp = put_state(sim, seed)
    assert resp.status_code == 400
    assert named in resp.json()["error"], resp.json()
    assert get_state(sim)["clusters"] == before["clusters"]


def test_every_unknown_key_is_named_at_once(sim):
    resp = put_state(sim, {"projets": [], "clusters": [{"id": "c1", "stop_fail": "x"}]})
    assert resp.status_code == 400
    assert "'projets'" in resp.json()["error"] and "'stop_fail'" in resp.json()["error"]


def test_an_api_field_the_simulator_does_not_model_is_passed_on(sim):
    resp = put_state(sim, {"clusters": [{"id": "c1", "name": "solo", "flavorName": "cdm.large"}]})
    assert resp.status_code == 200, resp.text
    cluster = requests.get(cdm_url(sim, "c1"), headers=TOKEN_HEADERS, timeout=5).json()
    assert cluster["flavorName"] == "cdm.large"


def test_upserts_refuse_misspelled_keys(sim):
    resp = requests.post(sim.url + "/_sim/clusters", json={"id": CLUSTER, "stop_fail": "x"}, timeout=5)
    assert resp.status_code == 400 and "did you mean 'stop_fails'" in resp.json()["error"]
    resp = requests.post(sim.url + "/_sim/stacks", json={"guid": STACK, "fail_nxt": "x"}, timeout=5)
    assert resp.status_code == 400 and "did you mean 'fail_next'" in resp.json()["error"]


def test_a_start_seed_with_an_unknown_key_is_refused():
    with pytest.raises(SeedError, match="unknown key 'cluster'"):
        State({"cluster": []})
