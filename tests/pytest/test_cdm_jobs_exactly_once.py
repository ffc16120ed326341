"""cdm_job_run at scale: 20 forks start 20 jobs against a simulator that throttles and loses answers.

Each job must be started exactly once: a throttled start (429) is not processed and is sent
again; a start whose answer is lost after it landed is settled by re-reading the job's status,
never by a second start. The count is the simulator's own (its run history), not the playbook's.
"""

import requests

JOBS = ["job%02d" % number for number in range(1, 21)]

PLAYBOOK = """
- hosts: cdm_jobs
  gather_facts: false
  tasks:
    - name: Start this host's job
      hwcloud.cloud.cdm_job_run:
        endpoint: "{{ sim_url }}"
        project_id: "{{ project_id }}"
        auth_token: "{{ token }}"
        cluster_id: "{{ cluster_id }}"
        name: "{{ inventory_hostname }}"
        max_retries: 10
        poll_interval: 0.2
        wait_timeout: 120
      register: started

    - name: Keep the result
      ansible.builtin.set_fact:
        job_result: "{{ {'changed': started.changed, 'status': started.job_status} }}"
"""


def test_twenty_forks_start_twenty_jobs_exactly_once(sim, run_playbook, hw, tmp_path):
    for name in JOBS:
        sim.state.upsert_cdm_job({"cluster_id": hw.CLUSTER_ID, "name": name, "run_seconds": 0.5, "rows": 100,
                                  "from-link-name": "mysql-link", "to-link-name": "hive-link",
                                  "to-connector-name": "hive-connector"})
    for rule in ({"method": "PUT", "path": "/start$", "kind": "status", "status": 429, "retry_after": "0", "times": 12},
                 {"method": "PUT", "path": "/start$", "kind": "drop_after_apply", "times": 6},
                 {"method": "GET", "path": "/status$", "kind": "status", "status": 429, "retry_after": "0", "times": 10},
                 {"method": "GET", "path": "/clusters/[^/]+$", "kind": "drop", "times": 4}):
        sim.faults.add(rule)
    inventory = tmp_path / "jobs.ini"
    inventory.write_text("[cdm_jobs]\n" + "".join("%s ansible_connection=local\n" % name for name in JOBS), encoding="utf-8")

    rc, output = run_playbook(PLAYBOOK, args=("-i", str(inventory), "-f", "20"),
                              extra_vars={"sim_url": sim.url, "project_id": hw.PROJECT_ID, "token": hw.TOKEN,
                                          "cluster_id": hw.CLUSTER_ID})

    assert rc == 0, output
    assert output.count(" changed=1 ") == 20, output  # the recap: every job started, reported changed
    log = sim.log.list()
    starts = [entry for entry in log if entry["method"] == "PUT" and entry["path"].endswith("/start")]
    assert sum(1 for entry in starts if entry["fault"] == "drop_after_apply") == 6
    assert sum(1 for entry in starts if entry["fault"] == "status") == 12
    # Only the throttled starts were sent again: one start that reached the service per job.
    applied = [entry["path"].split("/")[-2] for entry in starts if entry["fault"] != "status"]
    assert sorted(applied) == JOBS
    runs = requests.get("%s/v1.1/%s/clusters/%s/cdm/submissions" % (sim.url, hw.PROJECT_ID, hw.CLUSTER_ID),
                        headers={"X-Auth-Token": hw.TOKEN}, timeout=10).json()["submissions"]
    per_job = {}
    for run in runs:
        per_job.setdefault(run["job-name"], []).append(run["status"])
    assert {name: per_job.get(name) for name in JOBS} == {name: ["SUCCEEDED"] for name in JOBS}
