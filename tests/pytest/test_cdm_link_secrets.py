"""cdm_link's secrets never reach ansible-playbook's output, at -vvvv, on any path.

Create, an update that sends them (update_secrets: always), check mode, diff mode, a refused
validation and bad input: the whole output (stdout and stderr) must not contain a secret, and
yet the simulator must have received each one where the task sent it.
"""

SECRETS = {"password": "pw-CDMLINK-SECRET-7e41c2", "sk": "sk-CDMLINK-SECRET-0b9d33", "rotated": "pw-CDMLINK-ROTATED-55aa10"}

PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/hwcloud.cloud.hwcloud:
      endpoint: "{{ sim_url }}"
      project_id: "{{ project_id }}"
      auth_token: sim-token
      cluster_id: "{{ cluster_id }}"
  tasks:
    - name: Create a link with a password, in check and diff mode first
      hwcloud.cloud.cdm_link:
        name: pg
        connector: generic-jdbc-connector
        config: {host: 10.0.0.7, port: 5432}
        secrets: {password: "{{ s.password }}"}
      check_mode: true
      diff: true

    - name: Create it
      hwcloud.cloud.cdm_link:
        name: pg
        connector: generic-jdbc-connector
        config: {host: 10.0.0.7, port: 5432}
        secrets: {password: "{{ s.password }}"}
      diff: true

    - name: Rotate the password (sent, reported changed)
      hwcloud.cloud.cdm_link:
        name: pg
        config: {host: 10.0.0.7}
        secrets: {password: "{{ s.rotated }}"}
        update_secrets: always
      diff: true

    - name: A link whose validation fails
      hwcloud.cloud.cdm_link:
        name: obs
        connector: obs-connector
        config: {server: 10.9.9.9}
        secrets: {sk: "{{ s.sk }}"}
        validate: true
      ignore_errors: true

    - name: Bad input next to a secret
      hwcloud.cloud.cdm_link:
        name: pg
        config: {password: plain}
        secrets: {password: "{{ s.password }}"}
      ignore_errors: true
"""


def test_no_link_secret_in_the_output_at_vvvv(sim, run_playbook, hw):
    sim.state.upsert_cluster({"id": hw.CLUSTER_ID, "unreachable_hosts": ["10.9.9.9"]})

    rc, output = run_playbook(PLAYBOOK, verbosity=4,
                              extra_vars={"sim_url": sim.url, "project_id": hw.PROJECT_ID, "cluster_id": hw.CLUSTER_ID, "s": SECRETS})

    assert rc == 0, output
    assert "ok=5" in output and "changed=" in output, output
    for name, secret in SECRETS.items():
        assert secret not in output, name
    # The secrets did go where they belong: on the wire to the service.
    sent = [str(entry["body"]) for entry in sim.log.list() if entry["method"] in ("POST", "PUT")]
    assert [secret for secret in SECRETS.values() if any(secret in body for body in sent)] == list(SECRETS.values())
    assert "Failed to connect to 10.9.9.9" in output
