"""Credentials beyond the three, end to end from a playbook against the simulator.

Each source (the SDK's variables, its credentials file, the ECS metadata service), the agency on top
of AK/SK, of a token and of the metadata's keys, the precedence between them, a wrong agency, an
unreachable or slow metadata service and expired temporary keys. The simulator's log shows which
credentials each call carried; ``credentials_source`` in the result says which source the task used.
"""

import json
import re
import socket
import time

import pytest

AGENCY, AGENCY_DOMAIN, AGENCY_DOMAIN_ID = "sim-agency", "sim-target-domain", "5f1c0a2b3d4e4f60a1b2c3d4e5f60718"
# The agency's keys act in the agency's account: its project in the default seed (with its own cdm-stopped).
AGENCY_PROJECT_ID = "7b2e4c9d1f3a4e5b8c6d0a1b2c3d4e5f"
SERVICES = ("cdm", "aos")

TASK = """
%(marker)s
    - name: "%(name)s"
      hwcloud.cloud.cluster_stop:
        endpoint: "{{ sim_url }}"
        cluster_name: cdm-stopped
%(options)s
      environment: %(environment)s
      register: %(name)s
      ignore_errors: true
"""

PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  tasks:
%(tasks)s
%(end)s
    - name: Save the results
      ansible.builtin.copy:
        dest: "{{ results_file }}"
        content: "{{ {%(names)s} | to_json }}"
        mode: "0600"
