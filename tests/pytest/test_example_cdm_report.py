"""examples/cdm_report.yml against the simulator, with examples/inventory.yml, as the README says to run it."""

import os

REPORT = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "cdm_report.yml")
INVENTORY = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "inventory.yml")


def test_report_shows_each_cluster_status_and_running_jobs(sim, run_playbook, hw):
    sim.state.upsert_cluster({"id": "c303", "name": "cdm-broken", "status": "303"})
    with open(REPORT, encoding="utf-8") as handle:
        playbook = handle.read()

    rc, output = run_playbook(playbook, args=("-i", os.path.abspath(INVENTORY)), env={"HWCLOUD_SIM_URL": sim.url})

    assert rc == 0, output
    assert '"cdm-demo (%s): status 200 Normal; running jobs: mysql2hive"' % hw.CLUSTER_ID in output
    assert '"cdm-stopped (%s): status 900 Stopped; running jobs: none"' % hw.STOPPED_CLUSTER_ID in output
    assert 'cdm-broken (c303): status 303 Creation failed; running jobs: none; failed: {\\"create_failed\\"' in output
    assert "3 cluster(s), 1 running, 1 stopped; 1 job(s) running." in output
    log = sim.log.list()
    assert {entry["method"] for entry in log} == {"GET"}
    # One listing, and the jobs of the one running cluster: every type, one page each.
    assert [entry["query"].get("jobType") for entry in log] == [None, "NORMAL_JOB", "BATCH_JOB", "SCENARIO_JOB"]
