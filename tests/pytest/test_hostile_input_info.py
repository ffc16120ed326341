"""Hostile input for hwcloud.cloud.cluster_info, with the property of test_hostile_input.py: whatever
the option values, the module fails cleanly before any HTTP call or answers, and it never sends
anything but GET (a read-only module has no body to send)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from faultkit import CLUSTER_ID, PROJECT_ID, STOPPED_CLUSTER_ID, assert_clean_failure, run_module
from test_hostile_input import (  # pylint: disable=unused-import
    CONNECTION_JUNK,
    CREDENTIALS,
    SETTINGS,
    check_outcome,
    fast_backoff_fixture,
    hostile_overrides,
    with_connection,
)


def cluster_info_main():
    from ansible_collections.hwcloud.cloud.plugins.modules import cluster_info  # pylint: disable=import-outside-toplevel
    return cluster_info.main


def nothing_is_sent(entry, _body):
    return "a read-only module sent %s %s" % (entry["method"], entry["path"])


@st.composite
def cluster_info_args(draw):
    args = {}
    which = draw(st.sampled_from(["id", "name", "neither"]))
    if which == "id":
        args["cluster_id"] = draw(st.sampled_from([CLUSTER_ID, STOPPED_CLUSTER_ID, "a" * 64, "é" * 64, "no-such-cluster"]))
    elif which == "name":
        args["cluster_name"] = draw(st.sampled_from(["cdm-demo", "cdm-stopped", "日本語", " cdm-demo", "a" * 64]))
    if draw(st.booleans()):
        args["jobs"] = draw(st.sampled_from([True, False, "yes", "no"]))
    args.update(draw(hostile_overrides(["cluster_id", "cluster_name", "jobs"])))
    return args


@SETTINGS
@given(module_args=cluster_info_args(), connection_junk=st.one_of(st.just({}), st.just({}), st.just({}), CONNECTION_JUNK),
       credentials=CREDENTIALS)
def test_cluster_info_hostile_input(sim, fast_backoff, module_args, connection_junk, credentials):  # pylint: disable=unused-argument
    sim.reset()
    rc, result = run_module(cluster_info_main(), with_connection(sim, module_args, connection_junk, credentials))
    check_outcome(sim, rc, result, nothing_is_sent)
    assert {entry["method"] for entry in sim.log.list()} <= {"GET"}
    # Every read is one the service takes as well-formed: paging and jobType are never refused.
    assert [entry for entry in sim.log.list() if entry["status"] == 400] == []
    if rc == 0:
        assert result["changed"] is False and isinstance(result["clusters"], list), result


@pytest.mark.parametrize("args, option", [
    ({"cluster_id": "a" * 65}, "cluster_id"),
    ({"cluster_id": ""}, "cluster_id"),
    ({"cluster_name": "n" * 65}, "cluster_name"),
    ({"cluster_id": CLUSTER_ID, "request_timeout": 10 ** 400}, "request_timeout"),
    ({"cluster_id": CLUSTER_ID, "auth_token": "line\nbreak"}, "auth_token"),
    ({"cluster_id": CLUSTER_ID, "cluster_name": "cdm-demo"}, "ansible:cluster_id"),
    ({"jobs": "sometimes"}, "ansible:jobs"),
    ({"jobs": [True]}, "ansible:jobs"),
])
def test_known_bad_values_fail_before_any_call(sim, args, option):
    args = dict(dict(endpoint=sim.url, project_id=PROJECT_ID, auth_token="sim-token"), **args)
    rc, result = run_module(cluster_info_main(), args)
    assert rc == 1
    assert_clean_failure(result)
    assert sim.log.list() == []
    if option.startswith("ansible:"):
        assert option.split(":", 1)[1] in result["msg"], result["msg"]
        return
    assert result.get("invalid_option") == option, result