"""


def playbook(hw, cases):
    """One cluster_stop task per case (name, options dict, environment dict), each after a log marker."""
    tasks = []
    for name, options, environment in cases:
        lines = "".join("        %s: %s\n" % (key, json.dumps(value)) for key, value in options.items())
        tasks.append(TASK % {"marker": hw.marker(name), "name": name, "options": lines.rstrip("\n"),
                             "environment": json.dumps(environment)})
    names = ", ".join("'%s': %s" % (name, name) for name, _options, _env in cases)
    return PLAYBOOK % {"tasks": "".join(tasks), "end": hw.marker("end"), "names": names}


def credentials_file(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def service_calls(entries):
    return [entry for entry in entries if entry["service"] in SERVICES]


def kinds(entries):
    return [(entry["method"], entry["service"], entry["auth"], entry["status"]) for entry in entries]


def test_each_source_and_the_agency_on_top(sim_factory, run_playbook, hw, tmp_path):
    seed = hw.default_seed()
    seed["credentials"].append({"access_key": "SIMSDKTEMPKEY001", "secret_key": "sdk-temp-sk", "security_token": "sdk-temp-st"})
    sim = sim_factory(seed)
    good_file = credentials_file(tmp_path, "credentials", "[basic]\nak = %s\nsk = %s   ; the SK\nproject_id = %s\n"
                                 % (hw.ACCESS_KEY, hw.SECRET_KEY, hw.PROJECT_ID))
    project = {"project_id": hw.PROJECT_ID}
    agency_project = {"project_id": AGENCY_PROJECT_ID}
    agency_by_name = {"agency_name": AGENCY, "agency_domain_name": AGENCY_DOMAIN, "identity_endpoint": sim.url}
    cases = [
        ("sdk_env", {}, {"HUAWEICLOUD_SDK_AK": hw.ACCESS_KEY, "HUAWEICLOUD_SDK_SK": hw.SECRET_KEY,
                         "HUAWEICLOUD_SDK_PROJECT_ID": hw.PROJECT_ID}),
        ("sdk_env_temporary", project, {"HUAWEICLOUD_SDK_AK": "SIMSDKTEMPKEY001", "HUAWEICLOUD_SDK_SK": "sdk-temp-sk",
                                        "HUAWEICLOUD_SDK_SECURITY_TOKEN": "sdk-temp-st"}),
        ("sdk_file", {}, {"HUAWEICLOUD_SDK_CREDENTIALS_FILE": good_file}),
        ("metadata", {}, {"HW_METADATA_ENDPOINT": sim.url}),
        ("agency_on_aksk", dict(agency_project, access_key=hw.ACCESS_KEY, secret_key=hw.SECRET_KEY, **agency_by_name), {}),
        ("agency_on_token", dict(agency_project, auth_token=hw.TOKEN, agency_name=AGENCY, agency_domain_id=AGENCY_DOMAIN_ID,
                                 identity_endpoint=sim.url + "/v3", agency_duration=3600), {}),
        ("agency_on_metadata", {}, {"HW_METADATA_ENDPOINT": sim.url, "HW_PROJECT_ID": AGENCY_PROJECT_ID, "HW_AUTH_URL": sim.url,
                                    "HW_ASSUME_ROLE_AGENCY_NAME": AGENCY, "HW_ASSUME_ROLE_DOMAIN_NAME": AGENCY_DOMAIN}),
    ]
    rc, out = run_playbook(playbook(hw, cases), extra_vars={"sim_url": sim.url})
    assert rc == 0, out
    results = run_playbook.results()
    for name, _options, _env in cases:
        assert not results[name].get("failed"), (name, results[name])
        assert results[name]["cluster"]["status"] == "900", (name, results[name])
    assert {name: result["credentials_source"] for name, result in results.items()} == {
        "sdk_env": "sdk_environment",
        "sdk_env_temporary": "sdk_environment",
        "sdk_file": "sdk_credentials_file",
        "metadata": "ecs_metadata",
        "agency_on_aksk": "agency:sim-target-domain/sim-agency via access_key",
        "agency_on_token": "agency:%s/sim-agency via auth_token" % AGENCY_DOMAIN_ID,
        "agency_on_metadata": "agency:sim-target-domain/sim-agency via ecs_metadata",
    }

    segments = hw.log_segments(hw.sim_requests(sim))
    assert kinds(segments["sdk_env"]) == [("GET", "cdm", "aksk", 200)]
    assert segments["sdk_env"][0]["headers"]["X-Project-Id"] == hw.PROJECT_ID
    assert "X-Security-Token" not in segments["sdk_env"][0]["headers"]
    assert segments["sdk_env_temporary"][0]["headers"]["X-Security-Token"] == "<redacted>"
    assert kinds(segments["sdk_file"]) == [("GET", "cdm", "aksk", 200)]

    # Metadata: the session token first, then the keys with it, then the instance's project (no project_id given).
    metadata = segments["metadata"]
    assert [(e["method"], e["path"], e["status"]) for e in metadata[:3]] == [
        ("PUT", "/meta-data/latest/api/token", 200), ("GET", "/openstack/latest/securitykey", 200),
        ("GET", "/openstack/latest/meta_data.json", 200)]
    assert metadata[0]["headers"]["X-Metadata-Token-Ttl-Seconds"] == "21600"
    assert metadata[1]["headers"]["X-Metadata-Token"] == "<redacted>"
    assert kinds(metadata[3:]) == [("GET", "cdm", "aksk", 200)]
    assert metadata[3]["headers"]["X-Project-Id"] == hw.PROJECT_ID
    assert metadata[3]["headers"]["X-Security-Token"] == "<redacted>"

    # The agency: one assume_role call with the base credentials, then every service call with the temporary keys.
    expected_base = {"agency_on_aksk": "aksk", "agency_on_token": "token", "agency_on_metadata": "aksk"}
    for name, base in expected_base.items():
        calls = [e for e in segments[name] if e["service"] != "metadata"]
        assert [(e["method"], e["path"], e["auth"], e["status"]) for e in calls] == [
            ("POST", "/v3.0/OS-CREDENTIAL/securitytokens", base, 201), ("GET", "/v1.1/%s/clusters" % AGENCY_PROJECT_ID, "aksk", 200)], name
        assert "X-Project-Id" not in calls[0]["headers"], "IAM is global: no project on the assume_role call"
        assert calls[1]["headers"]["X-Security-Token"] == "<redacted>"
    bodies = {name: segments[name][-2]["body"] for name in ("agency_on_aksk", "agency_on_token")}
    assert bodies["agency_on_aksk"] == {"auth": {"identity": {"methods": ["assume_role"], "assume_role": {
        "agency_name": AGENCY, "domain_name": AGENCY_DOMAIN, "duration_seconds": 900}}}}
    assert bodies["agency_on_token"]["auth"]["identity"]["assume_role"] == {
        "agency_name": AGENCY, "domain_id": AGENCY_DOMAIN_ID, "duration_seconds": 3600}
    # The service calls were signed with keys IAM issued for the agency's account, not the caller's.
    issued = [c for c in sim.state.export()["credentials"] if c.get("origin") == "agency %s" % AGENCY]
    assert len(issued) == 3 and {c["domain"] for c in issued} == {AGENCY_DOMAIN}
    assert segments["end"] == []


def test_agency_on_password(sim_factory, run_playbook, hw):
    sim = sim_factory(hw.default_seed())
    cases = [("agency_on_password", {"project_id": AGENCY_PROJECT_ID, "user_name": hw.USER_NAME, "password": hw.PASSWORD,
                                     "domain_name": hw.DOMAIN_NAME, "agency_name": AGENCY, "agency_domain_name": AGENCY_DOMAIN,
                                     "identity_endpoint": sim.url}, {})]
    rc, out = run_playbook(playbook(hw, cases), extra_vars={"sim_url": sim.url})
    assert rc == 0, out
    result = run_playbook.results()["agency_on_password"]
    assert not result.get("failed"), result
    assert result["cluster"]["status"] == "900" and result["credentials_source"] == "agency:sim-target-domain/sim-agency via password"
    paths = [e["path"] for e in hw.log_segments(hw.sim_requests(sim))["agency_on_password"]]
    assert paths == ["/v3/auth/tokens", "/v3.0/OS-CREDENTIAL/securitytokens", "/v1.1/%s/clusters" % AGENCY_PROJECT_ID]


def test_precedence_of_the_sources(sim_factory, run_playbook, hw, tmp_path):
    """Options before the SDK's variables, before its file, before the metadata; the metadata is not even asked."""
    seed = hw.default_seed()
    seed["credentials"].append({"access_key": "SIMFILEKEY000001", "secret_key": "file-sk"})
    sim = sim_factory(seed)
    file_path = credentials_file(tmp_path, "credentials", "[basic]\nak = SIMFILEKEY000001\nsk = file-sk\n")
    everything = {"HUAWEICLOUD_SDK_AK": hw.ACCESS_KEY, "HUAWEICLOUD_SDK_SK": hw.SECRET_KEY,
                  "HUAWEICLOUD_SDK_CREDENTIALS_FILE": file_path, "HW_METADATA_ENDPOINT": sim.url}
    without_env = dict((k, v) for k, v in everything.items() if not k.startswith("HUAWEICLOUD_SDK_") or k.endswith("FILE"))
    cases = [
        ("token_first", {"auth_token": hw.TOKEN, "project_id": hw.PROJECT_ID}, everything),
        ("env_before_file", {"project_id": hw.PROJECT_ID}, everything),
        ("file_before_metadata", {"project_id": hw.PROJECT_ID}, without_env),
        ("empty_file_section_then_metadata", {}, dict(without_env, HUAWEICLOUD_SDK_CREDENTIALS_FILE=credentials_file(
            tmp_path, "global-only", "[global]\nak = x\nsk = y\n"))),
    ]
    rc, out = run_playbook(playbook(hw, cases), extra_vars={"sim_url": sim.url})
    assert rc == 0, out
    results = run_playbook.results()
    assert {name: result.get("credentials_source") for name, result in results.items()} == {
        "token_first": "auth_token", "env_before_file": "sdk_environment", "file_before_metadata": "sdk_credentials_file",
        "empty_file_section_then_metadata": "ecs_metadata"}
    segments = hw.log_segments(hw.sim_requests(sim))
    for name in ("token_first", "env_before_file", "file_before_metadata"):
        assert [e["service"] for e in segments[name]] == ["cdm"], name
    assert segments["token_first"][0]["auth"] == "token"
    assert [e["service"] for e in segments["empty_file_section_then_metadata"]] == ["metadata"] * 3 + ["cdm"]


