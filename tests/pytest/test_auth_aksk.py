"""AK/SK (SDK-HMAC-SHA256) through both modules, against the simulator, which verifies every signature.

Permanent and temporary credentials (security_token -> X-Security-Token), X-Project-Id on
every call, and a wrong secret key refused with API Gateway's 401 message (a missing or wrong
security token: test_signer_sdk.py).
"""

PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  tasks:
%(m_cdm)s
    - name: cluster_stop with AK/SK
      hwcloud.cloud.cluster_stop:
        %(aksk)s
        cluster_id: "{{ cluster_id }}"
      register: aksk_cdm
%(m_aos)s
    - name: stack_lifecycle with AK/SK
      hwcloud.cloud.stack_lifecycle:
        %(aksk)s
        stack_id: "{{ abnormal_stack_id }}"
        lifecycle: retry
      register: aksk_aos
%(m_temp_cdm)s
    - name: cluster_stop with temporary AK/SK and security_token
      hwcloud.cloud.cluster_stop:
        %(temp)s
        cluster_name: cdm-stopped
      register: temp_cdm
%(m_temp_aos)s
    - name: stack_lifecycle with temporary AK/SK and security_token
      hwcloud.cloud.stack_lifecycle:
        %(temp)s
        stack_id: "{{ stack_id }}"
        lifecycle: create
      register: temp_aos
%(m_bad_cdm)s
    - name: cluster_stop with a wrong secret key
      hwcloud.cloud.cluster_stop:
        %(bad)s
        cluster_id: "{{ cluster_id }}"
      register: bad_cdm
      ignore_errors: true
%(m_bad_aos)s
    - name: stack_lifecycle with a wrong secret key
      hwcloud.cloud.stack_lifecycle:
        %(bad)s
        stack_id: "{{ stack_id }}"
        lifecycle: delete
      register: bad_aos
      ignore_errors: true
%(m_end)s
    - name: Save the results
      ansible.builtin.copy:
        dest: "{{ results_file }}"
        content: "{{ {'aksk_cdm': aksk_cdm, 'aksk_aos': aksk_aos, 'temp_cdm': temp_cdm, 'temp_aos': temp_aos,
                      'bad_cdm': bad_cdm, 'bad_aos': bad_aos} | to_json }}"
        mode: "0600"
"""

COMMON = """endpoint: "{{ sim_url }}"
        project_id: "{{ project_id }}"
        poll_interval: 0.05
        """
SEGMENTS = ("cdm", "aos", "temp_cdm", "temp_aos", "bad_cdm", "bad_aos", "end")
TEMP_AK, TEMP_SK, TEMP_TOKEN = "SIMTEMPACCESSKEY", "temp-secret-key-7c1d", "temp-security-token-9a3e"


def _options(access_key, secret_key, security_token=None):
    text = COMMON + "access_key: %s\n        secret_key: %s" % (access_key, secret_key)
    if security_token:
        text += "\n        security_token: %s" % security_token
    return text


def test_aksk_through_both_modules(sim_factory, run_playbook, hw):
    seed = hw.default_seed()
    seed["credentials"].append({"access_key": TEMP_AK, "secret_key": TEMP_SK, "security_token": TEMP_TOKEN})
    sim = sim_factory(seed)
    fill = dict(("m_" + name, hw.marker(name)) for name in SEGMENTS)
    fill.update(aksk=_options(hw.ACCESS_KEY, hw.SECRET_KEY), temp=_options(TEMP_AK, TEMP_SK, TEMP_TOKEN),
                bad=_options(hw.ACCESS_KEY, "wrong-secret-key-0f2b"))
    rc, out = run_playbook(PLAYBOOK % fill, extra_vars={
        "sim_url": sim.url, "project_id": hw.PROJECT_ID, "cluster_id": hw.CLUSTER_ID, "stack_id": hw.STACK_ID,
        "abnormal_stack_id": hw.ABNORMAL_STACK_ID})
    assert rc == 0, out
    results = run_playbook.results()
    segments = hw.log_segments(hw.sim_requests(sim))

    for name in ("cdm", "aos", "temp_cdm", "temp_aos"):
        entries = segments[name]
        assert entries and all(e["auth"] == "aksk" and e["status"] < 400 for e in entries), (name, entries)
        for entry in entries:
            headers = entry["headers"]
            assert headers["X-Project-Id"] == hw.PROJECT_ID
            assert headers["Authorization"] == "<redacted>" and "X-Auth-Token" not in headers
            assert ("X-Security-Token" in headers) == name.startswith("temp"), (name, headers)
    assert [e["method"] for e in segments["cdm"]][:2] == ["GET", "POST"]
    assert any(e["method"] == "PUT" for e in segments["aos"])
    assert results["aksk_cdm"]["changed"] is True and results["aksk_cdm"]["cluster"]["status"] == "900"
    assert results["aksk_aos"]["changed"] is True and results["aksk_aos"]["action_id"]
    assert results["temp_cdm"]["changed"] is False and results["temp_aos"]["changed"] is False

    for name in ("bad_cdm", "bad_aos"):
        result = results[name]
        assert result["failed"] is True
        assert "HTTP 401 APIGW.0301: Incorrect IAM authentication information: signature mismatch" in result["msg"], result["msg"]
        assert result["error"]["code"] == "APIGW.0301" and result["error"]["request_id"]
        # The first call is refused and nothing else is tried.
        assert [(e["auth"], e["status"]) for e in segments[name]] == [("aksk", 401)]
    assert not any(e["service"] == "iam" for e in hw.sim_requests(sim))
    for secret in (hw.SECRET_KEY, TEMP_SK, TEMP_TOKEN, "wrong-secret-key-0f2b"):
        assert secret not in out
