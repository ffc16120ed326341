"""Every key a module returns is documented in its RETURN, nested keys too, checked on real results.

Each module runs in-process against the simulator in the outcomes that shape its result differently
(changed, unchanged, check mode, waited, failed on a call, on an option, on a wait, at -vvv with a
retry). Every key of every result, at every depth, must be in the RETURN parsed from the module
itself, with the documented type. A returned dictionary whose RETURN entry has no ``contains`` is
a failure too, unless its keys are the user's or the service's own data (``FREE_FORM``): so a new
key, or a new nested key, without docs fails here.

The table is per module: a new module adds its ``OUTCOMES`` dictionary to ``TABLE`` (and its
free-form paths to ``FREE_FORM``); nothing else changes.
"""

import importlib
import os

import pytest
import yaml

from faultkit import (
    ABNORMAL_STACK_ID,
    CLUSTER_ID,
    CLUSTER_PATH,
    STACK_ID,
    STACK_PATH,
    STOPPED_CLUSTER_ID,
    add_fault,
    connection,
    read_only_connection,
    run_module,
)

# Keys ansible itself defines for every module; a RETURN documents the module's own keys.
COMMON_KEYS = frozenset(["changed", "failed", "msg", "invocation", "diff", "warnings", "deprecations", "exception", "skipped"])
# Nothing listens on port 1 of the loopback: the connection is refused at once.
REFUSING_ENDPOINT = "http://127.0.0.1:1"
PYTHON_TYPES = {"str": str, "dict": dict, "list": list, "int": int, "bool": bool, "float": (int, float)}
RFS_DEMO = "demo-rfs"

# Dictionaries whose keys are data (a template's inputs, the service's raw answer), per module: the
# path of the key, nested keys joined with dots, list levels left out.
CLUSTER_DATA = {"failed_reasons", "action_progress"}
JOB_DATA = {"from_config_values", "to_config_values", "driver_config_values"}
FREE_FORM = {
    "cluster_stop": {"cluster." + key for key in CLUSTER_DATA} | {"error.body"},
    "cluster_start": {"cluster." + key for key in CLUSTER_DATA} | {"error.body"},
    "cluster_restart": {"cluster." + key for key in CLUSTER_DATA} | {"error.body"},
    "cluster_info": {"clusters." + key for key in CLUSTER_DATA} | {"clusters.jobs." + key for key in JOB_DATA} | {"error.body"},
    "stack_lifecycle": {"stack.inputs", "error.body"},
    "stack_info": {"stacks.inputs", "error.body"},
    "rfs_stack": {"error.body"},
    "rfs_stack_info": {"error.body"},
    "cdm_link": {"link.config", "error.body"} | {"cluster." + key for key in CLUSTER_DATA},
    "cdm_job": {"job.from_config", "job.to_config", "job.driver_config", "error.body"},
    "cdm_job_run": {"submission.counters", "error.body"},
    "cdm_job_info": {"jobs.from_config", "jobs.to_config", "jobs.driver_config", "jobs.last_submission.counters",
                     "jobs.submissions.counters", "error.body"} | {"cluster." + key for key in CLUSTER_DATA},
}


def module_of(name):
    return importlib.import_module("ansible_collections.hwcloud.cloud.plugins.modules.%s" % name)


def return_doc(main):
    """The RETURN of the module whose ``main`` this is, parsed."""
    return yaml.safe_load(importlib.import_module(main.__module__).RETURN)


def is_read_only(module):
    return any(getattr(value, "read_only", False) for value in vars(module).values()
               if isinstance(value, type) and value.__module__ == module.__name__)


