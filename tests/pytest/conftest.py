"""Shared fixtures of tests/pytest: an in-process simulator and an ansible-playbook runner.

Generic on purpose, for every test file here (authentication, fault tolerance, ...):

``sim``               a fresh simulator with the default seed (http, fast transitions).
``sim_factory``       ``sim_factory(seed=None, tls=None, transition_seconds=0.05)`` for a custom one.
``run_playbook``      ``run_playbook(text, extra_vars=None, verbosity=0, env=None, args=())`` -> ``(rc, stdout)``;
                      stdout holds stderr too; the collection is the working tree. The playbook gets the
                      variable ``results_file``: whatever JSON it writes there (``ansible.builtin.copy``),
                      ``run_playbook.results()`` returns, for the last run.
``hw``                helpers and facts of the default seed, as attributes (test files cannot import
                      this conftest by name: tests/simulator has one too):
                      ``hw.default_seed()``, ``hw.sim_requests(sim)``, ``hw.log_segments(log)``,
                      ``hw.marker(name)`` (a playbook task that logs ``/_marker/<name>``),
                      ``hw.PROJECT_ID``, ``hw.TOKEN``, ``hw.ACCESS_KEY``, ``hw.CLUSTER_ID``, ...

Imports of ``ansible_collections.hwcloud.cloud`` resolve to the working tree as well:
a symlink ``<tmp>/ansible_collections/hwcloud/cloud -> <repo>`` is put first on ``sys.path``
(the PYTHONPATH of ``make pytest`` would otherwise give the copy made by ``make tree``).
"""

import atexit
import copy
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import types

import pytest

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SIM_DIR = os.path.join(REPO_ROOT, "simulator")
if SIM_DIR not in sys.path:
    sys.path.insert(0, SIM_DIR)

# ansible_collections/hwcloud/cloud -> the working tree, for ansible-playbook and for imports.
COLLECTIONS_DIR = tempfile.mkdtemp(prefix="hwcloud-collections-")
atexit.register(shutil.rmtree, COLLECTIONS_DIR, True)
os.makedirs(os.path.join(COLLECTIONS_DIR, "ansible_collections", "hwcloud"))
os.symlink(REPO_ROOT, os.path.join(COLLECTIONS_DIR, "ansible_collections", "hwcloud", "cloud"))
sys.path.insert(0, COLLECTIONS_DIR)

from hwcloud_sim import server  # noqa: E402  pylint: disable=wrong-import-position
from hwcloud_sim.state import default_state_path  # noqa: E402  pylint: disable=wrong-import-position

# Facts of the default seed (simulator/hwcloud_sim/default_state.json).
PROJECT_ID = "0605767a2c80d5a62f5cc0123456789a"
PROJECT_NAME = "ap-southeast-1"
TOKEN = "sim-token"
USER_NAME, PASSWORD, DOMAIN_NAME = "sim-user", "sim-password", "sim-domain"
ACCESS_KEY, SECRET_KEY = "SIMACCESSKEY0000", "sim-secret-key"
CLUSTER_ID = "bae65496-643e-47ca-84af-948672de7eeb"
STOPPED_CLUSTER_ID = "5c9e2a41-7d3b-4f0e-9a6c-1b2d3e4f5a6b"
STACK_ID = "stack-demo-0001"
ABNORMAL_STACK_ID = "stack-abnormal-0001"

# A playbook task (under "tasks:", 4 spaces) that writes a marker into the simulator's log: a GET
# of an unknown path, logged as a 404, made by a lookup on the controller (no module run, ~10 ms).
# The playbook needs the variable sim_url.
MARKER_TASK = """
    - name: "marker {0}"
      ansible.builtin.set_fact:
        hwcloud_marker: "{{{{ lookup('ansible.builtin.url', sim_url ~ '/_marker/{0}', validate_certs=false, errors='ignore') }}}}"
"""

HW_VARIABLES = ("HW_REGION_NAME", "HW_PROJECT_ID", "HW_AUTH_TOKEN", "HW_AUTH_URL", "HW_USER_NAME", "HW_PASSWORD",
                "HW_DOMAIN_NAME", "HW_ACCESS_KEY", "HW_SECRET_KEY", "HW_SECURITY_TOKEN", "HW_MAX_RETRIES")

# Credentials a test did not give must not come from the machine running it: no SDK variables, no
# ~/.huaweicloud/credentials, and never the real metadata address (a closed local port instead).
CREDENTIAL_SOURCE_VARIABLES = ("HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_SECURITY_TOKEN",
                               "HUAWEICLOUD_SDK_PROJECT_ID", "HUAWEICLOUD_SDK_CREDENTIALS_FILE", "HW_METADATA_ENDPOINT",
                               "HW_ASSUME_ROLE_AGENCY_NAME", "HW_ASSUME_ROLE_DOMAIN_NAME", "HW_ASSUME_ROLE_DOMAIN_ID",
                               "HW_ASSUME_ROLE_DURATION")


