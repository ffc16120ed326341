"""No secret in ansible-playbook's output, even at -vvvv, on success or on failure.

Every secret the modules handle (auth_token, password, secret_key, security_token, and the token
fetched from IAM) is given a distinctive value; the whole output (stdout and stderr) of a -vvvv run
must not contain any of them, neither in the invocation, nor in results, nor in failure messages.
"""

import re

PROJECT = "0605767a2c80d5a62f5cc0123456789a"
SECRETS = {
    "token": "tok-SECRET-4b1f0c2d9e8a7f61",
    "password": "pw-SECRET-9d2e6c1b0a3f5e47",
    "env_password": "pw-SECRET-ENV-51c0de7a9b2f",
    "secret_key": "sk-SECRET-77aa31c9e0d4b5f2",
    "temp_secret_key": "sk-SECRET-TEMP-2f4e6a8c0b1d",
    "security_token": "st-SECRET-0e9d8c7b6a5f4e3d",
    "wrong_token": "tok-WRONG-SECRET-1a2b3c4d",
    "wrong_password": "pw-WRONG-SECRET-5e6f7a8b",
    "wrong_secret_key": "sk-WRONG-SECRET-9c0d1e2f",
    "wrong_security_token": "st-WRONG-SECRET-3a4b5c6d",
}
ACCESS_KEY, TEMP_ACCESS_KEY, ENV_USER = "SECRETTESTAK0001", "SECRETTEMPAK0001", "env-user"

PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: auth_token (cluster_stop, stop and wait)
      hwcloud.cloud.cluster_stop:
        endpoint: "{{ sim_url }}"
        project_id: "{{ project_id }}"
        auth_token: "{{ s.token }}"
        cluster_id: "{{ cluster_id }}"
        poll_interval: 0.05

    - name: password; the fetched token is used on several calls (stack_lifecycle upgrade and wait)
      hwcloud.cloud.stack_lifecycle:
        endpoint: "{{ sim_url }}"
        identity_endpoint: "{{ sim_url }}"
        project_id: "{{ project_id }}"
        user_name: sim-user
        password: "{{ s.password }}"
        domain_name: sim-domain
        stack_id: "{{ stack_id }}"
        lifecycle: upgrade
        inputs: {param1: secrets-test}
        poll_interval: 0.05

    - name: password from the controller's HW_PASSWORD
      hwcloud.cloud.cluster_stop:
        endpoint: "{{ sim_url }}"
        identity_endpoint: "{{ sim_url }}/v3"
        project_id: "{{ project_id }}"
        user_name: env-user
        domain_name: sim-domain
        cluster_name: cdm-stopped

    - name: secret_key
      hwcloud.cloud.cluster_stop:
        endpoint: "{{ sim_url }}"
        project_id: "{{ project_id }}"
        access_key: "{{ access_key }}"
        secret_key: "{{ s.secret_key }}"
        cluster_name: cdm-stopped

    - name: temporary secret_key and security_token
      hwcloud.cloud.stack_lifecycle:
        endpoint: "{{ sim_url }}"
        project_id: "{{ project_id }}"
        access_key: "{{ temp_access_key }}"
        secret_key: "{{ s.temp_secret_key }}"
        security_token: "{{ s.security_token }}"
        stack_id: "{{ stack_id }}"
        lifecycle: create

    - name: FAIL wrong auth_token (401)
      hwcloud.cloud.cluster_stop:
        endpoint: "{{ sim_url }}"
        project_id: "{{ project_id }}"
        auth_token: "{{ s.wrong_token }}"
        cluster_id: "{{ cluster_id }}"
      ignore_errors: true

    - name: FAIL wrong password (IAM 401)
      hwcloud.cloud.stack_lifecycle:
        endpoint: "{{ sim_url }}"
        identity_endpoint: "{{ sim_url }}"
        project_id: "{{ project_id }}"
        user_name: sim-user
        password: "{{ s.wrong_password }}"
        domain_name: sim-domain
        stack_id: "{{ stack_id }}"
        lifecycle: create
      ignore_errors: true

    - name: FAIL wrong secret_key (APIGW 401)
      hwcloud.cloud.cluster_stop:
        endpoint: "{{ sim_url }}"
        project_id: "{{ project_id }}"
        access_key: "{{ access_key }}"
        secret_key: "{{ s.wrong_secret_key }}"
        cluster_id: "{{ cluster_id }}"
      ignore_errors: true

    - name: FAIL wrong security_token (APIGW 401)
      hwcloud.cloud.stack_lifecycle:
        endpoint: "{{ sim_url }}"
        project_id: "{{ project_id }}"
        access_key: "{{ temp_access_key }}"
        secret_key: "{{ s.temp_secret_key }}"
        security_token: "{{ s.wrong_security_token }}"
        stack_id: "{{ stack_id }}"
        lifecycle: create
      ignore_errors: true

    - name: FAIL after a token was fetched (CDM 404)
      hwcloud.cloud.cluster_stop:
        endpoint: "{{ sim_url }}"
        identity_endpoint: "{{ sim_url }}"
        project_id: "{{ project_id }}"
        user_name: sim-user
        password: "{{ s.password }}"
        domain_name: sim-domain
        cluster_id: 00000000-0000-0000-0000-000000000000
      ignore_errors: true
