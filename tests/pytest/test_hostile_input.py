"""Hostile input, property-based: whatever the option values, a module either fails cleanly before
any HTTP call, or only sends requests that the service would accept as well-formed.

Both modules run in-process (``main()`` with patched module args) against one simulator that is
reset before each example. For every example:

- the module answers with one JSON document (no traceback, no ``exception`` key, no bug message);
- a failure has ``failed: true`` and a non-empty ``msg``;
- a failure on an option (``invalid_option``, or Ansible's own argument checks) sent nothing;
- every request that was sent has a body that is strict JSON (no NaN) and passes the simulator's
  own server-side validation of that call (the same functions that answer 400 to a bad body).

Deterministic (``derandomize=True``, no example database) and bounded (100 examples per module;
``HOSTILE_EXAMPLES=1000`` for a deeper run).
"""

import json
import math
import os

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from hwcloud_sim import aos as sim_aos
from hwcloud_sim import cdm as sim_cdm

from faultkit import (
    ABNORMAL_STACK_ID,
    CLUSTER_ID,
    PROJECT_ID,
    STACK_ID,
    STOPPED_CLUSTER_ID,
    assert_clean_failure,
    cluster_stop_main,
    run_module,
    stack_lifecycle_main,
)

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "100"))
SETTINGS = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None, print_blob=False,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large])

# ------------------------------------------------------------------ value strategies

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80)  # YAML cannot carry lone surrogates
WEIRD_TEXT = st.sampled_from(["", " ", "\t\n", "a" * 65, "a" * 64, "é" * 64, "é" * 65, "../..", "%2F", "a/b", "a?b#c",
                              "null", "None", "true", "0", "-1", "1e400", "NaN", "\x00", "line\nbreak", "\u202e",
                              "日本語", "😀" * 10, "{{ lookup('env', 'HOME') }}", "' OR 1=1 --", "<script>"])
HUGE_INT = st.sampled_from([2 ** 31, 2 ** 63, 10 ** 30, -(2 ** 63), 10 ** 400, -1, 0])
NUMBERS = st.one_of(st.integers(), HUGE_INT, st.floats(allow_nan=True, allow_infinity=True))
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, TEXT, WEIRD_TEXT)
JUNK = st.recursive(SCALARS,
                    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)),
                    max_leaves=12)


def maybe(valid, junk_share=JUNK):
    """A plausible value most of the time, junk otherwise; absent (None is dropped) sometimes."""
    return st.one_of(valid, valid, junk_share)


def node():
    good = st.fixed_dictionaries({"name": st.one_of(TEXT, WEIRD_TEXT)},
                                 optional={"parameters": st.one_of(
                                     st.none(),
                                     st.fixed_dictionaries({"instances": maybe(st.integers(-5, 110))}),
                                     JUNK)})
    return st.one_of(good, good, JUNK)


CONNECTION_JUNK = st.fixed_dictionaries({}, optional={
    "request_timeout": st.one_of(st.floats(0.2, 5), NUMBERS, TEXT),
    "max_retries": st.one_of(st.integers(0, 3), NUMBERS, TEXT, st.booleans()),
    "wait_timeout": st.one_of(st.integers(0, 5), NUMBERS, TEXT),
    "poll_interval": st.one_of(st.floats(0.01, 1), NUMBERS, TEXT),
    "region": st.one_of(TEXT, WEIRD_TEXT, JUNK),
    "project_id": st.one_of(st.just(PROJECT_ID), WEIRD_TEXT, JUNK),
    "auth_token": st.one_of(WEIRD_TEXT, JUNK),
    "validate_certs": JUNK,
})


def with_connection(sim, module_args, connection_junk, credentials):
    args = dict(endpoint=sim.url, project_id=PROJECT_ID, poll_interval=0.02, wait_timeout=5, request_timeout=5,
                max_retries=1)
    args.update(credentials)
    args.update(connection_junk)
    args.update(module_args)
    # Waiting is covered elsewhere; here a valid but long timer must not turn one example into minutes.
    args["wait"] = False
    return dict((key, value) for key, value in args.items() if value is not None or key in module_args)


