"""examples/demo.yml through ansible-runner, the way AWX / Automation Controller runs a job.

AWX builds a private data directory, injects the credential type's ``env`` injectors
as environment variables and passes the job template's extra vars; ansible-runner then
runs ansible-playbook and records one event per task. This test does the same with
the credential type shipped in docs/awx/credential_type.yml, rendered exactly as AWX
renders it: a sandboxed Jinja2 environment whose namespace holds only the fields that
were filled in, so every field left empty is injected as ``""``.

The playbook gets no authentication option: credentials come from the HW_* variables
only; the service endpoint comes from an extra var (``hwcloud_endpoint``), as a job
template pointing at a private endpoint or at the simulator would set it.

Needs a running simulator (HWCLOUD_SIM_URL) and hwcloud.cloud installed where
ANSIBLE_COLLECTIONS_PATH points: ``make runner`` provides both.
"""

import json
import os
import shutil
import sys
import urllib.request

import pytest
import yaml

ansible_runner = pytest.importorskip("ansible_runner")
sandbox = pytest.importorskip("jinja2.sandbox")

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CREDENTIAL_TYPE = os.path.join(ROOT, "docs", "awx", "credential_type.yml")
SURVEY = os.path.join(ROOT, "docs", "awx", "survey_stop_cluster.json")
DEMO = os.path.join(ROOT, "examples", "demo.yml")
STOP_CLUSTER = os.path.join(ROOT, "docs", "awx", "stop_cluster.yml")
START_SURVEY = os.path.join(ROOT, "docs", "awx", "survey_start_cluster.json")
START_CLUSTER = os.path.join(ROOT, "docs", "awx", "start_cluster.yml")
SIM_URL = os.environ.get("HWCLOUD_SIM_URL", "").rstrip("/")

pytestmark = pytest.mark.skipif(not SIM_URL, reason="needs a simulator: run `make runner` (tools/with-sim)")

# Simulator defaults (simulator/hwcloud_sim/default_state.json).
PROJECT_ID = "0605767a2c80d5a62f5cc0123456789a"
REGION = "ap-southeast-1"

# One credential per way of authenticating, as a user would fill in the AWX form.
CREDENTIALS = {
    "token": {"auth_token": "sim-token"},
    "aksk": {"access_key": "SIMACCESSKEY0000", "secret_key": "sim-secret-key"},
    "password": {"user_name": "sim-user", "password": "sim-password", "domain_name": "sim-domain"},
    # The simulator's default agency, assumed with the AK/SK: every service call uses its temporary keys.
    "agency": {"access_key": "SIMACCESSKEY0000", "secret_key": "sim-secret-key", "agency_name": "sim-agency",
               "agency_domain_name": "sim-target-domain", "agency_duration": "1800"},
}
SECRET_FIELDS_VALUES = ("sim-token", "sim-secret-key", "sim-password")

MODULES = ("hwcloud.cloud.cluster_stop", "hwcloud.cloud.stack_lifecycle", "hwcloud.cloud.cluster_start")