WRONG_AGENCIES = [
    ("unknown_agency", {"agency_name": "no-such-agency", "agency_domain_name": AGENCY_DOMAIN},
     "HTTP 404 Not Found: Could not find agency no-such-agency in domain sim-target-domain."),
    ("unknown_domain_id", {"agency_name": AGENCY, "agency_domain_id": "0" * 32},
     "HTTP 404 Not Found: Could not find agency sim-agency in domain %s." % ("0" * 32)),
    ("untrusted_caller", {"agency_name": "closed-agency", "agency_domain_name": AGENCY_DOMAIN},
     "HTTP 403 Forbidden: Domain sim-domain is not trusted by agency closed-agency of domain sim-target-domain."),
]


def test_a_wrong_agency_fails_with_iam_answer_and_no_service_call(sim_factory, run_playbook, hw):
    seed = hw.default_seed()
    seed["agencies"].append({"name": "closed-agency", "domain": AGENCY_DOMAIN, "trusted_domains": ["someone-else"]})
    sim = sim_factory(seed)
    base = {"access_key": hw.ACCESS_KEY, "secret_key": hw.SECRET_KEY, "project_id": hw.PROJECT_ID, "identity_endpoint": sim.url}
    cases = [(name, dict(base, **agency), {}) for name, agency, _message in WRONG_AGENCIES]
    rc, out = run_playbook(playbook(hw, cases), extra_vars={"sim_url": sim.url})
    assert rc == 0, out
    results = run_playbook.results()
    segments = hw.log_segments(hw.sim_requests(sim))
    for name, agency, message in WRONG_AGENCIES:
        result = results[name]
        assert result["failed"] is True
        domain = agency.get("agency_domain_name") or agency.get("agency_domain_id")
        assert result["msg"].startswith("Assuming IAM agency %s of account %s with the credentials from access_key: %s"
                                        % (agency["agency_name"], domain, message)), result["msg"]
        assert result["credentials_source"] == "access_key"
        assert result["error"]["status"] in (403, 404)
        assert [(e["method"], e["path"]) for e in segments[name]] == [("POST", "/v3.0/OS-CREDENTIAL/securitytokens")], name
        assert service_calls(segments[name]) == []
    assert [c for c in sim.state.export()["credentials"] if c.get("origin")] == [], "no temporary keys were issued"


