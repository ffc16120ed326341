"""Concurrency: 50 clusters stopped at once, each exactly once, counted from the simulator's log.

Two ways an operator runs many stops together: background jobs on one host (``async``/``poll: 0``
then ``async_status``), and many inventory hosts with ``forks: 20`` delegating to localhost.
The simulator serves the calls from parallel threads; every answer it gives is logged.
"""

import collections
import os
import sys
import time

from faultkit import PROJECT_ID, STOP_PATH, TOKEN, add_fault, applied_stops, assert_clean_output, calls, summary

PLAYBOOKS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "playbooks")
COUNT = 50


def load_seed():
    ids = ["00000000-0000-4000-8000-%012d" % number for number in range(1, COUNT + 1)]
    names = ["cdm-load-%02d" % number for number in range(1, COUNT + 1)]
    seed = {
        "settings": {"transition_seconds": 0.3},
        "projects": [{"id": PROJECT_ID, "name": "ap-southeast-1"}],
        "tokens": [{"token": TOKEN, "project_id": PROJECT_ID}],
        "clusters": [{"project_id": PROJECT_ID, "id": cluster_id, "name": name, "status": "200"}
                     for cluster_id, name in zip(ids, names)],
    }
    return seed, ids, names


def playbook(name):
    with open(os.path.join(PLAYBOOKS, name), encoding="utf-8") as handle:
        return handle.read()


def assert_each_stopped_once(sim, ids):
    per_cluster = collections.Counter(entry["path"].split("/")[-2] for entry in applied_stops(sim))
    assert set(per_cluster) == set(ids), sorted(set(ids) - set(per_cluster))
    assert all(count == 1 for count in per_cluster.values()), [c for c, n in per_cluster.items() if n != 1]
    for cluster_id in ids:
        assert sim.state.get_cluster(PROJECT_ID, cluster_id)["status"] == "900", cluster_id


def write_inventory(path, ids, names):
    """One local host per cluster, group "clusters", with the cluster's id and name as host variables."""
    lines = ["[clusters]"]
    lines += ["load%02d cluster_id=%s cluster_name=%s" % (number, cluster_id, name)
              for number, (cluster_id, name) in enumerate(zip(ids, names), 1)]
    lines += ["", "[clusters:vars]", "ansible_connection=local", "ansible_python_interpreter=%s" % sys.executable]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def run(run_playbook, sim, name, inventory, tmp_path):
    started = time.monotonic()
    rc, output = run_playbook(playbook(name), extra_vars=dict(sim_url=sim.url, project_id=PROJECT_ID, auth_token=TOKEN),
                              args=("-i", inventory, "--forks", "20"), timeout=240,
                              env={"ANSIBLE_ASYNC_DIR": str(tmp_path / "async"), "ANSIBLE_PIPELINING": "1"})
    elapsed = time.monotonic() - started
    assert rc == 0, output[-5000:]
    assert_clean_output(output)
    return run_playbook.results(), elapsed


def test_async_poll_0_stops_each_cluster_once(sim_factory, run_playbook, tmp_path):
    seed, ids, names = load_seed()
    sim = sim_factory(seed=seed, transition_seconds=0.3)
    # Some lost answers along the way: applied-then-dropped stops must not be resent, throttled ones must.
    add_fault(sim, method="POST", path=STOP_PATH, times=5, kind="drop_after_apply")
    add_fault(sim, method="POST", path=STOP_PATH, times=5, kind="status", status=429)
    results, elapsed = run(run_playbook, sim, "concurrency_async.yml", write_inventory(tmp_path / "hosts.ini", ids, names), tmp_path)
    assert sorted(results) == ["load%02d" % number for number in range(1, COUNT + 1)]
    for host, result in results.items():
        assert result["finished"] and result["changed"] and not result.get("failed"), (host, result)
    assert sorted(result["cluster"]["id"] for result in results.values()) == sorted(ids)
    assert_each_stopped_once(sim, ids)
    stops = calls(sim, "POST", STOP_PATH)
    faults = collections.Counter(entry["fault"] for entry in stops)
    assert faults == {None: COUNT - 5, "drop_after_apply": 5, "status": 5}, (faults, summary(stops)[:10])
    assert elapsed < 150, elapsed


def test_forks_20_over_50_hosts_stops_each_cluster_once(sim_factory, run_playbook, tmp_path):
    seed, ids, names = load_seed()
    sim = sim_factory(seed=seed, transition_seconds=0.3)
    results, elapsed = run(run_playbook, sim, "concurrency_forks.yml", write_inventory(tmp_path / "hosts.ini", ids, names), tmp_path)
    assert sorted(results) == ["load%02d" % number for number in range(1, COUNT + 1)]
    for host, result in results.items():
        assert result["changed"] and not result.get("failed"), (host, result)
    by_host = dict((host, result["cluster"]["name"]) for host, result in results.items())
    assert by_host == dict(("load%02d" % number, name) for number, name in enumerate(names, 1))
    assert_each_stopped_once(sim, ids)
    assert len(calls(sim, "POST", STOP_PATH)) == COUNT
    # Names were resolved with the list call, once per host, all answered.
    assert len([e for e in calls(sim, "GET") if e["path"].endswith("/clusters") and e["status"] == 200]) == COUNT
    assert elapsed < 150, elapsed