def problems(value, doc, free_form=None, path=""):
    """Returned keys missing from ``doc`` (a RETURN mapping), or of another type than documented.

    With ``free_form`` (a set of paths, possibly empty) also every returned dictionary whose entry has
    no ``contains``, unless its path is in ``free_form``.
    """
    found = []
    for key, item in value.items():
        name = path + key
        if not path and key in COMMON_KEYS:
            continue
        if key not in doc:
            found.append("%s is returned but not documented" % name)
            continue
        spec = doc[key] or {}
        wanted = PYTHON_TYPES.get(spec.get("type"))
        if item is not None and wanted is not None and (not isinstance(item, wanted) or isinstance(item, bool) != (spec["type"] == "bool")):
            found.append("%s is %s, documented as %s" % (name, type(item).__name__, spec.get("type")))
        elements = item if isinstance(item, list) else [item]
        dicts = [element for element in elements if isinstance(element, dict)]
        if spec.get("contains"):
            for element in dicts:
                found.extend(problems(element, spec["contains"], free_form, name + "."))
        elif free_form is not None and any(dicts) and name not in free_form:
            found.append("%s holds keys (%s) but its RETURN entry has no contains"
                         % (name, ", ".join(sorted(set(k for element in dicts for k in element)))))
    return found


# An option value that stands for the simulator's URL, known only once it runs.
SIM_URL = "<simulator url>"


def run(sim, module, args, verbosity=0, check_mode=False):
    args = dict((key, sim.url if value == SIM_URL else value) for key, value in args.items())
    module_args = (read_only_connection if is_read_only(module) else connection)(sim, **args)
    return run_module(module.main, module_args, verbosity=verbosity, check_mode=check_mode)


# ------------------------------------------------------------------ set-ups

def cluster(**fields):
    return lambda sim: sim.state.upsert_cluster(dict({"id": CLUSTER_ID}, **fields))


def stopped_cluster(**fields):
    return lambda sim: sim.state.upsert_cluster(dict({"id": STOPPED_CLUSTER_ID}, **fields))


def twin_names(sim):
    sim.state.upsert_cluster({"id": "twin-1", "name": "twin"})
    sim.state.upsert_cluster({"id": "twin-2", "name": "twin"})


def read_retried(path):
    return lambda sim: add_fault(sim, method="GET", path=path, kind="status", status=503, retry_after="0")


def stack(**fields):
    return lambda sim: sim.state.upsert_stack(dict({"guid": STACK_ID}, **fields))


def rfs_stack_state(**fields):
    return lambda sim: sim.state.rfs.upsert(dict({"stack_name": RFS_DEMO}, **fields))


def rfs_demo_template(sim):
    return [s for s in sim.state.export()["rfs_stacks"] if s["stack_name"] == RFS_DEMO][0]["template_body"]


RFS_TEMPLATE = '''
variable "vpc_name" {}
resource "huaweicloud_vpc" "vpc" {
  name = var.vpc_name
  cidr = "10.0.0.0/16"
}
output "vpc_id" { value = huaweicloud_vpc.vpc.id }
'''


def rfs_change(**extra):
    """Args that change demo-rfs (a bigger disk, a second subnet); the template is read from the seed when the row runs."""
    return dict(stack_name=RFS_DEMO, template_body=rfs_demo_template, vars={"vpc_name": "demo-vpc", "disk_size": 20, "subnet_count": 2},
                **extra)


# ------------------------------------------------------------------ the table
# outcome: (set-up or None, module args, expected rc, keys this outcome must return, run options)

CLUSTER_STOP = {
    "stopped-and-waited": (None, dict(cluster_id=CLUSTER_ID), 0, ["job_ids", "cluster"], {}),
    "already-stopped": (None, dict(cluster_id=STOPPED_CLUSTER_ID, _ansible_diff=True), 0, ["cluster"], {}),
    "check-mode": (None, dict(cluster_name="cdm-demo", _ansible_diff=True), 0, ["cluster", "running_jobs"], dict(check_mode=True)),
    "no-wait": (None, dict(cluster_id=CLUSTER_ID, wait=False, stop_mode="GRACEFULLY", delay_time=-1), 0, ["job_ids"], {}),
    "retried-at-vvv": (read_retried(CLUSTER_PATH), dict(cluster_id=STOPPED_CLUSTER_ID), 0, ["retries"], dict(verbosity=3)),
    "stop-failed": (cluster(stop_fails="disk busy"), dict(cluster_id=CLUSTER_ID), 1, ["job_ids", "cluster"], {}),
    "wait-timed-out": (cluster(transition_seconds=60), dict(cluster_id=CLUSTER_ID, wait_timeout=1), 1, ["job_ids", "cluster"], {}),
    "in-transition-no-wait": (cluster(status="920", transition_seconds=60), dict(cluster_id=CLUSTER_ID, wait=False), 1, ["cluster"], {}),
    "frozen": (cluster(status="800"), dict(cluster_id=CLUSTER_ID), 1, ["cluster", "job_ids"], {}),
    "not-found": (None, dict(cluster_id="no-such-cluster"), 1, ["error"], {}),
    "no-such-name": (None, dict(cluster_name="cdm-dmeo"), 1, ["cluster_name"], {}),
    "two-with-the-name": (twin_names, dict(cluster_name="twin"), 1, ["cluster_name", "cluster_ids"], {}),
    "invalid-option": (None, dict(cluster_id=CLUSTER_ID, delay_time=5), 1, ["invalid_option"], {}),
    "connection-refused": (None, dict(cluster_id=CLUSTER_ID, endpoint=REFUSING_ENDPOINT, max_retries=0), 1, [], {}),
}

