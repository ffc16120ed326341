"""The approval workflow of docs/rfs.md end to end: examples/rfs_approval_plan.yml keeps a plan, and
examples/rfs_approval_apply.yml, in a later run, applies exactly that plan; run again, it applies nothing."""

import os

import pytest

EXAMPLES = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "examples"))
INVENTORY = os.path.join(EXAMPLES, "inventory.yml")
PLAN_NAME = "change-42"
PROJECT_ID = "0605767a2c80d5a62f5cc0123456789a"


def example(name):
    with open(os.path.join(EXAMPLES, name), encoding="utf-8") as handle:
        return handle.read()


@pytest.fixture(name="run_example")
def run_example_fixture(sim, run_playbook):
    def run(name, **extra_vars):
        extra_vars.setdefault("rfs_template_file", os.path.join(EXAMPLES, "files", "demo-rfs.tf"))
        extra_vars.setdefault("hwcloud_poll_interval", 0.1)
        return run_playbook(example(name), extra_vars=extra_vars, args=("-i", INVENTORY), env={"HWCLOUD_SIM_URL": sim.url})
    return run


def rfs_calls(sim):
    return [entry for entry in sim.log.list() if entry["service"] == "rfs"]


def plans(sim):
    stack = [s for s in sim.state.export()["rfs_stacks"] if s["stack_name"] == "demo-rfs"][0]
    return dict((plan["execution_plan_name"], plan["status"]) for plan in stack["execution_plans"])


def test_the_plan_kept_for_approval_is_the_plan_applied_and_a_rerun_applies_nothing(sim, run_example):
    rc, output = run_example("rfs_approval_plan.yml", rfs_plan_name=PLAN_NAME)
    assert rc == 0, output
    assert "changed=1" in output and "kept for approval" in output
    assert plans(sim) == {PLAN_NAME: "AVAILABLE"}
    assert not [entry for entry in rfs_calls(sim) if entry["method"] == "POST" and "/execution-plans/" in entry["path"]]

    sim.log.clear()
    rc, output = run_example("rfs_approval_apply.yml", rfs_execution_plan_name=PLAN_NAME)
    assert rc == 0, output
    assert "changed=1" in output and "is DEPLOYMENT_COMPLETE (plan %s, applied now)" % PLAN_NAME in output
    posts = [entry["path"] for entry in rfs_calls(sim) if entry["method"] != "GET"]
    assert posts == ["/v1/%s/stacks/demo-rfs/execution-plans/%s" % (PROJECT_ID, PLAN_NAME)]
    assert plans(sim) == {PLAN_NAME: "APPLIED"}

    # The approved job run again: ok, two reads, nothing made or applied.
    sim.log.clear()
    rc, output = run_example("rfs_approval_apply.yml", rfs_execution_plan_name=PLAN_NAME)
    assert rc == 0, output
    assert "changed=0" in output and "applied before" in output
    assert [entry["method"] for entry in rfs_calls(sim)] == ["GET", "GET"]


def test_a_plan_without_changes_is_not_kept_and_the_apply_step_does_nothing(sim, run_example):
    same = {"vpc_name": "demo-vpc", "subnet_count": 1, "disk_size": 10}
    rc, output = run_example("rfs_approval_plan.yml", rfs_plan_name=PLAN_NAME, rfs_vars=same)
    assert rc == 0, output
    assert "changed=0" in output and "nothing to approve: deleted" in output
    assert plans(sim) == {}
    sim.log.clear()
    rc, output = run_example("rfs_approval_apply.yml", rfs_execution_plan_name="")
    assert rc == 0, output
    assert rfs_calls(sim) == []