def closed_port_url():
    """An http:// URL on a local port that nothing listens on (bound, then released)."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return "http://127.0.0.1:%d" % port


NO_CREDENTIAL_SOURCES = {
    "HW_METADATA_ENDPOINT": closed_port_url(),
    "HUAWEICLOUD_SDK_CREDENTIALS_FILE": os.path.join(COLLECTIONS_DIR, "no-such-credentials-file"),
}


def marker(name):
    return MARKER_TASK.format(name)


def default_seed():
    with open(default_state_path(), encoding="utf-8") as handle:
        return json.load(handle)


def sim_requests(sim):
    """The request log of an in-process simulator (same as GET /_sim/requests)."""
    return sim.log.list()


def log_segments(log):
    """Split a request log at ``/_marker/<name>`` entries: {name: [entries after it, up to the next marker]}.

    Entries before the first marker go under ``None``.
    """
    segments = {None: []}
    current = None
    for entry in log:
        path = entry.get("path") or ""
        if path.startswith("/_marker/"):
            current = path[len("/_marker/"):]
            segments[current] = []
            continue
        segments[current].append(copy.deepcopy(entry))
    return segments


@pytest.fixture(name="sim_factory")
def sim_factory_fixture():
    started = []

    def start(seed=None, tls=None, transition_seconds=0.05):
        sim = server.start(state=copy.deepcopy(seed) if seed is not None else None, tls=tls,
                           transition_seconds=transition_seconds)
        started.append(sim)
        return sim

    yield start
    for sim in started:
        sim.stop()


@pytest.fixture(name="sim")
def sim_fixture(sim_factory):
    return sim_factory()


@pytest.fixture(name="run_playbook")
def run_playbook_fixture(tmp_path):
    """Run a playbook (YAML text) on localhost; return ``(rc, output)`` with stderr merged into output.

    The environment is the test's minus every HW_* variable (add yours with ``env``).
    """
    counter = [0]
    last = {}

    def run(playbook, extra_vars=None, verbosity=0, env=None, args=(), timeout=300):
        counter[0] += 1
        work = tmp_path / ("playbook-%d" % counter[0])
        work.mkdir()
        (work / "playbook.yml").write_text(playbook, encoding="utf-8")
        (work / "inventory.ini").write_text(
            "localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable, encoding="utf-8")
        command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", str(work / "inventory.ini")]
        if not os.path.exists(command[0]):
            command[0] = shutil.which("ansible-playbook") or "ansible-playbook"
        last["results_file"] = work / "results.json"
        variables = dict(extra_vars or {}, results_file=str(last["results_file"]))
        (work / "vars.json").write_text(json.dumps(variables), encoding="utf-8")
        command += ["-e", "@%s" % (work / "vars.json")]
        if verbosity:
            command.append("-" + "v" * verbosity)
        command += list(args) + [str(work / "playbook.yml")]
        environment = {key: value for key, value in os.environ.items()
                       if key not in HW_VARIABLES and key not in CREDENTIAL_SOURCE_VARIABLES}
        environment.update(NO_CREDENTIAL_SOURCES)
        environment.update({
            "ANSIBLE_COLLECTIONS_PATH": COLLECTIONS_DIR,
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_FORCE_COLOR": "0",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "ANSIBLE_LOCAL_TEMP": str(work / "tmp"),
            "ANSIBLE_REMOTE_TEMP": str(work / "tmp"),
            "ANSIBLE_HOME": str(work / "home"),
            # async tasks write their results under HOME and async_status reads them under the password
            # database's home: one directory for both, whatever HOME the test runs with.
            "ANSIBLE_ASYNC_DIR": str(work / "async"),
            "ANSIBLE_DEPRECATION_WARNINGS": "0",
            "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            "PYTHONDONTWRITEBYTECODE": "1",
            "ANSIBLE_PIPELINING": "1",
        })
        environment.update(env or {})
        result = subprocess.run(command, cwd=str(work), env=environment, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, timeout=timeout, check=False)
        return result.returncode, result.stdout.decode("utf-8", "replace")

    def results():
        path = last.get("results_file")
        if path is None or not path.exists():
            raise AssertionError("the playbook wrote no results_file")
        return json.loads(path.read_text(encoding="utf-8"))

    run.results = results
    return run


@pytest.fixture(name="hw")
def hw_fixture():
    names = ("PROJECT_ID", "PROJECT_NAME", "TOKEN", "USER_NAME", "PASSWORD", "DOMAIN_NAME", "ACCESS_KEY", "SECRET_KEY",
             "CLUSTER_ID", "STOPPED_CLUSTER_ID", "STACK_ID", "ABNORMAL_STACK_ID", "HW_VARIABLES", "REPO_ROOT",
             "COLLECTIONS_DIR", "NO_CREDENTIAL_SOURCES")
    helpers = dict((name, globals()[name]) for name in names)
    helpers.update(closed_port_url=closed_port_url, default_seed=default_seed, sim_requests=sim_requests, log_segments=log_segments, marker=marker)
    return types.SimpleNamespace(**helpers)
