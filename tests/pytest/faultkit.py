"""Helpers of the fault-tolerance tests (test_faults_*.py, test_hostile_input.py, test_concurrency.py).

The simulator and ansible-playbook fixtures come from conftest.py (``sim``, ``sim_factory``,
``run_playbook``, ``hw``); this file adds what only these tests need:

- ``run_module(main, args, verbosity=0, env=None)``: run a module's ``main()`` in this process with
  ``patch_module_args``, capture its JSON answer, and turn any escape (a traceback, an answer that is
  not JSON) into an ``AssertionError`` that shows it;
- ``add_fault(sim, ...)``: inject a fault into an in-process simulator (same rules as ``POST /_sim/faults``);
- ``calls(sim, method, pattern)``: the logged requests of one kind, to count attempts;
- ``assert_clean_output(text)``: no ``Traceback`` and no ``MODULE FAILURE`` in ansible output.
"""

import contextlib
import io
import json
import os
import re
import time
from unittest import mock

from ansible.module_utils.testing import patch_module_args

PROJECT_ID = "0605767a2c80d5a62f5cc0123456789a"
TOKEN = "sim-token"
CLUSTER_ID = "bae65496-643e-47ca-84af-948672de7eeb"
STOPPED_CLUSTER_ID = "5c9e2a41-7d3b-4f0e-9a6c-1b2d3e4f5a6b"
STACK_ID = "stack-demo-0001"
ABNORMAL_STACK_ID = "stack-abnormal-0001"

# Paths of the calls under test, as regular expressions over the logged (unquoted) path.
CLUSTER_PATH = r"^/v1\.1/[^/]+/clusters/[^/]+$"
CLUSTERS_PATH = r"^/v1\.1/[^/]+/clusters$"
STOP_PATH = r"^/v1\.1/[^/]+/clusters/[^/]+/action$"
STACK_PATH = r"^/v2/stacks/[^/]+$"
LIFECYCLE_PATH = r"^/v2/stacks/[^/]+/actions$"
EXECUTION_PATH = r"^/v2/stacks/[^/]+/actions/[^/]+$"
TOKENS_PATH = r"^/v3/auth/tokens$"

# Port 9 (discard) is closed on the machines the tests run on; the metadata attempt fails at once.
CLOSED_METADATA_ENDPOINT = "http://127.0.0.1:9"
NO_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "no-such-credentials-file")
HW_VARIABLES = ("HW_REGION_NAME", "HW_PROJECT_ID", "HW_AUTH_TOKEN", "HW_AUTH_URL", "HW_USER_NAME", "HW_PASSWORD",
                "HW_DOMAIN_NAME", "HW_ACCESS_KEY", "HW_SECRET_KEY", "HW_SECURITY_TOKEN", "HW_MAX_RETRIES")


def cluster_stop_main():
    from ansible_collections.hwcloud.cloud.plugins.modules import cluster_stop  # pylint: disable=import-outside-toplevel
    return cluster_stop.main


def stack_lifecycle_main():
    from ansible_collections.hwcloud.cloud.plugins.modules import stack_lifecycle  # pylint: disable=import-outside-toplevel
    return stack_lifecycle.main


def connection(sim, **extra):
    """Module args that reach ``sim`` with the seeded token; fast polls."""
    args = dict(endpoint=sim.url, project_id=PROJECT_ID, auth_token=TOKEN, poll_interval=0.05, wait_timeout=30)
    args.update(extra)
    return args


def read_only_connection(sim, **extra):
    """``connection`` for a read-only module, which has no wait options."""
    args = connection(sim, **extra)
    for option in ("wait", "wait_timeout", "poll_interval"):
        if option not in extra:
            args.pop(option, None)
    return args


class ModuleEscape(AssertionError):
    """The module ended some other way than exit_json/fail_json: a traceback or a non-JSON answer."""


