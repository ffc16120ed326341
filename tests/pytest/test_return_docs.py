"""Every key a module returns is documented in its RETURN, with the contents of each dictionary.

Each module runs in-process against the simulator in the outcomes that shape its result differently
(changed, unchanged, check mode, waited, failed on an HTTP call, on an option, on a wait, at -vvv with a
retry). Every key of every result, recursively where the RETURN documents ``contains``, must be in the
RETURN parsed from the module itself, with the documented type.
"""

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
    cluster_stop_main,
    connection,
    run_module,
    stack_lifecycle_main,
)

# Keys ansible itself defines for every module; a RETURN documents the module's own keys.
COMMON_KEYS = frozenset(["changed", "failed", "msg", "invocation", "diff", "warnings", "deprecations", "exception", "skipped"])
# Nothing listens on port 1 of the loopback: the connection is refused at once.
REFUSING_ENDPOINT = "http://127.0.0.1:1"
PYTHON_TYPES = {"str": str, "dict": dict, "list": list, "int": int, "bool": bool, "float": (int, float)}


def return_doc(main):
    module = __import__(main.__module__, fromlist=["RETURN"])
    return yaml.safe_load(module.RETURN)


def problems(value, doc, path=""):
    """Returned keys missing from ``doc`` (a RETURN mapping), or of another type than documented."""
    found = []
    for key, item in value.items():
        name = path + key
        if not path and key in COMMON_KEYS:
            continue
        if key not in doc:
            found.append("%s is returned but not documented" % name)
            continue
        spec = doc[key]
        wanted = PYTHON_TYPES.get(spec.get("type"))
        if item is not None and wanted is not None and (not isinstance(item, wanted) or isinstance(item, bool) != (spec["type"] == "bool")):
            found.append("%s is %s, documented as %s" % (name, type(item).__name__, spec.get("type")))
        if spec.get("contains"):
            elements = item if isinstance(item, list) else [item]
            for element in elements:
                if isinstance(element, dict):
                    found.extend(problems(element, spec["contains"], name + "."))
    return found


def run(sim, main, args, verbosity=0, check_mode=False):
    return run_module(main, connection(sim, **args), verbosity=verbosity, check_mode=check_mode)


def stop_fails(sim):
    sim.state.upsert_cluster({"id": CLUSTER_ID, "stop_fails": "disk busy"})


def slow_cluster(sim):
    sim.state.upsert_cluster({"id": CLUSTER_ID, "transition_seconds": 60})


def cluster_in_transition(sim):
    sim.state.upsert_cluster({"id": CLUSTER_ID, "status": "920", "transition_seconds": 60})


def frozen(sim):
    sim.state.upsert_cluster({"id": CLUSTER_ID, "status": "800"})


def twin_names(sim):
    sim.state.upsert_cluster({"id": "twin-1", "name": "twin"})
    sim.state.upsert_cluster({"id": "twin-2", "name": "twin"})


def cluster_read_retried(sim):
    add_fault(sim, method="GET", path=CLUSTER_PATH, kind="status", status=503, retry_after="0")


# outcome: (set-up or None, module args, expected rc, keys that this outcome must return, extra run options)
CLUSTER_STOP_OUTCOMES = {
    "stopped-and-waited": (None, dict(cluster_id=CLUSTER_ID), 0, ["job_ids", "cluster"], {}),
    "already-stopped": (None, dict(cluster_id=STOPPED_CLUSTER_ID, _ansible_diff=True), 0, ["cluster"], {}),
    "check-mode": (None, dict(cluster_name="cdm-demo", _ansible_diff=True), 0, ["cluster"], dict(check_mode=True)),
    "no-wait": (None, dict(cluster_id=CLUSTER_ID, wait=False, stop_mode="GRACEFULLY", delay_time=-1), 0, ["job_ids"], {}),
    "retried-at-vvv": (cluster_read_retried, dict(cluster_id=STOPPED_CLUSTER_ID), 0, ["retries"], dict(verbosity=3)),
    "stop-failed": (stop_fails, dict(cluster_id=CLUSTER_ID), 1, ["job_ids", "cluster"], {}),
    "wait-timed-out": (slow_cluster, dict(cluster_id=CLUSTER_ID, wait_timeout=1), 1, ["job_ids", "cluster"], {}),
    "in-transition-no-wait": (cluster_in_transition, dict(cluster_id=CLUSTER_ID, wait=False), 1, ["cluster"], {}),
    "frozen": (frozen, dict(cluster_id=CLUSTER_ID), 1, ["cluster", "job_ids"], {}),
    "not-found": (None, dict(cluster_id="no-such-cluster"), 1, ["error"], {}),
    "no-such-name": (None, dict(cluster_name="no-such-name"), 1, ["cluster_name"], {}),
    "two-with-the-name": (twin_names, dict(cluster_name="twin"), 1, ["cluster_name", "cluster_ids"], {}),
    "invalid-option": (None, dict(cluster_id=CLUSTER_ID, delay_time=5), 1, ["invalid_option"], {}),
    "connection-refused": (None, dict(cluster_id=CLUSTER_ID, endpoint=REFUSING_ENDPOINT, max_retries=0), 1, [], {}),
}


