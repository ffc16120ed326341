"""Helpers shared by the simulator tests (kept out of conftest so tests can import them)."""

import contextlib
import datetime
import hashlib
import hmac
import os
import sys
import time
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import requests

# Let `pytest tests/simulator` work even when PYTHONPATH=simulator was forgotten.
SIM_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "simulator"))
if SIM_DIR not in sys.path:
    sys.path.insert(0, SIM_DIR)

from hwcloud_sim import server  # noqa: E402  pylint: disable=wrong-import-position

PROJECT = "0605767a2c80d5a62f5cc0123456789a"
CLUSTER = "bae65496-643e-47ca-84af-948672de7eeb"
STOPPED_CLUSTER = "5c9e2a41-7d3b-4f0e-9a6c-1b2d3e4f5a6b"
STACK = "stack-demo-0001"
ABNORMAL_STACK = "stack-abnormal-0001"
AK = "SIMACCESSKEY0000"
SK = "sim-secret-key"
TOKEN = "sim-token"
TOKEN_HEADERS = {"X-Auth-Token": TOKEN, "Content-Type": "application/json;charset=UTF-8"}
TRANSITION = 0.2

# A small RFS template: a VPC and var.disks disks, two outputs (test_rfs.py, test_rfs_sdk.py).
RFS_TEMPLATE = '''
variable "vpc_name" {
  default = "vpc-a"
}
variable "disks" {
  default = 1
}
resource "huaweicloud_vpc" "vpc" {
  name = var.vpc_name
  cidr = "10.0.0.0/16"
}
resource "huaweicloud_evs_volume" "disk" {
  count = var.disks
  name  = "${var.vpc_name}-disk-${count.index}"
  size  = 10
}
output "vpc_name" {
  value = var.vpc_name
}
output "vpc_id" {
  value = huaweicloud_vpc.vpc.id
}
'''


@contextlib.contextmanager
def running_simulator(transition_seconds):
    """An in-process simulator for a session fixture (tests/simulator, tests/unit); stopped on exit."""
    simulator = server.start(transition_seconds=transition_seconds)
    try:
        yield simulator
    finally:
        simulator.stop()


def cdm_url(sim, *parts, project=PROJECT):
    return "/".join([sim.url, "v1.1", project, "clusters"] + list(parts))


def sim_upsert(sim, kind, **fields):
    """Create or change a resource of the simulator's state (``kind``: clusters, stacks); the stored resource."""
    resp = requests.post(sim.url + "/_sim/" + kind, json=fields, timeout=5)
    assert resp.status_code == 200, resp.text
    return resp.json()


def break_state(monkeypatch, sim, method):
    """Make ``sim.state.<method>`` raise, as a bug in the simulator would."""
    def boom(*_args, **_kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(sim.state, method, boom)


def wait_for(check, timeout=5.0, interval=0.02):
    """Poll ``check`` until it returns something truthy; return that value."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not met within %.1f s" % timeout)
        time.sleep(interval)


def _enc(text):
    return quote(text, safe="~")


def sign_request(method, url, headers=None, body=b"", ak=AK, sk=SK, sdk_date=None):
    """A deliberately tiny SDK-HMAC-SHA256 signer, independent of the simulator's verifier.

    Signs every header it is given plus Host and X-Sdk-Date; returns the headers to send.
    """
    parts = urlsplit(url)
    headers = dict(headers or {})
    if sdk_date is None:
        sdk_date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    headers["X-Sdk-Date"] = sdk_date
    headers["Host"] = parts.netloc
    lowered = {k.lower(): str(v).strip() for k, v in headers.items()}
    names = sorted(lowered)
    uri = "/".join(_enc(unquote(seg)) for seg in parts.path.split("/"))
    if not uri.endswith("/"):
        uri += "/"
    query = "&".join("%s=%s" % (_enc(k), _enc(v)) for k, v in sorted(parse_qsl(parts.query, keep_blank_values=True)))
    canonical = "\n".join([
        method,
        uri,
        query,
        "".join("%s:%s\n" % (n, lowered[n]) for n in names),
        ";".join(names),
        hashlib.sha256(body or b"").hexdigest(),
    ])
    to_sign = "SDK-HMAC-SHA256\n%s\n%s" % (sdk_date, hashlib.sha256(canonical.encode()).hexdigest())
    signature = hmac.new(sk.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    headers["Authorization"] = "SDK-HMAC-SHA256 Access=%s, SignedHeaders=%s, Signature=%s" % (ak, ";".join(names), signature)
    return headers