CREDENTIALS = st.one_of(
    st.just({"auth_token": "sim-token"}),
    st.just({"auth_token": "sim-token"}),
    st.fixed_dictionaries({"access_key": st.one_of(st.just("SIMACCESSKEY0000"), WEIRD_TEXT, JUNK),
                           "secret_key": st.one_of(st.just("sim-secret-key"), WEIRD_TEXT, JUNK)}),
)


# ------------------------------------------------------------------ the property


@pytest.fixture(name="fast_backoff")
def fast_backoff_fixture(monkeypatch):
    """Retries keep their count and order, without the real backoff sleeps (hundreds of examples)."""
    from ansible_collections.hwcloud.cloud.plugins.module_utils import client  # pylint: disable=import-outside-toplevel
    monkeypatch.setattr(client, "BACKOFF_BASE", 0.001)
    monkeypatch.setattr(client, "BACKOFF_CAP", 0.002)


def strict_json(value):
    """The body the module sent, re-encoded strictly: NaN/Infinity have no JSON form."""
    json.dumps(value, allow_nan=False)
    return value


def has_non_finite(value):
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(has_non_finite(v) for v in value.values())
    if isinstance(value, list):
        return any(has_non_finite(v) for v in value)
    return False


def check_outcome(sim, rc, result, validate_body):
    log = sim.log.list()
    sent = [entry["method"] for entry in log if entry["method"] in ("POST", "PUT")]
    event("outcome: %s, %s" % ("failed" if rc else "ok", "body sent" if sent else ("read only" if log else "nothing sent")))
    if rc == 1:
        assert_clean_failure(result)
    else:
        assert rc == 0 and "exception" not in result, result
    if rc == 1 and "invalid_option" in result:
        assert log == [], (result["msg"], [(e["method"], e["path"]) for e in log])
    if rc == 1 and "error" not in result and not log:
        pass  # a clean failure before any call: Ansible's argument checks or the module's own rules
    for entry in log:
        body = entry["body"]
        if entry["method"] in ("POST", "PUT"):
            assert isinstance(body, dict), entry
            assert not has_non_finite(body), entry
            strict_json(body)
            problem = validate_body(entry, body)
            assert problem is None, (problem, entry["path"], body, result.get("msg"))
        else:
            assert body is None, entry


def validate_stop_body(entry, body):
    if not entry["path"].endswith("/action"):
        return "unexpected POST %s" % entry["path"]
    if list(body) != ["stop"] or not isinstance(body["stop"], dict):
        return "the body must be {'stop': {...}}"
    return sim_cdm._validate_stop(body["stop"])  # pylint: disable=protected-access


def validate_lifecycle_body(entry, body):
    if entry["method"] != "PUT" or not entry["path"].endswith("/actions"):
        return "unexpected %s %s" % (entry["method"], entry["path"])
    stack_id = entry["path"].split("/")[-2]
    return sim_aos.validate_action(stack_id, body)


# Each example: a plausible set of options (valid, or at the edge of valid), then 0 to 3 of its
# options replaced by hostile values. Plausible-only examples make sure bodies are sent and checked;
# replaced ones probe each rule on its own and in combination.

HOSTILE = st.one_of(JUNK, WEIRD_TEXT, NUMBERS, st.booleans(), st.none())


def hostile_overrides(names):
    keys = st.sampled_from(names)
    return st.one_of(st.just({}), st.dictionaries(keys, HOSTILE, min_size=1, max_size=1),
                     st.dictionaries(keys, HOSTILE, min_size=1, max_size=3))


@st.composite
def cluster_stop_args(draw):
    args = {}
    if draw(st.booleans()):
        args["cluster_id"] = draw(st.sampled_from([CLUSTER_ID, CLUSTER_ID, STOPPED_CLUSTER_ID, "a" * 64, "é" * 64]))
    else:
        args["cluster_name"] = draw(st.sampled_from(["cdm-demo", "cdm-stopped", "日本語", " cdm-demo"]))
    mode = draw(st.sampled_from([None, "IMMEDIATELY", "GRACEFULLY"]))
    if mode:
        args["stop_mode"] = mode
    if mode == "GRACEFULLY" and draw(st.booleans()):
        args["delay_time"] = draw(st.one_of(st.just(-1), st.integers(1, 2 ** 31 - 1)))
    args.update(draw(hostile_overrides(["cluster_id", "cluster_name", "stop_mode", "delay_time"])))
    return args


