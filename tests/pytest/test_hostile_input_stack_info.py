"""Hostile input for stack_info, the property of test_hostile_input.py for a read-only module:
whatever the option values, the module either fails cleanly before any HTTP call, or sends only
GETs that the service takes as well-formed (a stack path, or the list with a non-empty
``project_id`` and at most a non-empty ``name``, never answered 400).
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from faultkit import ABNORMAL_STACK_ID, PROJECT_ID, STACK_ID, assert_clean_failure, run_module
# One definition of the strategies, the connection junk and the fast_backoff fixture (used by name, hence unused-import).
from test_hostile_input import (  # noqa: F401  pylint: disable=unused-import
    CONNECTION_JUNK,
    CREDENTIALS,
    SETTINGS,
    WEIRD_TEXT,
    check_outcome,
    fast_backoff_fixture,
    hostile_overrides,
    with_connection,
)

LIST_PATH = "/v2/stacks"


def stack_info_main():
    from ansible_collections.hwcloud.cloud.plugins.modules import stack_info  # pylint: disable=import-outside-toplevel
    return stack_info.main


def validate_read(entry):
    """What the service would refuse in a read stack_info sent, or ``None``."""
    if entry["method"] != "GET":
        return "stack_info sent %s %s" % (entry["method"], entry["path"])
    if entry["status"] == 400:
        return "the service refused the read as malformed"
    if entry["path"] != LIST_PATH:
        return None if entry["path"].startswith(LIST_PATH + "/") and "/actions" not in entry["path"] else "unexpected path"
    query = entry["query"]
    if set(query) - {"project_id", "name"} or not isinstance(query.get("project_id"), str) or not query["project_id"]:
        return "the list needs exactly one non-empty project_id and nothing but name besides"
    if "name" in query and (not isinstance(query["name"], str) or not query["name"]):
        return "name, when sent, is one non-empty value"
    return None


def check_reads(sim, rc, result):
    # A read-only module: check_outcome's body checks never fire, so each GET is checked here.
    check_outcome(sim, rc, result, lambda entry, body: "stack_info sent a body")
    for entry in sim.log.list():
        problem = validate_read(entry)
        assert problem is None, (problem, entry["method"], entry["path"], entry["query"], result.get("msg"))


@st.composite
def stack_info_args(draw):
    choice = draw(st.sampled_from(["id", "name", "all"]))
    args = {}
    if choice == "id":
        args["stack_id"] = draw(st.sampled_from([STACK_ID, ABNORMAL_STACK_ID, "stack-nowhere", "a" * 64, "é" * 64]))
    elif choice == "name":
        args["stack_name"] = draw(st.one_of(st.sampled_from(["web", "broken", "nowhere", " web", "日本語"]), WEIRD_TEXT))
    args.update(draw(hostile_overrides(["stack_id", "stack_name"])))
    return args


@SETTINGS
@given(module_args=stack_info_args(), connection_junk=st.one_of(st.just({}), st.just({}), st.just({}), CONNECTION_JUNK),
       credentials=CREDENTIALS)
def test_stack_info_hostile_input(sim, fast_backoff, module_args, connection_junk, credentials):  # pylint: disable=unused-argument
    sim.reset()
    rc, result = run_module(stack_info_main(), with_connection(sim, module_args, connection_junk, credentials))
    check_reads(sim, rc, result)
    if rc == 0:
        assert result["changed"] is False and isinstance(result["stacks"], list), result


@pytest.mark.parametrize("args,option", [
    ({"stack_id": "s" * 65}, "stack_id"),
    ({"stack_id": ""}, "stack_id"),
    ({"stack_name": ""}, "stack_name"),
    ({"stack_name": "\t"}, "stack_name"),
    ({"stack_name": "web\x00"}, "stack_name"),
    ({"stack_name": "line\nbreak"}, "stack_name"),
    ({"stack_id": STACK_ID, "stack_name": "web"}, "ansible:mutually exclusive"),
    ({"stack_name": "web", "project_id": None}, "project_id"),
])
def test_known_bad_values_fail_before_any_call(sim, args, option):
    args = dict(dict(endpoint=sim.url, project_id=PROJECT_ID, auth_token="sim-token"), **args)
    rc, result = run_module(stack_info_main(), args)
    assert rc == 1
    assert_clean_failure(result)
    assert sim.log.list() == []
    if option.startswith("ansible:"):
        assert option.split(":", 1)[1] in result["msg"], result["msg"]
    elif option == "project_id":  # not a bad value but a missing one: named, with what needs it
        assert "project_id" in result["msg"] and "to list AOS stacks" in result["msg"], result["msg"]
    else:
        assert result.get("invalid_option") == option, result


def test_the_read_check_has_teeth():
    """validate_read refuses what the property guards against (so the property can fail)."""
    def entry(method="GET", path=LIST_PATH, query=None, status=200):
        return {"method": method, "path": path, "query": query if query is not None else {"project_id": PROJECT_ID}, "status": status}

    assert validate_read(entry()) is None
    assert validate_read(entry(path="/v2/stacks/%s" % STACK_ID, query={})) is None
    assert validate_read(entry(method="PUT", path="/v2/stacks/x/actions")) is not None
    assert validate_read(entry(query={})) is not None
    assert validate_read(entry(query={"project_id": ""})) is not None
    assert validate_read(entry(query={"project_id": PROJECT_ID, "name": ["a", "b"]})) is not None
    assert validate_read(entry(query={"project_id": PROJECT_ID, "limit": "1"})) is not None
    assert validate_read(entry(status=400)) is not None
