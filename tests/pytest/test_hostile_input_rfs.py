"""Hostile input for rfs_stack and rfs_stack_info, the property of test_hostile_input.py:
whatever the option values, the module fails cleanly before any HTTP call, or sends only
requests that RFS accepts as well-formed (no 400 from the simulator, bodies that pass its own
checks, vars that its .tfvars parser reads back as the values given)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hwcloud_sim import hcl as sim_hcl
from hwcloud_sim import rfs as sim_rfs
from hwcloud_sim.rfs_state import RfsError

import test_hostile_input
from faultkit import PROJECT_ID, assert_clean_failure, run_module
from test_hostile_input import (
    CONNECTION_JUNK,
    CREDENTIALS,
    HOSTILE,
    NUMBERS,
    SETTINGS,
    TEXT,
    WEIRD_TEXT,
    check_outcome,
    hostile_overrides,
    with_connection,
)

# The shared fixture that takes the real backoff sleeps out of the hundreds of examples.
fast_backoff_fixture = test_hostile_input.fast_backoff_fixture

TEMPLATE = 'variable "name" { default = "x" }\nresource "huaweicloud_vpc" "vpc" { name = var.name }\n'
PLAN_BODY_KEYS = ("execution_plan_name", "stack_id", "description") + sim_rfs.TEMPLATE_KEYS + sim_rfs.VARS_KEYS
STACK_BODY_KEYS = ("stack_name", "description", "agencies", "enable_deletion_protection", "enable_auto_rollback") \
    + sim_rfs.TEMPLATE_KEYS + sim_rfs.VARS_KEYS


def rfs_stack_main():
    from ansible_collections.hwcloud.cloud.plugins.modules import rfs_stack  # pylint: disable=import-outside-toplevel
    return rfs_stack.main


def rfs_stack_info_main():
    from ansible_collections.hwcloud.cloud.plugins.modules import rfs_stack_info  # pylint: disable=import-outside-toplevel
    return rfs_stack_info.main


def sim_reads_back(value):
    """What the simulator's .tfvars parser gives for a value this collection rendered (lists and maps stay text)."""
    if isinstance(value, (list, dict)):
        return str
    return value


def validate_rfs_body(entry, body, module_args):
    """The simulator's own checks of a create or plan body; None when the body is well-formed."""
    path = entry["path"]
    try:
        if path.endswith("/stacks"):
            known = STACK_BODY_KEYS
            if not sim_rfs._is_name(body.get("stack_name")):  # pylint: disable=protected-access
                return "stack_name %r is not a name RFS takes" % body.get("stack_name")
        elif path.endswith("/execution-plans"):
            known = PLAN_BODY_KEYS
            if not sim_rfs._is_name(body.get("execution_plan_name")):  # pylint: disable=protected-access
                return "execution_plan_name %r is not a name RFS takes" % body.get("execution_plan_name")
        elif "/execution-plans/" in path:
            return None if set(body) <= {"stack_id", "execution_plan_id"} else "apply body %r" % body
        elif path.endswith("/deletion"):
            return None if set(body) == {"stack_id", "retain_all_resources"} else "deletion body %r" % body
        elif path.endswith("/template-analyses/variables"):
            return None if len(body) == 1 and set(body) <= {"template_body", "template_uri"} else "analysis body %r" % body
        elif path.endswith(("/continuations", "/rollbacks")):
            return None if set(body) == {"stack_id"} else "recovery body %r" % body
        else:
            return "unexpected POST %s" % path
        unknown = set(body) - set(known)
        if unknown:
            return "unknown keys %s" % sorted(unknown)
        sim_rfs._check_stack_fields(body)  # pylint: disable=protected-access
        if "vars_structure" in body:
            sim_rfs._check_vars_structure(body["vars_structure"])  # pylint: disable=protected-access
        typed = sim_hcl.parse_tfvars(body.get("vars_body")) if "vars" in module_args else {}
    except (RfsError, sim_hcl.TemplateError) as problem:
        return str(problem)
    for key, value in (module_args.get("vars") or {}).items():
        if key in typed:
            wanted = sim_reads_back(value)
            if not (isinstance(typed[key], str) if wanted is str else typed[key] == wanted):
                return "vars_body gives %s = %r, not %r" % (key, typed[key], value)
    return None


def check_rfs_outcome(sim, rc, result, module_args):
    """test_hostile_input's property, with RFS's body checks, and no call answered 400."""
    check_outcome(sim, rc, result, lambda entry, body: validate_rfs_body(entry, body, module_args))
    for entry in sim.log.list():
        assert entry["status"] != 400, (entry["method"], entry["path"], entry["body"], result.get("msg"))


VAR_VALUES = st.recursive(
    st.one_of(st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), TEXT, WEIRD_TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(TEXT, inner, max_size=3)), max_leaves=8)
VAR_NAMES = st.one_of(st.sampled_from(["name", "size", "tags", "on"]), st.from_regex(r"\A[a-z_][a-z0-9_-]{0,12}\Z"), TEXT)