def _black_hole():
    """A port that accepts connections (the kernel's backlog) and never answers."""
    hole = socket.socket()
    hole.bind(("127.0.0.1", 0))
    hole.listen(8)
    return hole


def test_unreachable_or_slow_metadata_fails_cleanly(sim_factory, run_playbook, hw):
    sim = sim_factory()
    # The slow case: the simulator holds the keys' answer beyond the 2 s budget.
    sim.faults.add({"method": "GET", "path": "^/openstack/latest/securitykey$", "kind": "delay", "delay": 6})
    hole = _black_hole()
    try:
        cases = [
            ("closed_port", {"project_id": hw.PROJECT_ID}, {"HW_METADATA_ENDPOINT": hw.closed_port_url()}),
            ("black_hole", {"project_id": hw.PROJECT_ID}, {"HW_METADATA_ENDPOINT": "http://127.0.0.1:%d" % hole.getsockname()[1]}),
            ("slow", {"project_id": hw.PROJECT_ID}, {"HW_METADATA_ENDPOINT": sim.url}),
        ]
        started = time.monotonic()
        rc, out = run_playbook(playbook(hw, cases), extra_vars={"sim_url": sim.url})
        elapsed = time.monotonic() - started
    finally:
        hole.close()
    assert rc == 0, out
    assert "Traceback" not in out and "MODULE FAILURE" not in out
    results = run_playbook.results()
    for name, _options, environment in cases:
        result = results[name]
        assert result["failed"] is True, name
        message = result["msg"]
        assert message.startswith("No credentials given. Tried, in this order: auth_token (HW_AUTH_TOKEN): not set; "), message
        for source in ("access_key and secret_key (HW_ACCESS_KEY, HW_SECRET_KEY): not set",
                       "user_name, password and domain_name (HW_USER_NAME, HW_PASSWORD, HW_DOMAIN_NAME): not set",
                       "the SDK variables HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK: not set",
                       "the SDK credentials file ",
                       "the ECS metadata service %s (HW_METADATA_ENDPOINT): " % environment["HW_METADATA_ENDPOINT"]):
            assert source in message, (source, message)
        assert "credentials_source" not in result
    assert "no answer (connection refused)" in results["closed_port"]["msg"]
    assert "no answer within 2.0s" in results["black_hole"]["msg"]
    assert "no answer within 2.0s" in results["slow"]["msg"]
    segments = hw.log_segments(hw.sim_requests(sim))
    assert service_calls(segments["slow"]) == []
    # Measured, not asserted (no timing assertions): three tasks, two of them waiting out the budget.
    print("three no-credential tasks, two waiting out the metadata budget: %.1f s" % elapsed)