"""


def _seed(hw):
    seed = hw.default_seed()
    seed["tokens"] = [{"token": SECRETS["token"], "project_id": PROJECT}]
    seed["users"] = [{"name": "sim-user", "password": SECRETS["password"], "domain": "sim-domain"},
                     {"name": ENV_USER, "password": SECRETS["env_password"], "domain": "sim-domain"}]
    seed["credentials"] = [
        {"access_key": ACCESS_KEY, "secret_key": SECRETS["secret_key"], "security_token": None},
        {"access_key": TEMP_ACCESS_KEY, "secret_key": SECRETS["temp_secret_key"], "security_token": SECRETS["security_token"]},
    ]
    return seed


def test_no_secret_in_vvvv_output(sim_factory, run_playbook, hw):
    sim = sim_factory(_seed(hw))
    rc, out = run_playbook(PLAYBOOK, verbosity=4, env={"HW_PASSWORD": SECRETS["env_password"]}, extra_vars={
        "sim_url": sim.url, "project_id": PROJECT, "cluster_id": hw.CLUSTER_ID, "stack_id": hw.STACK_ID,
        "access_key": ACCESS_KEY, "temp_access_key": TEMP_ACCESS_KEY, "s": SECRETS})
    assert rc == 0, out
    assert re.search(r"ok=\d+\s+changed=\d+\s+unreachable=0\s+failed=0\s+skipped=0\s+rescued=0\s+ignored=5", out), out[-2000:]

    log = hw.sim_requests(sim)
    fetched = [t["token"] for t in sim.state.export()["tokens"] if t["token"] != SECRETS["token"]]
    assert len(fetched) == 3, "three successful IAM logins: password, HW_PASSWORD, and before the 404"
    assert sum(1 for e in log if e["service"] == "iam" and e["status"] == 201) == 3
    # Every run really happened: the failures are the expected ones, shown with the service's message.
    for expected in ("HTTP 401 APIGW.0301", "The username or password is wrong.", "signature mismatch",
                     "X-Security-Token does not match", "HTTP 404 Cdm.0001"):
        assert expected in out, expected

    leaked = [name for name, value in SECRETS.items() if value in out]
    leaked += ["IAM token %s..." % token[:8] for token in fetched if token in out]
    assert not leaked, "secrets in the -vvvv output: %s" % leaked
    # The masked values are still visibly there.
    assert "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" in out


# Credentials beyond the three: the SDK's variables and file, the ECS metadata, an agency on top. Their
# secrets reach the module outside of its options (no no_log covers them): the module masks them itself.
SOURCE_SECRETS = {
    "sdk_env_secret_key": "sk-SECRET-SDKENV-6b2d8f0a1c3e",
    "sdk_env_security_token": "st-SECRET-SDKENV-4e6a8c0b2d1f",
    "file_secret_key": "sk-SECRET-FILE-8a0c2e4b6d1f",
    "file_security_token": "st-SECRET-FILE-1f3d5b7a9c0e",
}
SDK_ENV_AK, FILE_AK = "SECRETSDKENVAK01", "SECRETFILEAK0001"

SOURCES_PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/hwcloud.cloud.hwcloud:
      endpoint: "{{ sim_url }}"
      identity_endpoint: "{{ sim_url }}"
      project_id: "{{ project_id }}"
      poll_interval: 0.05
  tasks:
    - name: the base source alone
      hwcloud.cloud.cluster_stop:
        cluster_id: "{{ cluster_id }}"

    - name: an agency on top of it (temporary keys from IAM, used on several calls, in the agency's account)
      hwcloud.cloud.stack_lifecycle:
        project_id: "{{ agency_project_id }}"
        stack_id: "{{ agency_stack_id }}"
        lifecycle: upgrade
        inputs: {param1: "{{ run }}"}
        agency_name: sim-agency
        agency_domain_name: sim-target-domain

    - name: FAIL a call made with the agency's temporary keys (CDM 404)
      hwcloud.cloud.cluster_stop:
        project_id: "{{ agency_project_id }}"
        cluster_id: 00000000-0000-0000-0000-000000000000
        agency_name: sim-agency
        agency_domain_name: sim-target-domain
      ignore_errors: true

    - name: FAIL a wrong agency (IAM 404)
      hwcloud.cloud.cluster_stop:
        cluster_id: "{{ cluster_id }}"
        agency_name: no-such-agency
        agency_domain_name: sim-target-domain
      ignore_errors: true
"""


