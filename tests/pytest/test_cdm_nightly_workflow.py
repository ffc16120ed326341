"""The AWX workflow of docs/awx/cdm_nightly_workflow.json: the recipe's playbook run step by step with job tags.

Each node runs examples/cdm_nightly_migration.yml with one tag (start, declare, run, stop), in the
workflow's order; together they must do what the whole playbook does, and each step only its own part.
"""

import json
import os

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
PLAYBOOK = os.path.join(ROOT, "examples", "cdm_nightly_migration.yml")
INVENTORY = os.path.abspath(os.path.join(ROOT, "examples", "inventory.yml"))
WORKFLOW = os.path.join(ROOT, "docs", "awx", "cdm_nightly_workflow.json")


def test_the_workflow_nodes_run_the_recipe_step_by_step(sim, run_playbook, hw):
    with open(WORKFLOW, encoding="utf-8") as handle:
        spec = json.load(handle)
    with open(PLAYBOOK, encoding="utf-8") as handle:
        playbook = handle.read()
    templates = dict((template["name"], template) for template in spec["job_templates"])
    order = [node["unified_job_template"]["name"] for node in spec["workflow"]["workflow_nodes"]]
    tags = [templates[name]["job_tags"] for name in order]
    assert tags == ["start", "declare", "run", "stop"]
    assert {template["playbook"] for template in spec["job_templates"]} == {"examples/cdm_nightly_migration.yml"}

    calls = {}
    for tag in tags:
        sim.log.clear()
        rc, output = run_playbook(playbook, args=("-i", INVENTORY, "--tags", tag), env={"HWCLOUD_SIM_URL": sim.url},
                                  extra_vars={"hwcloud_poll_interval": 0.2})
        assert rc == 0, output
        calls[tag] = [(entry["method"], entry["path"].split("/")[-1]) for entry in sim.log.list() if entry["method"] != "GET"]

    assert calls["start"] == [("POST", "action")]
    assert sorted(calls["declare"]) == [("POST", "job")] * 4 + [("POST", "link")] * 2
    assert sorted(calls["run"]) == [("PUT", "start")] * 4
    assert calls["stop"] == [("POST", "action")]
    assert sim.state.get_cluster(hw.PROJECT_ID, hw.STOPPED_CLUSTER_ID)["status"] == "900"
