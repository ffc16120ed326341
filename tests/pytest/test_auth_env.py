"""Credentials from HW_* environment variables (``environment:``), their precedence, and module_defaults.

Precedence (INTERFACE.md): auth_token, then access_key + secret_key, then user_name + password.
Every credential set given here is valid on its own, so the simulator log's ``auth`` field shows
which one the module picked.
"""

PLAYBOOK = """
- name: Credentials from the environment
  hosts: localhost
  gather_facts: false
  tasks:
%(m_all)s
    - name: token, AK/SK and password all set; the token wins
      hwcloud.cloud.cluster_stop:
        endpoint: "{{ sim_url }}"
        cluster_name: cdm-stopped
      environment: "{{ env_all }}"
%(m_aksk)s
    - name: AK/SK and password set; AK/SK wins
      hwcloud.cloud.stack_lifecycle:
        endpoint: "{{ sim_url }}"
        stack_id: "{{ stack_id }}"
        lifecycle: create
      environment: "{{ env_aksk_password }}"
%(m_password)s
    - name: password only (cluster_stop)
      hwcloud.cloud.cluster_stop:
        endpoint: "{{ sim_url }}"
        cluster_name: cdm-stopped
      environment: "{{ env_password }}"
%(m_password_aos)s
    - name: password only, scoped by HW_REGION_NAME (stack_lifecycle)
      hwcloud.cloud.stack_lifecycle:
        endpoint: "{{ sim_url }}"
        stack_id: "{{ stack_id }}"
        lifecycle: create
      environment: "{{ env_password_region }}"
%(m_temp)s
    - name: temporary AK/SK with HW_SECURITY_TOKEN (cluster_stop)
      hwcloud.cloud.cluster_stop:
        endpoint: "{{ sim_url }}"
        cluster_name: cdm-stopped
      environment: "{{ env_temp }}"
%(m_awx)s
    - name: AWX-style injection, every HW_* set and the unused ones empty (stack_lifecycle)
      hwcloud.cloud.stack_lifecycle:
        endpoint: "{{ sim_url }}"
        stack_id: "{{ stack_id }}"
        lifecycle: create
      environment: "{{ env_awx }}"
%(m_option_beats_env)s
    - name: an option beats its environment variable (auth_token over a wrong HW_AUTH_TOKEN)
      hwcloud.cloud.stack_lifecycle:
        endpoint: "{{ sim_url }}"
        auth_token: sim-token
        stack_id: "{{ stack_id }}"
        lifecycle: create
      environment: {HW_AUTH_TOKEN: not-a-valid-token}

- name: Connection options from module_defaults
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/hwcloud.cloud.hwcloud:
      endpoint: "{{ sim_url }}"
      identity_endpoint: "{{ sim_url }}"
      project_id: "{{ project_id }}"
      user_name: sim-user
      password: sim-password
      domain_name: sim-domain
      poll_interval: 0.05
  tasks:
%(m_defaults)s
    - name: cluster_stop with only its own options
      hwcloud.cloud.cluster_stop:
        cluster_id: "{{ cluster_id }}"
      register: defaults_cdm
%(m_defaults_aos)s
    - name: stack_lifecycle with only its own options
      hwcloud.cloud.stack_lifecycle:
        stack_id: "{{ stack_id }}"
        lifecycle: upgrade
        inputs: {param1: from-module-defaults}
      register: defaults_aos
%(m_defaults_override)s
    - name: a task option overrides module_defaults (AK/SK beats the group's password)
      hwcloud.cloud.stack_lifecycle:
        access_key: "{{ access_key }}"
        secret_key: "{{ secret_key }}"
        stack_id: "{{ stack_id }}"
        lifecycle: create
%(m_end)s
    - name: Save the results
      ansible.builtin.copy:
        dest: "{{ results_file }}"
        content: "{{ {'defaults_cdm': defaults_cdm, 'defaults_aos': defaults_aos} | to_json }}"
        mode: "0600"
"""

SEGMENTS = ("all", "aksk", "password", "password_aos", "temp", "awx", "option_beats_env",
            "defaults", "defaults_aos", "defaults_override", "end")
TEMP_AK, TEMP_SK, TEMP_TOKEN = "SIMTEMPACCESSKEY", "temp-secret-key-7c1d", "temp-security-token-9a3e"