def load_credential_type():
    with open(CREDENTIAL_TYPE, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def render_injectors(credential_type, inputs):
    """The ``env`` injectors rendered as AWX's CredentialType.inject_credential does."""
    fields = {field["id"] for field in credential_type["inputs"]["fields"]}
    unknown = set(inputs) - fields
    assert not unknown, "credential inputs %s are not fields of the credential type" % sorted(unknown)
    namespace = {name: value for name, value in inputs.items() if value}
    env = sandbox.ImmutableSandboxedEnvironment()
    return {name: env.from_string(template).render(**namespace)
            for name, template in credential_type["injectors"]["env"].items()}


def sim_call(method, path, body=None):
    data = json.dumps(body).encode("utf-8") if body is not None else None
    request = urllib.request.Request(SIM_URL + path, data=data, method=method)
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
    return json.loads(body) if body else None


def write_inventory(private_data_dir):
    inventory = os.path.join(str(private_data_dir), "inventory")
    os.makedirs(inventory)
    hosts = {"hwcloud": {"hosts": {"localhost": {
        "ansible_connection": "local",
        "ansible_python_interpreter": sys.executable,
    }}}}
    with open(os.path.join(inventory, "hosts.yml"), "w", encoding="utf-8") as handle:
        yaml.safe_dump(hosts, handle)


def prepare_job(tmp_path, monkeypatch, playbook, inputs):
    """A private data directory holding PLAYBOOK, and the env AWX would inject for a credential with INPUTS."""
    for name in list(os.environ):
        if name.startswith("HW_"):
            monkeypatch.delenv(name)
    # ansible-playbook of this interpreter's environment, whatever PATH pytest was started with.
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    sim_call("POST", "/_sim/reset")
    sim_call("DELETE", "/_sim/requests")

    private_data_dir = tmp_path / "job"
    (private_data_dir / "project").mkdir(parents=True)
    shutil.copy(playbook, str(private_data_dir / "project"))
    write_inventory(private_data_dir)

    envvars = render_injectors(load_credential_type(), dict(inputs, region=REGION, project_id=PROJECT_ID, auth_url=SIM_URL))
    envvars.update({
        "ANSIBLE_COLLECTIONS_PATH": os.environ.get("ANSIBLE_COLLECTIONS_PATH", os.path.join(ROOT, "build", "collections")),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_RETRY_FILES_ENABLED": "0",
    })
    return private_data_dir, envvars


def run_job(private_data_dir, playbook, envvars, extravars, ident):
    return ansible_runner.run(
        private_data_dir=str(private_data_dir),
        playbook=os.path.basename(playbook),
        envvars=envvars,
        extravars=extravars,
        ident=ident,
        quiet=True,
    )


def module_results(result):
    """{module: [(event, changed), ...]} for the collection's tasks, from the job events."""
    found = {}
    for event in result.events:
        data = event.get("event_data", {})
        if event.get("event") in ("runner_on_ok", "runner_on_failed") and data.get("task_action") in MODULES:
            found.setdefault(data["task_action"], []).append((event["event"], bool(data.get("res", {}).get("changed"))))
    return found


def describe(result):
    return "status %s rc %s\n%s" % (result.status, result.rc, result.stdout.read()[-4000:])


@pytest.mark.parametrize("kind", sorted(CREDENTIALS))
def test_demo_through_ansible_runner(kind, tmp_path, monkeypatch):
    private_data_dir, envvars = prepare_job(tmp_path, monkeypatch, DEMO, CREDENTIALS[kind])
    if kind == "agency":
        # An agency's keys act in the agency's account only: here the demo's project is that account's.
        sim_call("PUT", "/_sim/state", {"projects": [{"id": PROJECT_ID, "name": REGION, "domain": "sim-target-domain"}]})
        sim_call("DELETE", "/_sim/requests")
    # Job template extra vars: the endpoint (no HW_* variable exists for it) and faster polling.
    extravars = {"hwcloud_endpoint": SIM_URL, "hwcloud_poll_interval": 1, "hwcloud_wait_timeout": 120}

    first = run_job(private_data_dir, DEMO, envvars, extravars, "run1")
    assert first.status == "successful", describe(first)
    assert first.rc == 0
    assert module_results(first) == {
        "hwcloud.cloud.cluster_stop": [("runner_on_ok", True)],
        "hwcloud.cloud.stack_lifecycle": [("runner_on_ok", True)],
    }, describe(first)
    assert first.stats["changed"] == {"localhost": 2}

    second = run_job(private_data_dir, DEMO, envvars, extravars, "run2")
    assert second.status == "successful", describe(second)
    assert module_results(second) == {
        "hwcloud.cloud.cluster_stop": [("runner_on_ok", False)],
        "hwcloud.cloud.stack_lifecycle": [("runner_on_ok", False)],
    }, describe(second)
    assert not any(event.get("event_data", {}).get("res", {}).get("changed") for event in second.events)
    assert not second.stats.get("changed")

    # The modules authenticated the way the credential says, with nothing from module options.
    log = sim_call("GET", "/_sim/requests")
    services = {entry["auth"] for entry in log if entry["service"] in ("cdm", "aos")}
    assert services == {"aksk" if kind in ("aksk", "agency") else "token"}, services
    assert any(entry["service"] == "iam" for entry in log) == (kind in ("password", "agency"))
    if kind == "agency":
        assumed = [entry for entry in log if entry["path"] == "/v3.0/OS-CREDENTIAL/securitytokens"]
        assert [entry["body"]["auth"]["identity"]["assume_role"] for entry in assumed] == [{
            "agency_name": "sim-agency", "domain_name": "sim-target-domain", "duration_seconds": 1800}] * 4
        assert all(entry["headers"].get("X-Security-Token") == "<redacted>" for entry in log if entry["service"] in ("cdm", "aos"))

    # Secrets never reach the job output or the job events (AWX stores both).
    for result in (first, second):
        text = result.stdout.read() + json.dumps(list(result.events))
        for secret in SECRET_FIELDS_VALUES:
            assert secret not in text, "%s leaked into the job output of %s" % (secret, kind)


@pytest.mark.parametrize("stop_mode", ["IMMEDIATELY", "GRACEFULLY"])
def test_survey_job_template(stop_mode, tmp_path, monkeypatch):
    """docs/awx/stop_cluster.yml with the survey's answers: its defaults, and each stop mode."""
    with open(SURVEY, encoding="utf-8") as handle:
        survey = json.load(handle)
    questions = {question["variable"]: question for question in survey["spec"]}
    assert questions["stop_mode"]["type"] == "multiplechoice"
    assert questions["stop_mode"]["choices"] == ["IMMEDIATELY", "GRACEFULLY"]
    assert questions["delay_time"]["type"] == "integer" and questions["delay_time"]["min"] == -1
    answers = {name: question["default"] for name, question in questions.items() if question["default"] != ""}
    answers.update(cluster_name="cdm-demo", stop_mode=stop_mode)

    private_data_dir, envvars = prepare_job(tmp_path, monkeypatch, STOP_CLUSTER, CREDENTIALS["token"])
    extravars = dict(answers, hwcloud_endpoint=SIM_URL, hwcloud_poll_interval=1, hwcloud_wait_timeout=120)
    first = run_job(private_data_dir, STOP_CLUSTER, envvars, extravars, "run1")
    assert first.status == "successful", describe(first)
    assert module_results(first) == {"hwcloud.cloud.cluster_stop": [("runner_on_ok", True)]}, describe(first)
    second = run_job(private_data_dir, STOP_CLUSTER, envvars, extravars, "run2")
    assert second.status == "successful", describe(second)
    assert module_results(second) == {"hwcloud.cloud.cluster_stop": [("runner_on_ok", False)]}, describe(second)

    # The stop as sent: delayTime only with GRACEFULLY (the survey asks for it in both modes).
    stops = [entry["body"] for entry in sim_call("GET", "/_sim/requests")
             if entry["method"] == "POST" and entry["service"] == "cdm"]
    expected = {"stopMode": stop_mode}
    if stop_mode == "GRACEFULLY":
        expected["delayTime"] = -1
    assert stops == [{"stop": expected}], stops


def test_start_survey_job_template(tmp_path, monkeypatch):
    """docs/awx/start_cluster.yml with its survey's answer: the morning half of the night/morning recipe."""
    with open(START_SURVEY, encoding="utf-8") as handle:
        survey = json.load(handle)
    assert [question["variable"] for question in survey["spec"]] == ["cluster_name"]

    private_data_dir, envvars = prepare_job(tmp_path, monkeypatch, START_CLUSTER, CREDENTIALS["aksk"])
    extravars = dict(cluster_name="cdm-stopped", hwcloud_endpoint=SIM_URL, hwcloud_poll_interval=1, hwcloud_wait_timeout=120)
    first = run_job(private_data_dir, START_CLUSTER, envvars, extravars, "run1")
    assert first.status == "successful", describe(first)
    assert module_results(first) == {"hwcloud.cloud.cluster_start": [("runner_on_ok", True)]}, describe(first)
    second = run_job(private_data_dir, START_CLUSTER, envvars, extravars, "run2")
    assert second.status == "successful", describe(second)
    assert module_results(second) == {"hwcloud.cloud.cluster_start": [("runner_on_ok", False)]}, describe(second)

    starts = [entry["body"] for entry in sim_call("GET", "/_sim/requests") if entry["method"] == "POST" and entry["service"] == "cdm"]
    assert starts == [{"start": {}}], starts