def test_expired_temporary_keys_show_the_services_401(sim_factory, run_playbook, hw):
    """The simulator names the expired key; the module masks it (it is a temporary key)."""
    seed = hw.default_seed()
    seed["settings"]["temporary_ttl_seconds"] = 0
    sim = sim_factory(seed)
    cases = [
        ("agency", {"access_key": hw.ACCESS_KEY, "secret_key": hw.SECRET_KEY, "project_id": hw.PROJECT_ID,
                    "identity_endpoint": sim.url, "agency_name": AGENCY, "agency_domain_name": AGENCY_DOMAIN}, {}),
        ("metadata", {}, {"HW_METADATA_ENDPOINT": sim.url}),
    ]
    rc, out = run_playbook(playbook(hw, cases), extra_vars={"sim_url": sim.url})
    assert rc == 0, out
    results = run_playbook.results()
    for name, _options, _env in cases:
        result = results[name]
        assert result["failed"] is True
        assert re.match(r"Listing CDM clusters: HTTP 401 APIGW\.0301: Incorrect IAM authentication information: "
                        r"the temporary access key \*+ has expired \(request id [0-9a-f]{32}\)", result["msg"]), result["msg"]
    assert results["agency"]["credentials_source"] == "agency:sim-target-domain/sim-agency via access_key"
    assert results["metadata"]["credentials_source"] == "ecs_metadata"


@pytest.mark.parametrize("text, message", [
    ("ak = x\n", "is not a valid INI file (MissingSectionHeaderError at line 1)"),
    ("[basic]\nak = SIMACCESSKEY0000\n", "has ak but no sk in its [basic] section"),
    ("[basic]\nsk = very-secret-value\nsk = again\n", "is not a valid INI file (DuplicateOptionError at line 3)"),
    ("[basic]\nak = a\n  continued very-secret-value\n[[broken\n", "is not a valid INI file"),
])
def test_a_bad_credentials_file_fails_before_any_call(sim, run_playbook, hw, tmp_path, text, message):
    path = credentials_file(tmp_path, "bad", text)
    rc, out = run_playbook(playbook(hw, [("bad", {"project_id": hw.PROJECT_ID}, {"HUAWEICLOUD_SDK_CREDENTIALS_FILE": path})]),
                           extra_vars={"sim_url": sim.url})
    assert rc == 0, out
    result = run_playbook.results()["bad"]
    assert result["failed"] is True and message in result["msg"], result["msg"]
    assert path in result["msg"]
    assert "very-secret-value" not in out
    assert service_calls(hw.sim_requests(sim)) == []