def _kinds(entries):
    """The sequence of (service, auth) of a segment, with repeats collapsed."""
    kinds = []
    for entry in entries:
        kind = (entry["service"], entry["auth"])
        if not kinds or kinds[-1] != kind:
            kinds.append(kind)
    return kinds


def test_environment_precedence_and_module_defaults(sim_factory, run_playbook, hw):
    seed = hw.default_seed()
    seed["credentials"].append({"access_key": TEMP_AK, "secret_key": TEMP_SK, "security_token": TEMP_TOKEN})
    sim = sim_factory(seed)
    password = {"HW_AUTH_URL": sim.url, "HW_USER_NAME": hw.USER_NAME, "HW_PASSWORD": hw.PASSWORD,
                "HW_DOMAIN_NAME": hw.DOMAIN_NAME}
    aksk = {"HW_ACCESS_KEY": hw.ACCESS_KEY, "HW_SECRET_KEY": hw.SECRET_KEY}
    project = {"HW_PROJECT_ID": hw.PROJECT_ID}
    extra_vars = {
        "sim_url": sim.url, "project_id": hw.PROJECT_ID, "cluster_id": hw.CLUSTER_ID, "stack_id": hw.STACK_ID,
        "access_key": hw.ACCESS_KEY, "secret_key": hw.SECRET_KEY,
        "env_all": dict(password, HW_AUTH_TOKEN=hw.TOKEN, **dict(aksk, **project)),
        "env_aksk_password": dict(password, **dict(aksk, **project)),
        "env_password": dict(password, **project),
        "env_password_region": dict(password, HW_REGION_NAME=hw.PROJECT_NAME),
        "env_temp": dict(project, HW_ACCESS_KEY=TEMP_AK, HW_SECRET_KEY=TEMP_SK, HW_SECURITY_TOKEN=TEMP_TOKEN),
        # An AWX credential type sets every variable it knows; the fields left empty as "".
        "env_awx": dict(dict.fromkeys(hw.HW_VARIABLES, ""), HW_MAX_RETRIES=" ", **dict(aksk, **project)),
    }
    fill = dict(("m_" + name, hw.marker(name)) for name in SEGMENTS)
    rc, out = run_playbook(PLAYBOOK % fill, extra_vars=extra_vars)
    assert rc == 0, out
    segments = hw.log_segments(hw.sim_requests(sim))
    token, aksk_kind, iam = ("cdm", "token"), ("cdm", "aksk"), ("iam", "iam")

    assert _kinds(segments["all"]) == [token]
    assert _kinds(segments["aksk"]) == [("aos", "aksk")]
    assert _kinds(segments["password"]) == [iam, token]
    assert segments["password"][0]["body"]["auth"]["scope"] == {"project": {"id": hw.PROJECT_ID}}
    assert _kinds(segments["password_aos"]) == [iam, ("aos", "token")]
    assert segments["password_aos"][0]["body"]["auth"]["scope"] == {"project": {"name": hw.PROJECT_NAME}}
    assert _kinds(segments["temp"]) == [aksk_kind]
    assert segments["temp"][0]["headers"]["X-Security-Token"] == "<redacted>"
    assert segments["temp"][0]["headers"]["X-Project-Id"] == hw.PROJECT_ID
    assert [(e["auth"], e["status"]) for e in segments["awx"]] == [("aksk", 200)]
    assert "X-Security-Token" not in segments["awx"][0]["headers"]
    assert [(e["auth"], e["status"]) for e in segments["option_beats_env"]] == [("token", 200)]

    # module_defaults: one token per module run, both modules configured by the group alone.
    assert _kinds(segments["defaults"]) == [iam, token]
    assert _kinds(segments["defaults_aos"]) == [iam, ("aos", "token")]
    assert len([e for e in segments["defaults_aos"] if e["service"] == "iam"]) == 1
    assert _kinds(segments["defaults_override"]) == [("aos", "aksk")]
    results = run_playbook.results()
    assert results["defaults_cdm"]["changed"] is True and results["defaults_cdm"]["cluster"]["status"] == "900"
    assert results["defaults_aos"]["stack"]["inputs"]["param1"] == "from-module-defaults"
    assert segments["end"] == []