CLUSTER_START = {
    "started-and-waited": (None, dict(cluster_id=STOPPED_CLUSTER_ID), 0, ["job_ids", "cluster", "credentials_source"], {}),
    "already-running": (None, dict(cluster_id=CLUSTER_ID, _ansible_diff=True), 0, ["cluster"], {}),
    "check-mode": (None, dict(cluster_id=STOPPED_CLUSTER_ID, _ansible_diff=True), 0, ["cluster"], dict(check_mode=True)),
    "no-wait": (None, dict(cluster_id=STOPPED_CLUSTER_ID, wait=False), 0, ["job_ids"], {}),
    "retried-at-vvv": (read_retried(CLUSTER_PATH), dict(cluster_id=CLUSTER_ID), 0, ["retries"], dict(verbosity=3)),
    "start-failed": (stopped_cluster(start_fails="no quota"), dict(cluster_id=STOPPED_CLUSTER_ID), 1, ["job_ids", "cluster"], {}),
    "wait-timed-out": (stopped_cluster(transition_seconds=60), dict(cluster_id=STOPPED_CLUSTER_ID, wait_timeout=1), 1,
                       ["job_ids", "cluster"], {}),
    "refused-failed-cluster": (cluster(status="300"), dict(cluster_id=CLUSTER_ID), 1, ["cluster", "job_ids"], {}),
    "not-found": (None, dict(cluster_id="no-such-cluster"), 1, ["error"], {}),
    "invalid-option": (None, dict(cluster_id="x" * 65), 1, ["invalid_option"], {}),
}

CLUSTER_RESTART = {
    "restarted-and-waited": (None, dict(cluster_id=CLUSTER_ID), 0, ["job_ids", "cluster", "credentials_source"], {}),
    "check-mode": (None, dict(cluster_id=CLUSTER_ID, _ansible_diff=True), 0, ["cluster"], dict(check_mode=True)),
    "no-wait": (None, dict(cluster_id=CLUSTER_ID, wait=False, restart_mode="SOFTLY"), 0, ["job_ids"], {}),
    "restart-failed": (cluster(restart_fails="vm lost"), dict(cluster_id=CLUSTER_ID), 1, ["job_ids", "cluster"], {}),
    "wait-timed-out": (cluster(transition_seconds=60), dict(cluster_id=CLUSTER_ID, wait_timeout=1), 1, ["job_ids", "cluster"], {}),
    "refused-stopped": (None, dict(cluster_id=STOPPED_CLUSTER_ID), 1, ["cluster", "job_ids"], {}),
    "invalid-option": (None, dict(cluster_id=CLUSTER_ID, restart_delay_time=-1), 1, ["invalid_option"], {}),
}

CLUSTER_INFO = {
    "every-cluster": (None, dict(), 0, ["clusters", "credentials_source"], {}),
    "project-from-region": (None, dict(project_id=None, region="ap-southeast-1", identity_endpoint=SIM_URL),
                            0, ["clusters", "project_id"], {}),
    "with-jobs": (None, dict(cluster_id=CLUSTER_ID, jobs=True), 0, ["clusters"], {}),
    "after-a-stop": (cluster(status="910", transition_seconds=60), dict(cluster_name="cdm-demo", jobs=True), 0, ["clusters"], {}),
    "missing-id": (None, dict(cluster_id="no-such-cluster"), 0, ["clusters"], {}),
    "check-mode": (None, dict(jobs=True), 0, ["clusters"], dict(check_mode=True)),
    "retried-at-vvv": (read_retried(CLUSTER_PATH), dict(cluster_id=CLUSTER_ID), 0, ["retries"], dict(verbosity=3)),
    "invalid-option": (None, dict(cluster_id="x" * 65), 1, ["invalid_option"], {}),
    "connection-refused": (None, dict(endpoint=REFUSING_ENDPOINT, max_retries=0), 1, [], {}),
}