@SETTINGS
@given(module_args=cluster_stop_args(), connection_junk=st.one_of(st.just({}), st.just({}), st.just({}), CONNECTION_JUNK),
       credentials=CREDENTIALS)
def test_cluster_stop_hostile_input(sim, fast_backoff, module_args, connection_junk, credentials):  # pylint: disable=unused-argument
    sim.reset()
    rc, result = run_module(cluster_stop_main(), with_connection(sim, module_args, connection_junk, credentials))
    check_outcome(sim, rc, result, validate_stop_body)


@st.composite
def stack_lifecycle_args(draw):
    lifecycle = draw(st.sampled_from(["create", "delete", "upgrade", "upgrade", "upgrade", "rollback", "retry"]))
    stack_id = draw(st.sampled_from([STACK_ID, ABNORMAL_STACK_ID]))
    if lifecycle in ("rollback", "retry"):
        stack_id = ABNORMAL_STACK_ID
    args = {"stack_id": stack_id, "lifecycle": lifecycle}
    if draw(st.booleans()):
        args["failure_strategy"] = "Rollback" if lifecycle == "create" and draw(st.booleans()) else "DoNothing"
    if draw(st.booleans()):
        args["timeout"] = draw(st.sampled_from([0, 1, 20, 60, 1440]))
    if lifecycle == "upgrade" or draw(st.booleans()):
        # Unicode keys and values, nested structures and big numbers are all legitimate template inputs.
        args["inputs"] = draw(st.dictionaries(TEXT, st.recursive(
            st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), TEXT),
            lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(TEXT, inner, max_size=3)),
            max_leaves=8), min_size=1, max_size=4))
    if draw(st.booleans()):
        args["nodes"] = draw(st.lists(st.fixed_dictionaries(
            {"name": st.text(alphabet=st.characters(blacklist_categories=("Cs", "Z", "Cc")), min_size=1, max_size=20)},
            optional={"parameters": st.fixed_dictionaries({"instances": st.integers(0, 100)})}), max_size=3))
    if draw(st.booleans()):
        args["template_id"] = draw(st.one_of(st.just("tmpl-1"), st.just("tmpl-2"), TEXT.filter(str.strip)))
    args.update(draw(hostile_overrides(["stack_id", "lifecycle", "failure_strategy", "nodes", "timeout", "inputs",
                                        "template_id"])))
    if draw(st.integers(0, 5)) == 0:
        # Junk inside an otherwise valid node list: the nested options are checked too.
        args["nodes"] = [{"name": "web", "parameters": {"instances": draw(HOSTILE)}}, draw(node())]
    return args


@SETTINGS
@given(module_args=stack_lifecycle_args(), connection_junk=st.one_of(st.just({}), st.just({}), st.just({}), CONNECTION_JUNK),
       credentials=CREDENTIALS)
def test_stack_lifecycle_hostile_input(sim, fast_backoff, module_args, connection_junk, credentials):  # pylint: disable=unused-argument
    sim.reset()
    rc, result = run_module(stack_lifecycle_main(), with_connection(sim, module_args, connection_junk, credentials))
    check_outcome(sim, rc, result, validate_lifecycle_body)


# ------------------------------------------------------------------ the property has teeth

