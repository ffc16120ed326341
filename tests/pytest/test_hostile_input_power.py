"""Hostile input for cluster_start and cluster_restart, the property of test_hostile_input.py:
whatever the option values, the module either fails cleanly before any HTTP call, or sends only
action bodies that the simulator's own validation accepts (``{"start": {}}``, or a restart body
with all six fields), and never more than one of them.
"""

from hypothesis import given
from hypothesis import strategies as st

from hwcloud_sim import cdm as sim_cdm

from faultkit import CLUSTER_ID, STOPPED_CLUSTER_ID, run_module
# One definition of the strategies, the connection junk and the fast_backoff fixture (used by name, hence unused-import).
from test_hostile_input import (  # noqa: F401  pylint: disable=unused-import
    CONNECTION_JUNK,
    CREDENTIALS,
    SETTINGS,
    check_outcome,
    fast_backoff_fixture,
    hostile_overrides,
    with_connection,
)


def cluster_start_main():
    from ansible_collections.hwcloud.cloud.plugins.modules import cluster_start  # pylint: disable=import-outside-toplevel
    return cluster_start.main


def cluster_restart_main():
    from ansible_collections.hwcloud.cloud.plugins.modules import cluster_restart  # pylint: disable=import-outside-toplevel
    return cluster_restart.main


def validate_power_body(action):
    def validate(entry, body):
        if not entry["path"].endswith("/action"):
            return "unexpected POST %s" % entry["path"]
        if list(body) != [action] or not isinstance(body[action], dict):
            return "the body must be {%r: {...}}" % action
        if action == "start":
            return None if body["start"] == {} else "start takes no parameters"
        return sim_cdm._validate_restart(body["restart"])  # pylint: disable=protected-access
    return validate


def check_power_outcome(sim, rc, result, action):
    check_outcome(sim, rc, result, validate_power_body(action))
    assert len([entry for entry in sim.log.list() if entry["method"] == "POST"]) <= 1


def cluster_choice(draw, names):
    if draw(st.booleans()):
        return {"cluster_id": draw(st.sampled_from([CLUSTER_ID, STOPPED_CLUSTER_ID, "a" * 64, "é" * 64]))}
    return {"cluster_name": draw(st.sampled_from(names))}


@st.composite
def cluster_start_args(draw):
    args = cluster_choice(draw, ["cdm-demo", "cdm-stopped", "日本語", " cdm-stopped"])
    args.update(draw(hostile_overrides(["cluster_id", "cluster_name"])))
    return args


@st.composite
def cluster_restart_args(draw):
    args = cluster_choice(draw, ["cdm-demo", "cdm-stopped", "日本語"])
    for option, values in (("restart_mode", ["IMMEDIATELY", "FORCELY", "SOFTLY"]), ("restart_level", ["SERVICE", "VM"])):
        if draw(st.booleans()):
            args[option] = draw(st.sampled_from(values))
    if draw(st.booleans()):
        args["restart_delay_time"] = draw(st.one_of(st.just(0), st.integers(0, 2 ** 31 - 1), st.just(2 ** 31 - 1)))
    args.update(draw(hostile_overrides(["cluster_id", "cluster_name", "restart_mode", "restart_level", "restart_delay_time"])))
    return args


@SETTINGS
@given(module_args=cluster_start_args(), connection_junk=st.one_of(st.just({}), st.just({}), CONNECTION_JUNK), credentials=CREDENTIALS)
def test_cluster_start_hostile_input(sim, fast_backoff, module_args, connection_junk, credentials):  # pylint: disable=unused-argument
    sim.reset()
    rc, result = run_module(cluster_start_main(), with_connection(sim, module_args, connection_junk, credentials))
    check_power_outcome(sim, rc, result, "start")


@SETTINGS
@given(module_args=cluster_restart_args(), connection_junk=st.one_of(st.just({}), st.just({}), CONNECTION_JUNK), credentials=CREDENTIALS)
def test_cluster_restart_hostile_input(sim, fast_backoff, module_args, connection_junk, credentials):  # pylint: disable=unused-argument
    sim.reset()
    rc, result = run_module(cluster_restart_main(), with_connection(sim, module_args, connection_junk, credentials))
    check_power_outcome(sim, rc, result, "restart")