UPGRADE = dict(stack_id=STACK_ID, lifecycle="upgrade", inputs={"param1": "value1"})
STACK_LIFECYCLE = {
    "upgraded-and-waited": (None, UPGRADE, 0, ["action_id", "last_action_id", "stack", "execution"], {}),
    "unchanged": (None, dict(UPGRADE, inputs={"param1": "value0"}, _ansible_diff=True), 0, ["stack"], {}),
    "check-mode": (None, dict(UPGRADE, _ansible_diff=True), 0, ["stack"], dict(check_mode=True)),
    "deleted-and-waited": (None, dict(stack_id=STACK_ID, lifecycle="delete"), 0, ["action_id", "execution"], {}),
    "delete-absent": (None, dict(stack_id="no-such-stack", lifecycle="delete"), 0, ["stack"], {}),
    "retry-no-wait": (None, dict(stack_id=ABNORMAL_STACK_ID, lifecycle="retry", wait=False), 0, ["action_id"], {}),
    "retried-at-vvv": (read_retried(STACK_PATH), dict(UPGRADE, inputs={"param1": "value0"}), 0, ["retries"], dict(verbosity=3)),
    "execution-failed": (stack(fail_next="element web timed out"), UPGRADE, 1, ["action_id", "execution", "execution_message"], {}),
    "failed-without-records": (stack(fail_next="element web timed out", action_records=False), UPGRADE, 1,
                               ["action_id", "execution_message"], {}),
    "wait-timed-out": (stack(transition_seconds=60), dict(UPGRADE, wait_timeout=1), 1, ["action_id", "execution", "execution_message"], {}),
    "busy-no-wait": (stack(status="Processing", transition_seconds=60), dict(UPGRADE, wait=False), 1, ["stack", "action_id"], {}),
    "create-missing": (None, dict(stack_id="no-such-stack", lifecycle="create"), 1, ["error"], {}),
    "invalid-option": (None, dict(UPGRADE, timeout=2000), 1, ["invalid_option"], {}),
    "connection-refused": (None, dict(UPGRADE, endpoint=REFUSING_ENDPOINT, max_retries=0), 1, [], {}),
}

STACK_INFO = {
    "every-stack": (None, dict(), 0, ["stacks", "credentials_source"], {}),
    "by-id": (None, dict(stack_id=STACK_ID), 0, ["stacks"], {}),
    "by-name": (None, dict(stack_name="web"), 0, ["stacks"], {}),
    "missing-id": (None, dict(stack_id="no-such-stack"), 0, ["stacks"], {}),
    "check-mode": (None, dict(), 0, ["stacks"], dict(check_mode=True)),
    "retried-at-vvv": (read_retried(STACK_PATH), dict(stack_id=STACK_ID), 0, ["retries"], dict(verbosity=3)),
    "invalid-option": (None, dict(stack_id="x" * 65), 1, ["invalid_option"], {}),
    "connection-refused": (None, dict(endpoint=REFUSING_ENDPOINT, max_retries=0), 1, [], {}),
}