@st.composite
def rfs_stack_args(draw):
    args = {"stack_name": draw(st.sampled_from(["demo-rfs", "broken-rfs", "new-stack", "стек", "a" * 128]))}
    if draw(st.integers(0, 4)):
        args["template_body"] = TEMPLATE
        if draw(st.booleans()):
            args["vars"] = draw(st.dictionaries(VAR_NAMES, VAR_VALUES, max_size=4))
        elif draw(st.booleans()):
            args["vars_body"] = 'name = "y"\n'
    if draw(st.booleans()):
        args["state"] = draw(st.sampled_from(["present", "absent", "planned"]))
        if args["state"] == "absent":
            for option in ("template_body", "vars", "vars_body"):
                args.pop(option, None)
            args["retain_all_resources"] = draw(st.booleans())
    if draw(st.booleans()):
        args["description"] = draw(st.one_of(TEXT, WEIRD_TEXT))
    if draw(st.booleans()):
        args["agencies"] = draw(st.lists(st.fixed_dictionaries({"provider_name": st.one_of(st.just("huaweicloud"), WEIRD_TEXT),
                                                                "agency_name": st.one_of(st.just("rfs_admin"), TEXT)}), max_size=2))
    if draw(st.integers(0, 3)) == 0:
        args["execution_plan_name"] = draw(st.one_of(st.just("review-1"), TEXT))
    if draw(st.integers(0, 3)) == 0:
        args["encrypted_vars"] = {"name": {"value": draw(TEXT), "kms_key_id": "kms-1", "cipher_text": draw(TEXT)}}
    for flag in ("enable_auto_rollback", "enable_deletion_protection", "estimate_price", "continue_failed"):
        if draw(st.booleans()):
            args[flag] = draw(st.booleans())
    args.update(draw(hostile_overrides(["stack_name", "stack_id", "state", "template_body", "template_uri", "vars", "vars_body",
                                        "vars_uri", "description", "agencies", "retain_all_resources", "estimate_price",
                                        "execution_plan_name", "continue_failed", "encrypted_vars"])))
    return args


@SETTINGS
@given(module_args=rfs_stack_args(), connection_junk=st.one_of(st.just({}), st.just({}), st.just({}), CONNECTION_JUNK),
       credentials=CREDENTIALS, check_mode=st.booleans())
def test_rfs_stack_hostile_input(sim, fast_backoff, module_args, connection_junk, credentials, check_mode):  # pylint: disable=unused-argument
    sim.reset()
    args = with_connection(sim, module_args, connection_junk, credentials)
    args["wait"] = True  # a plan is waited for even without wait; the deployment wait is bounded by wait_timeout 5
    rc, result = run_module(rfs_stack_main(), args, check_mode=check_mode)
    check_rfs_outcome(sim, rc, result, module_args)


@SETTINGS
@given(module_args=st.fixed_dictionaries({}, optional={
    "stack_name": st.one_of(st.sampled_from(["demo-rfs", "nowhere", "стек"]), WEIRD_TEXT, HOSTILE),
    "outputs": st.one_of(st.booleans(), HOSTILE), "resources": st.one_of(st.booleans(), HOSTILE),
    "events": st.one_of(st.booleans(), NUMBERS)}), credentials=CREDENTIALS)
def test_rfs_stack_info_hostile_input(sim, fast_backoff, module_args, credentials):  # pylint: disable=unused-argument
    sim.reset()
    rc, result = run_module(rfs_stack_info_main(), with_connection(sim, module_args, {}, credentials))
    check_rfs_outcome(sim, rc, result, module_args)
    assert all(entry["method"] == "GET" for entry in sim.log.list())


@pytest.mark.parametrize("args, option", [
    ({"stack_name": "1abc"}, "stack_name"),
    ({"stack_name": "web", "vars": {"a": "b"}}, "vars"),
    ({"stack_name": "web", "template_body": TEMPLATE, "vars": {"a": float("nan")}}, "vars"),
    ({"stack_name": "web", "template_body": TEMPLATE, "vars": {"a b": 1}}, "vars.a b"),
    ({"stack_name": "web", "template_body": TEMPLATE, "vars": {"a": [None]}}, "vars.a"),
    ({"stack_name": "web", "state": "absent", "vars_uri": "https://b/v.tfvars"}, "vars_uri"),
    ({"stack_name": "web", "retain_all_resources": True}, "retain_all_resources"),
])
def test_known_bad_rfs_values_fail_before_any_call(sim, args, option):
    rc, result = run_module(rfs_stack_main(), dict(endpoint=sim.url, project_id=PROJECT_ID, auth_token="sim-token", **args))
    assert rc == 1
    assert_clean_failure(result)
    assert sim.log.list() == []
    assert result.get("invalid_option") == option, result


def test_the_rfs_validators_reject_what_the_property_guards_against():
    entry = {"path": "/v1/p/stacks"}
    assert validate_rfs_body(entry, {"stack_name": "1x"}, {}) is not None
    assert validate_rfs_body(entry, {"stack_name": "x", "vars_structure": [{"var_key": "n", "var_value": 1}]}, {}) is not None
    assert validate_rfs_body(entry, {"stack_name": "x", "vars_body": "on = yes please"}, {"vars": {"on": True}}) is not None
    assert validate_rfs_body(entry, {"stack_name": "x", "vars_body": "on = false\n"}, {"vars": {"on": True}}) is not None
    assert validate_rfs_body(entry, {"stack_name": "x", "vars_body": "on = true\n"}, {"vars": {"on": True}}) is None
