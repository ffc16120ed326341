"""examples/cdm_nightly_migration.yml (docs/recipes/cdm-nightly-migration.md) end to end against the simulator.

Run as the recipe says: start the cluster, declare links and jobs, run them (two in order, two in
parallel with async), report each run's counters, stop the cluster; a second night changes no link
and no job; a night whose run fails still stops the cluster and fails the playbook.
"""

import os

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "examples")
PLAYBOOK = os.path.join(EXAMPLES, "cdm_nightly_migration.yml")
INVENTORY = os.path.abspath(os.path.join(EXAMPLES, "inventory.yml"))
JOBS = ["orders2obs", "customers2obs", "products2obs", "stock2obs"]


def night(sim, run_playbook):
    with open(PLAYBOOK, encoding="utf-8") as handle:
        playbook = handle.read()
    # Quicker polls than the inventory's: the simulator's runs take a fraction of a second.
    return run_playbook(playbook, args=("-i", INVENTORY), env={"HWCLOUD_SIM_URL": sim.url}, extra_vars={"hwcloud_poll_interval": 0.2})


def changes(log, path):
    return [entry for entry in log if entry["method"] != "GET" and entry["path"].endswith(path)]


def test_two_nights_the_second_with_a_failed_run(sim, run_playbook, hw):
    rc, output = night(sim, run_playbook)

    assert rc == 0, output
    log = sim.log.list()
    actions = [entry["body"] for entry in log if entry["path"].endswith("/action")]
    assert actions == [{"start": {}}, {"stop": {}}]
    assert len(changes(log, "/cdm/link")) == 2
    assert len(changes(log, "/cdm/job")) == 4
    started = sorted(entry["path"].split("/")[-2] for entry in changes(log, "/start"))
    assert started == sorted(JOBS)
    for job in JOBS:
        assert "%s: SUCCEEDED, 10000 rows read, 10000 rows written, 1280000 bytes written" % job in output, output
    assert sim.state.get_cluster(hw.PROJECT_ID, hw.STOPPED_CLUSTER_ID)["status"] == "900"
    # The link passwords went to the service, never to the output.
    assert "change-me" not in output

    # The second night: a run fails. Nothing is declared again, every job still runs, the cluster still stops.
    sim.state.upsert_cdm_job({"cluster_id": hw.STOPPED_CLUSTER_ID, "name": "orders2obs", "run_fails": "Table sales.orders is locked."})
    sim.log.clear()

    rc, output = night(sim, run_playbook)

    assert rc != 0, output
    assert "orders2obs: FAILED, 0 rows read, 0 rows written, 0 bytes written; Table sales.orders is locked." in output, output
    for job in JOBS[1:]:
        assert "%s: SUCCEEDED" % job in output, output
    log = sim.log.list()
    assert [entry for entry in log if entry["method"] in ("POST", "PUT") and ("/cdm/link" in entry["path"] or (
        "/cdm/job" in entry["path"] and not entry["path"].endswith("/start")))] == []
    assert len(changes(log, "/start")) == 4
    assert [entry["body"] for entry in log if entry["path"].endswith("/action")] == [{"start": {}}, {"stop": {}}]
    assert sim.state.get_cluster(hw.PROJECT_ID, hw.STOPPED_CLUSTER_ID)["status"] == "900"
