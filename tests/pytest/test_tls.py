"""TLS: certificate validation against a simulator serving HTTPS with a private CA.

A CA and a server certificate for 127.0.0.1 are made here (cryptography). With the default
validate_certs the task fails with a certificate error (no traceback); ca_path pointing to the CA
passes, for IAM too; validate_certs: false passes and wins over ca_path and over a
REQUESTS_CA_BUNDLE that would otherwise replace what the module was told.
"""

import datetime
import ipaddress

import pytest

x509 = pytest.importorskip("cryptography.x509")
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402  pylint: disable=wrong-import-position
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402  pylint: disable=wrong-import-position
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID  # noqa: E402  pylint: disable=wrong-import-position


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write_key(key, path):
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))


def make_ca(folder, common_name):
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(_name(common_name)).issuer_name(_name(common_name))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    path = folder / ("%s.pem" % common_name)
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key, cert, path


def make_server_cert(folder, ca_key, ca_cert):
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(_name("127.0.0.1")).issuer_name(ca_cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    cert_path, key_path = folder / "server.pem", folder / "server-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    _write_key(key, key_path)
    return str(cert_path), str(key_path)


@pytest.fixture(name="pki", scope="module")
def pki_fixture(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pki")
    ca_key, ca_cert, ca_path = make_ca(folder, "hwcloud-test-ca")
    _other_key, _other_cert, other_ca_path = make_ca(folder, "unrelated-ca")
    cert, key = make_server_cert(folder, ca_key, ca_cert)
    return {"ca": str(ca_path), "other_ca": str(other_ca_path), "cert": cert, "key": key}


PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: default validate_certs, a certificate from an unknown CA
      hwcloud.cloud.cluster_stop:
        endpoint: "{{ sim_url }}"
        project_id: "{{ project_id }}"
        auth_token: sim-token
        cluster_name: cdm-stopped
      register: default_fails
      ignore_errors: true

    - name: password auth, default validate_certs; IAM is checked too
      hwcloud.cloud.stack_lifecycle:
        endpoint: "{{ sim_url }}"
        identity_endpoint: "{{ sim_url }}"
        project_id: "{{ project_id }}"
        user_name: sim-user
        password: sim-password
        domain_name: sim-domain
        stack_id: "{{ stack_id }}"
        lifecycle: create
      register: iam_fails
      ignore_errors: true

    - name: ca_path of another CA
      hwcloud.cloud.cluster_stop:
        endpoint: "{{ sim_url }}"
        project_id: "{{ project_id }}"
        auth_token: sim-token
        ca_path: "{{ other_ca }}"
        cluster_name: cdm-stopped
      register: wrong_ca_fails
      ignore_errors: true

    - name: ca_path of the CA, with REQUESTS_CA_BUNDLE pointing elsewhere
      hwcloud.cloud.cluster_stop:
        endpoint: "{{ sim_url }}"
        project_id: "{{ project_id }}"
        auth_token: sim-token
        ca_path: "{{ ca }}"
        cluster_name: cdm-stopped
      environment: {REQUESTS_CA_BUNDLE: "{{ other_ca }}"}
      register: ca_path_passes

    - name: password auth with ca_path (IAM and AOS over HTTPS)
      hwcloud.cloud.stack_lifecycle:
        endpoint: "{{ sim_url }}"
        identity_endpoint: "{{ sim_url }}/v3"
        project_id: "{{ project_id }}"
        user_name: sim-user
        password: sim-password
        domain_name: sim-domain
        ca_path: "{{ ca }}"
        stack_id: "{{ stack_id }}"
        lifecycle: create
      register: iam_ca_path_passes

    - name: validate_certs false wins over a wrong ca_path and REQUESTS_CA_BUNDLE
      hwcloud.cloud.stack_lifecycle:
        endpoint: "{{ sim_url }}"
        auth_token: sim-token
        validate_certs: false
        ca_path: "{{ other_ca }}"
        stack_id: "{{ stack_id }}"
        lifecycle: create
      environment: {REQUESTS_CA_BUNDLE: "{{ other_ca }}"}
      register: no_validation_passes

    - name: default validate_certs, the CA trusted through REQUESTS_CA_BUNDLE
      hwcloud.cloud.cluster_stop:
        endpoint: "{{ sim_url }}"
        project_id: "{{ project_id }}"
        auth_token: sim-token
        cluster_name: cdm-stopped
      environment: {REQUESTS_CA_BUNDLE: "{{ ca }}"}
      register: env_bundle_passes

    - name: Save the results
      ansible.builtin.copy:
        dest: "{{ results_file }}"
        content: "{{ {'default_fails': default_fails, 'iam_fails': iam_fails, 'wrong_ca_fails': wrong_ca_fails,
                      'ca_path_passes': ca_path_passes, 'iam_ca_path_passes': iam_ca_path_passes,
                      'no_validation_passes': no_validation_passes, 'env_bundle_passes': env_bundle_passes} | to_json }}"
        mode: "0600"
"""


def test_certificate_validation(sim_factory, run_playbook, pki, hw):
    sim = sim_factory(tls=(pki["cert"], pki["key"]))
    assert sim.url.startswith("https://127.0.0.1:")
    extra_vars = {"sim_url": sim.url, "project_id": hw.PROJECT_ID, "stack_id": hw.STACK_ID,
                  "ca": pki["ca"], "other_ca": pki["other_ca"]}
    rc, out = run_playbook(PLAYBOOK, extra_vars=extra_vars)
    assert rc == 0, out
    assert "Traceback" not in out and "MODULE FAILURE" not in out
    results = run_playbook.results()
    for name in ("default_fails", "iam_fails", "wrong_ca_fails"):
        result = results[name]
        assert result["failed"] is True, (name, result)
        assert "certificate verify failed" in result["msg"], (name, result["msg"])
        assert "ca_path" in result["msg"] and "validate_certs" in result["msg"], result["msg"]
        assert "module_stderr" not in result
    assert results["iam_fails"]["msg"].startswith("Requesting an IAM token")
    for name in ("ca_path_passes", "iam_ca_path_passes", "no_validation_passes", "env_bundle_passes"):
        assert not results[name].get("failed") and results[name]["changed"] is False, (name, results[name])
    # The refused handshakes never became requests; the accepted ones did.
    log = hw.sim_requests(sim)
    assert [e["service"] for e in log] == ["cdm", "iam", "aos", "aos", "cdm"], log
    assert log[1]["path"] == "/v3/auth/tokens" and log[2]["auth"] == "token"