RFS_STACK = {
    "created-and-waited": (None, dict(stack_name="web", template_body=RFS_TEMPLATE, vars={"vpc_name": "web-vpc"}), 0,
                           ["stack", "outputs", "deployment_id"], {}),
    "changed-and-waited": (None, rfs_change(), 0, ["stack", "plan", "outputs", "deployment_id"], {}),
    "check-mode-with-diff": (None, rfs_change(_ansible_diff=True), 0, ["stack", "plan"], dict(check_mode=True)),
    "unchanged": (None, dict(stack_name=RFS_DEMO, template_body=rfs_demo_template, vars={"vpc_name": "demo-vpc"}), 0, ["stack"], {}),
    "deleted": (None, dict(stack_name=RFS_DEMO, state="absent"), 0, ["stack"], {}),
    "deployment-failed": (rfs_stack_state(fail_next_deployment="EVS quota exhausted"), rfs_change(), 1, ["stack"], {}),
    "busy-no-wait": (rfs_stack_state(status="DEPLOYMENT_IN_PROGRESS", transition_seconds=600), rfs_change(wait=False), 1, [], {}),
    "invalid-option": (None, dict(stack_name="1abc"), 1, ["invalid_option"], {}),
    "connection-refused": (None, dict(stack_name=RFS_DEMO, endpoint=REFUSING_ENDPOINT, max_retries=0), 1, [], {}),
}

RFS_STACK_INFO = {
    "every-stack-in-full": (None, dict(outputs=True, resources=True, events=True), 0, ["stacks"], {}),
    "by-name": (None, dict(stack_name=RFS_DEMO), 0, ["stacks"], {}),
    "unknown-name": (None, dict(stack_name="no-such-stack"), 0, ["stacks"], {}),
    "check-mode": (None, dict(outputs=True), 0, ["stacks"], dict(check_mode=True)),
    "invalid-option": (None, dict(stack_name="1abc"), 1, ["invalid_option"], {}),
    "connection-refused": (None, dict(endpoint=REFUSING_ENDPOINT, max_retries=0), 1, [], {}),
}

CDM_DEFINITION = dict(from_link="mysql-link", from_connector="generic-jdbc-connector", from_config={"tableName": "t"},
                      to_link="hive-link", to_connector="hive-connector", to_config={"table": "t"},
                      driver_config={"throttlingConfig": {"numExtractors": 1}})
NEW_LINK = dict(cluster_id=CLUSTER_ID, name="pg", connector="generic-jdbc-connector", config={"host": "h"})


def failing_run(sim):
    sim.state.upsert_cdm_job({"cluster_id": CLUSTER_ID, "name": "obs2dws", "run_fails": "Table missing."})


def with_a_run(sim):
    """obs2dws has run once, so that the job list carries a last submission with counters."""
    run_module(module_of("cdm_job_run").main, connection(sim, cluster_id=CLUSTER_ID, name="obs2dws"))


CDM_LINK = {
    "created": (None, dict(NEW_LINK, secrets={"password": "p"}), 0, ["link"], {}),
    "check-mode": (None, NEW_LINK, 0, ["link"], dict(check_mode=True)),
    "unchanged": (None, dict(cluster_id=CLUSTER_ID, name="mysql-link"), 0, ["link"], {}),
    "absent": (None, dict(cluster_id=CLUSTER_ID, name="pg", state="absent"), 0, [], {}),
    "cluster-not-running": (None, dict(NEW_LINK, cluster_id=STOPPED_CLUSTER_ID), 1, ["cluster"], {}),
    "invalid-option": (None, dict(NEW_LINK, name=""), 1, ["invalid_option"], {}),
}

CDM_JOB = {
    "created": (None, dict(CDM_DEFINITION, cluster_id=CLUSTER_ID, name="j1"), 0, ["job"], {}),
    "check-mode": (None, dict(CDM_DEFINITION, cluster_id=CLUSTER_ID, name="j1"), 0, ["job"], dict(check_mode=True)),
    "unchanged": (None, dict(cluster_id=CLUSTER_ID, name="obs2dws"), 0, ["job"], {}),
    "running-no-wait": (None, dict(cluster_id=CLUSTER_ID, name="mysql2hive", to_config={"table": "x"}, wait=False), 1, [], {}),
    "invalid-option": (None, dict(cluster_id=CLUSTER_ID, name="j" * 241), 1, ["invalid_option"], {}),
}

