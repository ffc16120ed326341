"""Hostile input for cdm_link, cdm_job and cdm_job_run, with the property of test_hostile_input.py: whatever
the option values, the module fails cleanly (a failure on an option before any HTTP call) or sends only
bodies of the documented shape, every config value a string, and never a secret anywhere but the wire."""

import json

from hypothesis import given
from hypothesis import strategies as st

from faultkit import CLUSTER_ID, STOPPED_CLUSTER_ID, run_module
from test_hostile_input import (  # pylint: disable=unused-import
    CREDENTIALS,
    SETTINGS,
    check_outcome,
    fast_backoff_fixture,
    hostile_overrides,
    with_connection,
)

SECRET = "hostile-SECRET-9f8e7d"
SCALARS = st.one_of(st.text(max_size=20), st.integers(-10 ** 20, 10 ** 20), st.booleans(), st.floats(allow_nan=False, allow_infinity=False))
VALUES = st.one_of(SCALARS, st.none(), st.lists(SCALARS, max_size=2), st.dictionaries(st.text(max_size=5), SCALARS, max_size=2))
# Mostly well-formed values, so that bodies are sent and checked; sometimes values no input can take.
CONFIGS = st.dictionaries(st.text(min_size=1, max_size=12), st.one_of(SCALARS, SCALARS, SCALARS, VALUES), max_size=3)
PLAIN_NAMES = st.sampled_from(["mysql-link", "hive-link", "obs2dws", "nightly-batch", "mysql2hive", "new-one"])
NAMES = st.one_of(PLAIN_NAMES, PLAIN_NAMES, PLAIN_NAMES, st.text(max_size=30), st.just("n" * 240), st.just("n" * 241))
CLUSTERS = st.sampled_from([CLUSTER_ID, CLUSTER_ID, CLUSTER_ID, STOPPED_CLUSTER_ID])


def main_of(name):
    module = __import__("ansible_collections.hwcloud.cloud.plugins.modules." + name, fromlist=["main"])
    return module.main


def configs_are_strings(config_values):
    for config in config_values.get("configs", []):
        for item in config["inputs"]:
            if not isinstance(item["value"], str) or not item["name"].startswith(config["name"] + "."):
                return "input %r is not a string value under its group" % (item,)
    return None


def validate_body(entry, body):
    if "links" in body:
        (link,) = body["links"]
        return configs_are_strings(link["link-config-values"])
    if "jobs" in body:
        (job,) = body["jobs"]
        for key in ("from-config-values", "to-config-values", "driver-config-values"):
            problem = configs_are_strings(job.get(key) or {})
            if problem:
                return problem
        return None
    if entry["path"].endswith("/start"):
        return None if list(body) == ["variables"] and isinstance(body["variables"], dict) else "bad start body"
    if entry["path"].endswith("/stop"):
        return None
    return "unexpected %s %s" % (entry["method"], entry["path"])


@st.composite
def link_args(draw):
    args = {"cluster_id": draw(CLUSTERS), "name": draw(NAMES)}
    for option, strategy in (("connector", st.sampled_from(["generic-jdbc-connector", "obs-connector", "no-such"])),
                             ("config", CONFIGS), ("state", st.sampled_from(["present", "absent", "gone"])),
                             ("update_secrets", st.sampled_from(["on_create", "always", "never"])),
                             ("validate", st.booleans())):
        if draw(st.booleans()):
            args[option] = draw(strategy)
    if draw(st.booleans()):
        args["secrets"] = {"password": SECRET}
    args.update(draw(hostile_overrides(["name", "config", "secrets", "connector", "state"])))
    return args


@st.composite
def job_args(draw):
    args = {"cluster_id": draw(CLUSTERS), "name": draw(NAMES)}
    if draw(st.integers(0, 3)):
        args.update(from_link=draw(st.sampled_from(["mysql-link", "mysql-link", "nope"])), to_link="hive-link",
                    from_connector="generic-jdbc-connector", to_connector="hive-connector")
    for option, strategy in (("from_config", CONFIGS), ("to_config", CONFIGS),
                             ("driver_config", st.dictionaries(st.text(max_size=12), st.one_of(CONFIGS, VALUES), max_size=2)),
                             ("job_type", st.sampled_from(["NORMAL_JOB", "BATCH_JOB", "FAST_JOB"])),
                             ("state", st.sampled_from(["present", "absent"])), ("wait", st.booleans())):
        if draw(st.booleans()):
            args[option] = draw(strategy)
    args.update(draw(hostile_overrides(["name", "from_config", "driver_config", "job_type"])))
    return args


@st.composite
def run_args(draw):
    args = {"cluster_id": draw(CLUSTERS), "name": draw(NAMES), "wait": draw(st.booleans())}
    if draw(st.booleans()):
        args["variables"] = draw(st.dictionaries(st.text(max_size=8), VALUES, max_size=3))
    if draw(st.booleans()):
        args["state"] = draw(st.sampled_from(["started", "stopped", "paused"]))
    args.update(draw(hostile_overrides(["name", "variables", "state"])))
    return args


def check(sim, module, args, credentials):
    sim.reset()
    rc, result = run_module(main_of(module), with_connection(sim, args, {}, credentials))
    check_outcome(sim, rc, result, validate_body)
    assert SECRET not in json.dumps(result), result


@SETTINGS
@given(module_args=link_args(), credentials=CREDENTIALS)
def test_cdm_link_hostile_input(sim, fast_backoff, module_args, credentials):  # pylint: disable=unused-argument
    check(sim, "cdm_link", module_args, credentials)


@SETTINGS
@given(module_args=job_args(), credentials=CREDENTIALS)
def test_cdm_job_hostile_input(sim, fast_backoff, module_args, credentials):  # pylint: disable=unused-argument
    check(sim, "cdm_job", module_args, credentials)


@SETTINGS
@given(module_args=run_args(), credentials=CREDENTIALS)
def test_cdm_job_run_hostile_input(sim, fast_backoff, module_args, credentials):  # pylint: disable=unused-argument
    check(sim, "cdm_job_run", module_args, credentials)