def test_no_source_secret_in_vvvv_output(sim_factory, run_playbook, hw, tmp_path):
    seed = hw.default_seed()
    seed["credentials"] += [
        {"access_key": SDK_ENV_AK, "secret_key": SOURCE_SECRETS["sdk_env_secret_key"],
         "security_token": SOURCE_SECRETS["sdk_env_security_token"], "domain": "sim-domain"},
        {"access_key": FILE_AK, "secret_key": SOURCE_SECRETS["file_secret_key"],
         "security_token": SOURCE_SECRETS["file_security_token"], "domain": "sim-domain"},
    ]
    sim = sim_factory(seed)
    credentials_file = tmp_path / "credentials"
    credentials_file.write_text("[basic]\nak = %s\nsk = %s\nsecurity_token = %s\n"
                                % (FILE_AK, SOURCE_SECRETS["file_secret_key"], SOURCE_SECRETS["file_security_token"]), encoding="utf-8")
    # Controller environment, as AWX injects it: never printed, unlike `environment:` at -vvv.
    runs = {
        "sdk_environment": {"HUAWEICLOUD_SDK_AK": SDK_ENV_AK, "HUAWEICLOUD_SDK_SK": SOURCE_SECRETS["sdk_env_secret_key"],
                            "HUAWEICLOUD_SDK_SECURITY_TOKEN": SOURCE_SECRETS["sdk_env_security_token"]},
        "sdk_credentials_file": {"HUAWEICLOUD_SDK_CREDENTIALS_FILE": str(credentials_file)},
        "ecs_metadata": {"HW_METADATA_ENDPOINT": sim.url},
    }
    output = ""
    for run, env in runs.items():
        rc, out = run_playbook(SOURCES_PLAYBOOK, verbosity=4, env=env, extra_vars={
            "sim_url": sim.url, "project_id": PROJECT, "cluster_id": hw.CLUSTER_ID, "stack_id": hw.STACK_ID, "run": run,
            # The agency's account's project and stack in the default seed.
            "agency_project_id": "7b2e4c9d1f3a4e5b8c6d0a1b2c3d4e5f", "agency_stack_id": "stack-target-0001"})
        assert rc == 0, out
        assert re.search(r"ok=\d+\s+changed=\d+\s+unreachable=0\s+failed=0\s+skipped=0\s+rescued=0\s+ignored=2", out), out[-2000:]
        assert '"credentials_source": "%s"' % run in out
        assert '"credentials_source": "agency:sim-target-domain/sim-agency via %s"' % run in out
        for expected in ("HTTP 404 Cdm.0001", "HTTP 404 Not Found: Could not find agency no-such-agency"):
            assert expected in out, (run, expected)
        output += out

    # Expired temporary keys: the service's 401 names the access key, which the module masks.
    sim.state.settings["temporary_ttl_seconds"] = 0
    rc, out = run_playbook(SOURCES_PLAYBOOK.split("    - name: an agency", maxsplit=1)[0], verbosity=4, env=runs["ecs_metadata"], extra_vars={
        "sim_url": sim.url, "project_id": PROJECT, "cluster_id": hw.CLUSTER_ID, "stack_id": hw.STACK_ID, "run": "expired"})
    assert rc != 0 and "Incorrect IAM authentication information: the temporary access key ******** has expired" in out, out[-3000:]
    output += out

    issued = [c for c in sim.state.export()["credentials"] if c.get("origin")]
    # Per run: two agency assumptions (the wrong one issues nothing); the metadata run: one instance key per task.
    assert len([c for c in issued if c["origin"].startswith("agency")]) == 6
    assert len([c for c in issued if c["origin"].startswith("instance")]) == 5
    leaked = [name for name, value in SOURCE_SECRETS.items() if value in output]
    for credential in issued:
        leaked += ["%s of %s" % (name, credential["origin"]) for name in ("access_key", "secret_key", "security_token")
                   if credential[name] in output]
    assert not leaked, "secrets in the -vvvv output: %s" % leaked