CDM_JOB_RUN = {
    "run-and-waited": (None, dict(cluster_id=CLUSTER_ID, name="obs2dws"), 0, ["submission", "job_status"], {}),
    "no-wait": (None, dict(cluster_id=CLUSTER_ID, name="obs2dws", wait=False), 0, ["submission"], {}),
    "run-failed": (failing_run, dict(cluster_id=CLUSTER_ID, name="obs2dws"), 1, ["submission"], {}),
    "stopped": (None, dict(cluster_id=CLUSTER_ID, name="mysql2hive", state="stopped"), 0, ["submission"], {}),
    "check-mode": (None, dict(cluster_id=CLUSTER_ID, name="nightly-batch"), 0, [], dict(check_mode=True)),
    "no-such-job": (None, dict(cluster_id=CLUSTER_ID, name="no-such-job"), 1, [], {}),
}

CDM_JOB_INFO = {
    "every-job": (with_a_run, dict(cluster_id=CLUSTER_ID), 0, ["jobs"], {}),
    "one-job-with-submissions": (with_a_run, dict(cluster_id=CLUSTER_ID, name="obs2dws", submissions=True), 0, ["jobs"], {}),
    "unknown-name": (None, dict(cluster_id=CLUSTER_ID, name="nope"), 0, ["jobs"], {}),
    "check-mode": (None, dict(cluster_id=CLUSTER_ID), 0, ["jobs"], dict(check_mode=True)),
    "cluster-not-running": (None, dict(cluster_id=STOPPED_CLUSTER_ID), 1, [], {}),
}

TABLE = {
    "cluster_stop": CLUSTER_STOP,
    "cluster_start": CLUSTER_START,
    "cluster_restart": CLUSTER_RESTART,
    "cluster_info": CLUSTER_INFO,
    "stack_lifecycle": STACK_LIFECYCLE,
    "stack_info": STACK_INFO,
    "rfs_stack": RFS_STACK,
    "rfs_stack_info": RFS_STACK_INFO,
    "cdm_link": CDM_LINK,
    "cdm_job": CDM_JOB,
    "cdm_job_run": CDM_JOB_RUN,
    "cdm_job_info": CDM_JOB_INFO,
}
CASES = [pytest.param(module, name, outcome, id="%s-%s" % (module, name))
         for module, outcomes in sorted(TABLE.items()) for name, outcome in sorted(outcomes.items())]


@pytest.mark.parametrize("module_name,name,outcome", CASES)
def test_every_returned_key_is_documented(sim, module_name, name, outcome):
    set_up, args, want_rc, want_keys, options = outcome
    module = module_of(module_name)
    if set_up is not None:
        set_up(sim)
    args = dict((key, value(sim) if callable(value) else value) for key, value in args.items())
    rc, result = run(sim, module, args, **options)
    assert rc == want_rc, (name, result)
    for key in want_keys:
        assert key in result, "outcome %s should return %s: %s" % (name, key, result)
    found = problems(result, return_doc(module.main), FREE_FORM.get(module_name, frozenset()))
    assert found == [], "outcome %s: %s\n%s" % (name, found, result)


def test_every_module_has_rows():
    modules_dir = os.path.dirname(module_of("cluster_stop").__file__)
    names = sorted(entry[:-3] for entry in os.listdir(modules_dir) if entry.endswith(".py") and not entry.startswith("_"))
    assert [name for name in names if name not in TABLE] == []


def test_an_undocumented_key_is_found_at_any_depth():
    doc = {"cluster": {"type": "dict", "contains": {"id": {"type": "str"}, "task": {"type": "dict"}}},
           "job_ids": {"type": "list"}, "stack": {"type": "dict", "contains": {"inputs": {"type": "dict"}}}}
    assert problems({"changed": True, "job_ids": [], "cluster": {"id": "x", "task": {"id": "t"}, "new": 1}, "extra": 1}, doc, set()) == [
        "cluster.task holds keys (id) but its RETURN entry has no contains",
        "cluster.new is returned but not documented",
        "extra is returned but not documented"]
    assert problems({"job_ids": "x"}, doc) == ["job_ids is str, documented as list"]
    assert problems({"stack": {"inputs": {"a": 1}}}, doc, free_form={"stack.inputs"}) == []
    assert problems({"job_ids": [{"id": "j"}]}, doc, set()) == ["job_ids holds keys (id) but its RETURN entry has no contains"]
    # Without free_form (the first check, as other tests use it) only keys and types are checked.
    assert problems({"job_ids": [{"id": "j"}]}, doc) == []