def run_module(main, args, verbosity=0, env=None, check_mode=False):
    """Run ``main()`` in-process; return ``(rc, result)``.

    Raises ``ModuleEscape`` (with the traceback or the raw output) when the module did not answer
    with exactly one JSON document through ``exit_json``/``fail_json``.
    """
    module_args = dict(args)
    module_args["_ansible_verbosity"] = verbosity
    if check_mode:
        module_args["_ansible_check_mode"] = True
    environment = {key: value for key, value in os.environ.items() if key not in HW_VARIABLES and not key.startswith(("HUAWEICLOUD_SDK_", "HW_ASSUME_ROLE_"))}
    # Never the real metadata address, nor the SDK credentials file of the machine running the tests.
    environment.update({"HW_METADATA_ENDPOINT": CLOSED_METADATA_ENDPOINT, "HUAWEICLOUD_SDK_CREDENTIALS_FILE": NO_FILE})
    environment.update(env or {})
    out = io.StringIO()
    rc = None
    with mock.patch.dict(os.environ, environment, clear=True), patch_module_args(module_args), \
            contextlib.redirect_stdout(out):
        try:
            main()
        except SystemExit as done:
            rc = done.code
        except BaseException as escape:  # pylint: disable=broad-except
            import traceback  # pylint: disable=import-outside-toplevel
            raise ModuleEscape("the module raised %s:\n%s" % (type(escape).__name__, traceback.format_exc())) from None
    text = out.getvalue()
    try:
        result = json.loads(text)
    except ValueError:
        raise ModuleEscape("the module's output is not one JSON document (rc %r):\n%s" % (rc, text[:3000])) from None
    if rc not in (0, 1):
        raise ModuleEscape("the module exited with %r:\n%s" % (rc, text[:3000]))
    return rc, result


def add_fault(sim, **rule):
    """Add a fault rule (``method``, ``path`` regex, ``times``, ``kind``, ``status``, ``retry_after``, ``body``, ``delay``)."""
    return sim.faults.add(rule)


def calls(sim, method=None, pattern=None):
    """Logged API requests (control calls are never logged), filtered by method and path regex."""
    return [entry for entry in sim.log.list()
            if (method is None or entry["method"] == method)
            and (pattern is None or re.search(pattern, entry["path"]))
            and not entry["path"].startswith("/_marker/")]


def summary(entries):
    """``[(method, path, status, fault)]``: what an assertion message should show."""
    return [(e["method"], e["path"], e["status"], e["fault"]) for e in entries]


def applied_stops(sim, cluster_id=None):
    """Stop calls the simulator accepted (and applied): status 200, or a drop_after_apply fault."""
    return [entry for entry in calls(sim, "POST", STOP_PATH)
            if (entry["status"] == 200 or entry["fault"] == "drop_after_apply")
            and (cluster_id is None or entry["path"].split("/")[-2] == cluster_id)]


def applied_lifecycles(sim):
    return [entry for entry in calls(sim, "PUT", LIFECYCLE_PATH)
            if entry["status"] == 200 or entry["fault"] == "drop_after_apply"]


def cluster(sim, cluster_id=CLUSTER_ID):
    return sim.state.get_cluster(PROJECT_ID, cluster_id)


def stack(sim, stack_id=STACK_ID):
    return sim.state.get_stack(PROJECT_ID, stack_id)


def gaps(entries):
    """Seconds between consecutive logged requests (log time is taken when the answer is ready)."""
    times = [entry["time"] for entry in entries]
    return [later - earlier for earlier, later in zip(times, times[1:])]


FORBIDDEN_OUTPUT = ("Traceback (most recent call last)", "MODULE FAILURE")


def assert_clean_output(text):
    for needle in FORBIDDEN_OUTPUT:
        assert needle not in text, "%r in the ansible output:\n%s" % (needle, text[-6000:])


def assert_clean_failure(result):
    """A failure as an operator should see it: ``failed``, a ``msg``, no traceback, no bug marker."""
    assert result.get("failed") is True, result
    assert isinstance(result.get("msg"), str) and result["msg"].strip(), result
    assert "exception" not in result, result
    assert "Traceback" not in json.dumps(result), result
    assert "This is a bug in hwcloud.cloud" not in result["msg"], result


class Stopwatch:
    def __enter__(self):
        self.start = time.monotonic()
        self.elapsed = None
        return self

    def __exit__(self, *exc_info):
        self.elapsed = time.monotonic() - self.start
