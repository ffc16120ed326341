import json
import os
import shutil
import signal
import subprocess
import sys

import pytest
import requests

from simhelpers import CLUSTER, PROJECT, SIM_DIR, TOKEN_HEADERS, cdm_url, wait_for
from hwcloud_sim import server


@pytest.fixture(name="tls_files", scope="module")
def tls_files_fixture(tmp_path_factory):
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl CLI not available")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = str(folder / "cert.pem"), str(folder / "key.pem")
    result = subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        capture_output=True, check=False, timeout=30)
    if result.returncode != 0:
        pytest.skip("openssl could not make a certificate: %s" % result.stderr.decode(errors="replace"))
    return cert, key


def test_tls_in_process(tls_files):
    cert, key = tls_files
    sim = server.start(tls=(cert, key), transition_seconds=0.2)
    try:
        assert sim.url.startswith("https://127.0.0.1:")
        resp = requests.get(cdm_url(sim, CLUSTER), headers=TOKEN_HEADERS, verify=cert, timeout=5)
        assert resp.status_code == 200 and resp.json()["id"] == CLUSTER
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(sim.url + "/_sim/health", timeout=5)
        # A plain-HTTP client must not wedge the server.
        with pytest.raises(requests.exceptions.ConnectionError):
            requests.get(sim.url.replace("https://", "http://") + "/_sim/health", timeout=5)
        assert requests.get(sim.url + "/_sim/health", verify=cert, timeout=5).json() == {"ok": True}
    finally:
        sim.stop()


def _launch(args, tmp_path):
    env = dict(os.environ, PYTHONPATH=SIM_DIR)
    return subprocess.Popen([sys.executable, "-m", "hwcloud_sim"] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env, cwd=str(tmp_path))


def _stop(proc, sig):
    """Send ``sig`` to a launched simulator and return its exit code; it is killed if still running after 10 s."""
    proc.send_signal(sig)
    try:
        return proc.wait(timeout=10)
    finally:
        proc.kill()
        proc.communicate()


def test_cli_port_file_log_file_state_and_sigterm(tmp_path):
    seed = {"settings": {"transition_seconds": 0.1},
            "projects": [{"id": PROJECT, "name": "ap-southeast-1"}],
            "tokens": [{"token": "sim-token", "project_id": PROJECT}],
            "clusters": [{"project_id": PROJECT, "id": CLUSTER, "name": "only-one", "status": "200"}]}
    seed_file = tmp_path / "seed.json"
    seed_file.write_text(json.dumps(seed))
    port_file = tmp_path / "port"
    log_file = tmp_path / "requests.jsonl"
    proc = _launch(["--port", "0", "--port-file", str(port_file), "--log-file", str(log_file),
                    "--state", str(seed_file), "--quiet"], tmp_path)
    try:
        line = proc.stdout.readline().decode()
        assert line.startswith("hwcloud-sim listening on http://127.0.0.1:")
        port = int(port_file.read_text().strip())
        assert line.strip().endswith(":%d" % port)
        base = "http://127.0.0.1:%d" % port
        resp = requests.get("%s/v1.1/%s/clusters" % (base, PROJECT), headers=TOKEN_HEADERS, timeout=5)
        assert [c["name"] for c in resp.json()["clusters"]] == ["only-one"]
        requests.post("%s/v1.1/%s/clusters/%s/action" % (base, PROJECT, CLUSTER), json={"stop": {}}, headers=TOKEN_HEADERS, timeout=5)
        wait_for(lambda: requests.get("%s/v1.1/%s/clusters/%s" % (base, PROJECT, CLUSTER), headers=TOKEN_HEADERS,
                                      timeout=5).json()["status"] == "900", timeout=3)
        lines = [json.loads(x) for x in log_file.read_text().splitlines()]
        assert lines[0]["path"] == "/v1.1/%s/clusters" % PROJECT and lines[0]["headers"]["X-Auth-Token"] == "<redacted>"
        assert lines[1]["method"] == "POST"
    finally:
        rc = _stop(proc, signal.SIGTERM)
    assert rc == 0
    assert not [p for p in os.listdir(str(tmp_path)) if p.startswith(".hwcloud-sim-port-")]


def test_cli_tls_and_sigint(tmp_path, tls_files):
    cert, key = tls_files
    proc = _launch(["--tls-cert", cert, "--tls-key", key, "--transition-seconds", "0.1"], tmp_path)
    try:
        line = proc.stdout.readline().decode().strip()
        assert line.startswith("hwcloud-sim listening on https://127.0.0.1:")
        url = line.rsplit(" ", 1)[1]
        assert requests.get(url + "/_sim/health", verify=cert, timeout=5).json() == {"ok": True}
        state = requests.get(url + "/_sim/state", verify=cert, timeout=5).json()
        assert state["effective_transition_seconds"] == 0.1
    finally:
        rc = _stop(proc, signal.SIGINT)
    assert rc == 0


def test_cli_bad_state_file(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    proc = _launch(["--state", str(bad)], tmp_path)
    _out, err = proc.communicate(timeout=10)
    assert proc.returncode == 2 and b"cannot load state" in err