@pytest.mark.parametrize("module,args,option", [
    (cluster_stop_main, {"cluster_id": "a" * 65}, "cluster_id"),
    (cluster_stop_main, {"cluster_id": CLUSTER_ID, "delay_time": 30}, "delay_time"),
    (cluster_stop_main, {"cluster_id": CLUSTER_ID, "stop_mode": "GRACEFULLY", "delay_time": 0}, "delay_time"),
    (cluster_stop_main, {"cluster_id": CLUSTER_ID, "stop_mode": "GRACEFULLY", "delay_time": True}, "delay_time"),
    (cluster_stop_main, {"cluster_id": CLUSTER_ID, "request_timeout": 10 ** 400}, "request_timeout"),
    (cluster_stop_main, {"cluster_id": CLUSTER_ID, "max_retries": 10 ** 9}, "max_retries"),
    (cluster_stop_main, {"cluster_id": CLUSTER_ID, "auth_token": "line\nbreak"}, "auth_token"),
    (cluster_stop_main, {"cluster_id": CLUSTER_ID, "auth_token": "nul\x00byte"}, "auth_token"),
    (cluster_stop_main, {"cluster_id": CLUSTER_ID, "auth_token": "€uro"}, "auth_token"),
    (cluster_stop_main, {"cluster_id": CLUSTER_ID, "project_id": "tab\tbed"}, "project_id"),
    (cluster_stop_main, {"cluster_id": CLUSTER_ID, "auth_token": None, "access_key": "SIMACCESSKEY0000",
                         "secret_key": "sim-secret-key", "project_id": "€" + PROJECT_ID}, None),
    (stack_lifecycle_main, {"stack_id": "s" * 65, "lifecycle": "retry"}, "stack_id"),
    (stack_lifecycle_main, {"stack_id": STACK_ID, "lifecycle": "upgrade", "timeout": 1441}, "timeout"),
    (stack_lifecycle_main, {"stack_id": STACK_ID, "lifecycle": "upgrade", "timeout": True}, "timeout"),
    (stack_lifecycle_main, {"stack_id": STACK_ID, "lifecycle": "upgrade", "failure_strategy": "Rollback"}, "failure_strategy"),
    (stack_lifecycle_main, {"stack_id": STACK_ID, "lifecycle": "upgrade",
                            "nodes": [{"name": "web", "parameters": {"instances": 101}}]}, "nodes[0].parameters.instances"),
    (stack_lifecycle_main, {"stack_id": STACK_ID, "lifecycle": "upgrade", "nodes": [{"name": " "}]}, "nodes[0].name"),
    (stack_lifecycle_main, {"stack_id": STACK_ID, "lifecycle": "create",
                            "nodes": [{"name": "web", "parameters": False}]}, "nodes[0].parameters"),
    (stack_lifecycle_main, {"stack_id": STACK_ID, "lifecycle": "create", "nodes": [7]}, "ansible:nodes"),
    (stack_lifecycle_main, {"stack_id": STACK_ID, "lifecycle": "create", "nodes": [{"name": "web", "extra": 1}]},
     "ansible:extra"),
    (cluster_stop_main, {"cluster_id": CLUSTER_ID, "cluster_name": "cdm-demo"}, "ansible:cluster_id"),
    (cluster_stop_main, {"cluster_id": CLUSTER_ID, "stop_mode": "gracefully"}, "ansible:stop_mode"),
    (stack_lifecycle_main, {"stack_id": STACK_ID, "lifecycle": "upgrade", "inputs": {"a": [1.0, float("nan")]}}, "inputs"),
])
def test_known_bad_values_fail_before_any_call(sim, module, args, option):
    """Fixed examples of the property, each naming the option, so a regression points at its rule."""
    args = dict(dict(endpoint=sim.url, project_id=PROJECT_ID, auth_token="sim-token"), **args)
    rc, result = run_module(module(), args)
    assert rc == 1
    assert_clean_failure(result)
    assert sim.log.list() == []
    if option is None:  # a value that cannot go into an HTTP header: refused by the client, not sent
        assert "could not be built" in result["msg"], result["msg"]
        return
    if option.startswith("ansible:"):  # Ansible's own argument checks: they name the option
        assert option.split(":", 1)[1] in result["msg"], result["msg"]
        return
    assert result.get("invalid_option") == option, result
    assert option.split("[")[0] in result["msg"]


def test_validators_reject_what_the_property_guards_against():
    """The server-side validators used above do reject malformed bodies (so the property can fail)."""
    assert sim_cdm._validate_stop({"delayTime": 5}) is not None  # pylint: disable=protected-access
    assert sim_cdm._validate_stop({"stopMode": None}) is not None  # pylint: disable=protected-access
    assert sim_aos.validate_action(STACK_ID, {"lifecycle": "upgrade", "timeout": None}) is not None
    assert sim_aos.validate_action(STACK_ID, {"lifecycle": "upgrade", "nodes": [{"name": ""}]}) is not None
    assert sim_aos.validate_action("s" * 65, {"lifecycle": "retry"}) is not None
    with pytest.raises(ValueError):
        strict_json({"inputs": {"x": float("nan")}})