def stack_fails(sim):
    sim.state.upsert_stack({"guid": STACK_ID, "fail_next": "element web timed out"})


def stack_fails_without_records(sim):
    sim.state.upsert_stack({"guid": STACK_ID, "fail_next": "element web timed out", "action_records": False})


def slow_stack(sim):
    sim.state.upsert_stack({"guid": STACK_ID, "transition_seconds": 60})


def busy_stack(sim):
    sim.state.upsert_stack({"guid": STACK_ID, "status": "Processing", "transition_seconds": 60})


def stack_read_retried(sim):
    add_fault(sim, method="GET", path=STACK_PATH, kind="status", status=503, retry_after="0")


UPGRADE = dict(stack_id=STACK_ID, lifecycle="upgrade", inputs={"param1": "value1"})
STACK_LIFECYCLE_OUTCOMES = {
    "upgraded-and-waited": (None, UPGRADE, 0, ["action_id", "last_action_id", "stack", "execution"], {}),
    "unchanged": (None, dict(UPGRADE, inputs={"param1": "value0"}, _ansible_diff=True), 0, ["stack"], {}),
    "check-mode": (None, dict(UPGRADE, _ansible_diff=True), 0, ["stack"], dict(check_mode=True)),
    "deleted-and-waited": (None, dict(stack_id=STACK_ID, lifecycle="delete"), 0, ["action_id", "execution"], {}),
    "delete-absent": (None, dict(stack_id="no-such-stack", lifecycle="delete"), 0, ["stack"], {}),
    "retry-no-wait": (None, dict(stack_id=ABNORMAL_STACK_ID, lifecycle="retry", wait=False), 0, ["action_id"], {}),
    "retried-at-vvv": (stack_read_retried, dict(UPGRADE, inputs={"param1": "value0"}), 0, ["retries"], dict(verbosity=3)),
    "execution-failed": (stack_fails, UPGRADE, 1, ["action_id", "execution", "execution_message"], {}),
    "failed-without-records": (stack_fails_without_records, UPGRADE, 1, ["action_id", "execution_message"], {}),
    "wait-timed-out": (slow_stack, dict(UPGRADE, wait_timeout=1), 1, ["action_id", "execution", "execution_message"], {}),
    "busy-no-wait": (busy_stack, dict(UPGRADE, wait=False), 1, ["stack", "action_id"], {}),
    "not-found": (None, dict(UPGRADE, stack_id="no-such-stack"), 1, ["error"], {}),
    "invalid-option": (None, dict(UPGRADE, timeout=2000), 1, ["invalid_option"], {}),
    "connection-refused": (None, dict(UPGRADE, endpoint=REFUSING_ENDPOINT, max_retries=0), 1, [], {}),
}

CASES = [(cluster_stop_main, name, outcome) for name, outcome in sorted(CLUSTER_STOP_OUTCOMES.items())] + \
        [(stack_lifecycle_main, name, outcome) for name, outcome in sorted(STACK_LIFECYCLE_OUTCOMES.items())]


@pytest.mark.parametrize("module_main,name,outcome", CASES,
                         ids=["%s-%s" % (main.__name__.replace("_main", ""), name) for main, name, _outcome in CASES])
def test_every_returned_key_is_documented(sim, module_main, name, outcome):
    set_up, args, want_rc, want_keys, options = outcome
    main = module_main()
    if set_up is not None:
        set_up(sim)
    rc, result = run(sim, main, args, **options)
    assert rc == want_rc, (name, result)
    for key in want_keys:
        assert key in result, "outcome %s should return %s: %s" % (name, key, result)
    found = problems(result, return_doc(main))
    assert found == [], "outcome %s: %s\n%s" % (name, found, result)


def test_an_undocumented_key_is_found():
    doc = {"cluster": {"type": "dict", "contains": {"id": {"type": "str"}}}, "job_ids": {"type": "list"}}
    assert problems({"changed": True, "job_ids": [], "cluster": {"id": "x", "task": {}}, "extra": 1}, doc) == [
        "cluster.task is returned but not documented", "extra is returned but not documented"]
    assert problems({"job_ids": "x"}, doc) == ["job_ids is str, documented as list"]
