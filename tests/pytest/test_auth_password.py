"""IAM password authentication through both modules, against the simulator.

One playbook (several module runs, separated by markers in the simulator's log) shows:
one token request per module run, the token from X-Subject-Token used on every later call,
identity_endpoint with and without /v3 (and a trailing slash), scoping by region name when
project_id is absent (the project id learnt from the token body), and a wrong password
failing with IAM's message without a single call to CDM or AOS.
"""

PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  tasks:
%(m_cdm)s
    - name: cluster_stop, password, project_id, identity_endpoint without /v3
      hwcloud.cloud.cluster_stop:
        %(iam_ok)s
        identity_endpoint: "{{ sim_url }}"
        project_id: "{{ project_id }}"
        cluster_id: "{{ cluster_id }}"
      register: pw_cdm
%(m_aos)s
    - name: stack_lifecycle, password, project_id, identity_endpoint ending in /v3/
      hwcloud.cloud.stack_lifecycle:
        %(iam_ok)s
        identity_endpoint: "{{ sim_url }}/v3/"
        project_id: "{{ project_id }}"
        stack_id: "{{ stack_id }}"
        lifecycle: upgrade
        inputs: {param1: value-from-password-auth}
      register: pw_aos
%(m_region_cdm)s
    - name: cluster_stop, scoped by region name (no project_id), identity_endpoint ending in /v3
      hwcloud.cloud.cluster_stop:
        %(iam_ok)s
        identity_endpoint: "{{ sim_url }}/v3"
        region: "{{ region }}"
        cluster_name: cdm-stopped
      register: region_cdm
%(m_region_aos)s
    - name: stack_lifecycle, scoped by region name (no project_id)
      hwcloud.cloud.stack_lifecycle:
        %(iam_ok)s
        identity_endpoint: "{{ sim_url }}/"
        region: "{{ region }}"
        stack_id: "{{ stack_id }}"
        lifecycle: create
      register: region_aos
%(m_bad_cdm)s
    - name: cluster_stop, wrong password
      hwcloud.cloud.cluster_stop:
        %(iam_wrong)s
        identity_endpoint: "{{ sim_url }}"
        project_id: "{{ project_id }}"
        cluster_id: "{{ cluster_id }}"
      register: bad_cdm
      ignore_errors: true
%(m_bad_aos)s
    - name: stack_lifecycle, wrong password
      hwcloud.cloud.stack_lifecycle:
        %(iam_wrong)s
        identity_endpoint: "{{ sim_url }}"
        project_id: "{{ project_id }}"
        stack_id: "{{ stack_id }}"
        lifecycle: delete
      register: bad_aos
      ignore_errors: true
%(m_bad_region)s
    - name: cluster_stop, a region with no project of that name
      hwcloud.cloud.cluster_stop:
        %(iam_ok)s
        identity_endpoint: "{{ sim_url }}"
        region: no-such-region
        cluster_name: cdm-demo
      register: bad_region
      ignore_errors: true
%(m_end)s
    - name: Save the results
      ansible.builtin.copy:
        dest: "{{ results_file }}"
        content: "{{ {'pw_cdm': pw_cdm, 'pw_aos': pw_aos, 'region_cdm': region_cdm, 'region_aos': region_aos,
                      'bad_cdm': bad_cdm, 'bad_aos': bad_aos, 'bad_region': bad_region} | to_json }}"
        mode: "0600"
"""

IAM = """endpoint: "{{ sim_url }}"
        user_name: sim-user
        domain_name: sim-domain
        poll_interval: 0.05
        password: """

SEGMENTS = ("cdm", "aos", "region_cdm", "region_aos", "bad_cdm", "bad_aos", "bad_region", "end")


def _iam_calls(entries):
    return [e for e in entries if e["service"] == "iam"]


def test_password_auth_through_both_modules(sim_factory, run_playbook, hw):
    seed = hw.default_seed()
    # Region scoping needs a project named after the region; the default seed has one, make sure.
    assert {"id": hw.PROJECT_ID, "name": hw.PROJECT_NAME} in seed["projects"]
    sim = sim_factory(seed)
    fill = dict(("m_" + name, hw.marker(name)) for name in SEGMENTS)
    playbook = PLAYBOOK % dict(fill, iam_ok=IAM + "sim-password", iam_wrong=IAM + "not-the-password")
    rc, out = run_playbook(playbook, extra_vars={
        "sim_url": sim.url, "project_id": hw.PROJECT_ID, "cluster_id": hw.CLUSTER_ID,
        "stack_id": hw.STACK_ID, "region": hw.PROJECT_NAME})
    assert rc == 0, out
    results = run_playbook.results()
    segments = hw.log_segments(hw.sim_requests(sim))
    issued = [t["token"] for t in sim.state.export()["tokens"] if t["token"] != hw.TOKEN]

    # Every successful run: exactly one token request, first, then only token-authenticated calls.
    for name in ("cdm", "aos", "region_cdm", "region_aos"):
        entries = segments[name]
        assert len(_iam_calls(entries)) == 1, (name, entries)
        first, rest = entries[0], entries[1:]
        assert (first["method"], first["path"], first["status"], first["auth"]) == ("POST", "/v3/auth/tokens", 201, "iam")
        assert first["body"]["auth"]["identity"]["password"]["user"] == {
            "name": "sim-user", "password": "<redacted>", "domain": {"name": "sim-domain"}}
        assert rest and all(e["auth"] == "token" and e["status"] < 400 for e in rest), (name, rest)
        assert all(e["headers"]["X-Auth-Token"] == "<redacted>" for e in rest)
    assert len(issued) == 4, "one token per successful module run"

    # project_id given: the token is scoped to it.
    for name in ("cdm", "aos"):
        assert segments[name][0]["body"]["auth"]["scope"] == {"project": {"id": hw.PROJECT_ID}}
    # No project_id: scoped by the region's name; CDM learns the id from the token body.
    for name in ("region_cdm", "region_aos"):
        assert segments[name][0]["body"]["auth"]["scope"] == {"project": {"name": hw.PROJECT_NAME}}
    assert segments["region_cdm"][1]["path"] == "/v1.1/%s/clusters" % hw.PROJECT_ID

    assert results["pw_cdm"]["changed"] is True and results["pw_cdm"]["cluster"]["status"] == "900"
    assert results["pw_aos"]["changed"] is True and results["pw_aos"]["stack"]["inputs"]["param1"] == "value-from-password-auth"
    assert any(e["method"] == "PUT" for e in segments["aos"])
    assert results["region_cdm"]["changed"] is False and results["region_cdm"]["cluster"]["id"] == hw.STOPPED_CLUSTER_ID
    assert results["region_aos"]["changed"] is False

    # Wrong password: IAM's 401 message in the failure, nothing sent to CDM or AOS.
    for name in ("bad_cdm", "bad_aos"):
        result, entries = results[name], segments[name]
        assert result["failed"] is True
        assert "HTTP 401" in result["msg"] and "The username or password is wrong." in result["msg"], result["msg"]
        assert result["error"]["status"] == 401
        assert [(e["service"], e["status"]) for e in entries] == [("iam", 401)], entries
        assert "not-the-password" not in out
    # A region without a project of that name: IAM's 400, nothing else sent.
    assert results["bad_region"]["failed"] is True
    assert "The project no-such-region does not exist" in results["bad_region"]["msg"]
    assert [(e["service"], e["status"]) for e in segments["bad_region"]] == [("iam", 400)]
    assert segments["end"] == []
