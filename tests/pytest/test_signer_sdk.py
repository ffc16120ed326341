"""The collection's SDK-HMAC-SHA256 signer against the official one (huaweicloudsdkcore).

Each case signs the same request on both sides, with X-Sdk-Date fixed to the same value,
and the Authorization headers must be identical. Then the client signs real calls that the
simulator verifies (it recomputes the signature independently and answers 401 on a mismatch),
including the query strings and paths of the comparison.
"""

import datetime
import functools
import json
from urllib.parse import quote, urlencode

import pytest

from ansible_collections.hwcloud.cloud.plugins.module_utils import client as client_mod
from ansible_collections.hwcloud.cloud.plugins.module_utils.client import AkSkAuth, HwCloudClient, JSON_CONTENT_TYPE
from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import HwCloudError
from ansible_collections.hwcloud.cloud.plugins.module_utils.signer import sign

sdk_signer = pytest.importorskip("huaweicloudsdkcore.signer.signer")
from huaweicloudsdkcore.auth.credentials import BasicCredentials  # noqa: E402  pylint: disable=wrong-import-position
from huaweicloudsdkcore.sdk_request import SdkRequest  # noqa: E402  pylint: disable=wrong-import-position

AK = "SIMACCESSKEY0000"
SK = "sim-secret-key"
PROJECT = "0605767a2c80d5a62f5cc0123456789a"
NOW = datetime.datetime(2024, 5, 1, 12, 34, 56, tzinfo=datetime.timezone.utc)
STAMP = "20240501T123456Z"
JSON_HEADERS = {"Content-Type": JSON_CONTENT_TYPE, "Accept": "application/json"}
CLIENT_HEADERS = dict(JSON_HEADERS, **{"X-Project-Id": PROJECT})

# (id, method, host, encoded resource path, query pairs, headers, body)
CASES = [
    ("get-plain", "GET", "cdm.ap-southeast-1.myhuaweicloud.com", "/v1.1/%s/clusters" % PROJECT, [], CLIENT_HEADERS, None),
    ("get-trailing-slash", "GET", "cdm.ap-southeast-1.myhuaweicloud.com", "/v1.1/%s/clusters/" % PROJECT, [], CLIENT_HEADERS, None),
    ("get-root", "GET", "example.com", "/", [], JSON_HEADERS, None),
    ("get-host-with-port", "GET", "127.0.0.1:8443", "/v2/stacks", [], JSON_HEADERS, None),
    ("get-query-several-keys", "GET", "aos.example.com", "/v2/stacks",
     [("offset", "0"), ("limit", "10"), ("name", "web"), ("Marker", "x")], JSON_HEADERS, None),
    ("get-query-repeated-keys", "GET", "aos.example.com", "/v2/stacks",
     [("tag", "b"), ("tag", "a"), ("id", "2"), ("tag", "c"), ("id", "1")], JSON_HEADERS, None),
    ("get-query-encoding", "GET", "aos.example.com", "/v2/stacks",
     [("name", "a b/c+d&e=f?"), ("q", "\u4e2d\u6587"), ("k~", "~v"), ("empty", ""), ("pct", "100%"), ("star", "*'()!")],
     JSON_HEADERS, None),
    ("get-query-order-changes-when-encoded", "GET", "aos.example.com", "/v2/stacks",
     [("Z", "1"), ("[", "2"), ("k", "~"), ("k", "\u00e9"), ("a-b", "1"), ("a b", "2")], JSON_HEADERS, None),
    ("get-path-encoding", "GET", "aos.example.com", "/v2/stacks/%s" % quote("my stack/\u4e2d~*@:!$&'()", safe=""), [],
     JSON_HEADERS, None),
    ("get-path-and-query-encoding", "GET", "aos.example.com", "/v2/stacks/%s/actions" % quote("a+b c", safe=""),
     [("x y", "1+1=2")], JSON_HEADERS, None),
    ("post-body", "POST", "cdm.example.com", "/v1.1/%s/clusters/abc/action" % PROJECT, [], CLIENT_HEADERS,
     b'{"stop":{"stopMode":"IMMEDIATELY"}}'),
    ("post-body-and-query", "POST", "cdm.example.com", "/v1.1/%s/clusters/abc/action" % PROJECT,
     [("dry", "true"), ("a", "\u00e9 z")], CLIENT_HEADERS, b'{"stop":{}}'),
    ("post-unicode-body", "POST", "cdm.example.com", "/v1/x", [], JSON_HEADERS,
     json.dumps({"name": "\u4e2d\u6587 \u00e9"}, ensure_ascii=False).encode("utf-8")),
    ("post-empty-body", "POST", "cdm.example.com", "/v1/x", [], JSON_HEADERS, b""),
    ("put-body-path-encoding", "PUT", "aos.example.com", "/v2/stacks/%s/actions" % quote("s 1", safe=""), [],
     dict(JSON_HEADERS, **{"X-Project-Id": PROJECT}), b'{"action":"upgrade","inputs":{"a":"b"}}'),
    ("delete-no-body", "DELETE", "aos.example.com", "/v2/stacks/s1", [("force", "true")], JSON_HEADERS, None),
    ("temporary-credentials", "GET", "cdm.example.com", "/v1.1/%s/clusters" % PROJECT, [],
     dict(CLIENT_HEADERS, **{"X-Security-Token": "gQpjbi1ub3J0aC00ZTk+temporary/token=="}), None),
    ("header-values-trimmed-names-mixed-case", "GET", "cdm.example.com", "/v1/x", [],
     {"content-TYPE": "  application/json ", "X-Custom": " spaced value  ", "x-project-id": PROJECT}, None),
    ("header-with-underscore-not-signed", "GET", "cdm.example.com", "/v1/x", [],
     dict(JSON_HEADERS, **{"X_Custom_Header": "not signed"}), None),
    ("unsigned-payload", "PUT", "obs.example.com", "/bucket/object", [],
     {"Content-Type": "application/octet-stream", "X-Sdk-Content-Sha256": "UNSIGNED-PAYLOAD"}, b"\x00\x01binary"),
]


def official_authorization(method, host, path, query, headers, body, access_key=AK, secret_key=SK):
    header_params = dict(headers)
    header_params["X-Sdk-Date"] = STAMP
    request = SdkRequest(method=method, schema="https", host=host, resource_path=path,
                         query_params=list(query), header_params=header_params, body=body)
    sdk_signer.Signer(BasicCredentials(access_key, secret_key)).sign(request)
    return request.header_params["Authorization"]


def url_of(host, path, query, scheme="https"):
    url = "%s://%s%s" % (scheme, host, path)
    if query:
        url += "?" + urlencode(query, quote_via=quote)
    return url


@pytest.mark.parametrize("method, host, path, query, headers, body", [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_signature_equals_official_sdk(method, host, path, query, headers, body):
    ours = sign(method, url_of(host, path, query), headers, body, AK, SK, now=NOW)
    assert ours["X-Sdk-Date"] == STAMP
    assert ours["Host"] == host
    assert ours["Authorization"] == official_authorization(method, host, path, query, headers, body)


def test_signature_depends_on_every_input():
    base = ("POST", "h.example.com", "/v1/x", [("a", "1")], JSON_HEADERS, b'{"a":1}')
    reference = sign(base[0], url_of(*base[1:4]), base[4], base[5], AK, SK, now=NOW)["Authorization"]
    variants = [
        ("PUT",) + base[1:],
        (base[0], "other.example.com") + base[2:],
        base[:2] + ("/v1/y",) + base[3:],
        base[:3] + ([("a", "2")],) + base[4:],
        base[:4] + (dict(JSON_HEADERS, **{"X-Project-Id": "p"}),) + base[5:],
        base[:5] + (b'{"a":2}',),
    ]
    for variant in variants:
        assert sign(variant[0], url_of(*variant[1:4]), variant[4], variant[5], AK, SK, now=NOW)["Authorization"] != reference
    assert sign(base[0], url_of(*base[1:4]), base[4], base[5], AK, "other-sk", now=NOW)["Authorization"] != reference


def test_client_headers_equal_official_sdk(monkeypatch):
    """What AkSkAuth adds to a real call (X-Project-Id, X-Security-Token, signature) is what the SDK signs."""
    monkeypatch.setattr(client_mod, "sign", functools.partial(sign, now=NOW))
    auth = AkSkAuth(AK, SK, security_token="temporary-token", project_id=PROJECT)
    body = b'{"stop":{}}'
    path = "/v1.1/%s/clusters/abc/action" % PROJECT
    added = auth.headers(None, "POST", "https://cdm.example.com" + path, dict(JSON_HEADERS), body)
    assert added["X-Project-Id"] == PROJECT and added["X-Security-Token"] == "temporary-token"
    assert added["X-Sdk-Date"] == STAMP and added["Host"] == "cdm.example.com"
    sdk_headers = dict(JSON_HEADERS, **{"X-Project-Id": PROJECT, "X-Security-Token": "temporary-token"})
    assert added["Authorization"] == official_authorization("POST", "cdm.example.com", path, [], sdk_headers, body)
    assert "SignedHeaders=accept;content-type;host;x-project-id;x-sdk-date;x-security-token," in added["Authorization"]


# ------------------------------------------------------------------ against the simulator

def _aksk_client(secret_key=SK, security_token=None, access_key=AK):
    return HwCloudClient(AkSkAuth(access_key, secret_key, security_token, PROJECT), max_retries=0, request_timeout=10)


@pytest.mark.parametrize("query", [
    [],
    [("offset", "0"), ("limit", "10")],
    [("tag", "b"), ("tag", "a"), ("tag", "c")],
    [("name", "a b/c+d&e=f?"), ("q", "\u4e2d\u6587"), ("k~", "~v"), ("empty", ""), ("Z", "1"), ("[", "2")],
], ids=["none", "several-keys", "repeated-keys", "encoding"])
def test_simulator_accepts_signed_reads(sim, query):
    response = _aksk_client().send("GET", url_of(sim.url.split("://")[1], "/v2/stacks", query, scheme="http"))
    assert response.status_code == 200
    entry = sim.log.list()[-1]
    assert entry["auth"] == "aksk" and entry["headers"]["X-Project-Id"] == PROJECT


def test_simulator_verifies_encoded_paths_and_bodies(sim, hw):
    client = _aksk_client()
    # A stack id needing percent-encoding: the signature is accepted, AOS answers that the stack does not exist.
    odd = quote("my stack/\u4e2d~*@:!$&'()", safe="")
    with pytest.raises(HwCloudError) as missing:
        client.request("GET", "%s/v2/stacks/%s" % (sim.url, odd))
    assert missing.value.status == 404 and "APIGW" not in (missing.value.code or "")
    # A signed POST with a body.
    answer = client.request("POST", "%s/v1.1/%s/clusters/%s/action" % (sim.url, PROJECT, hw.CLUSTER_ID),
                            {"stop": {"stopMode": "IMMEDIATELY"}})
    assert answer["jobId"]
    assert [(e["method"], e["auth"], e["status"]) for e in sim.log.list()] == [("GET", "aksk", 404), ("POST", "aksk", 200)]


def test_simulator_accepts_the_official_sdk_signature(sim):
    """The simulator agrees with the SDK too, so a match between SDK and collection is a match with the gateway's rules."""
    import requests  # pylint: disable=import-outside-toplevel
    host = sim.url.split("://")[1]
    path, query = "/v2/stacks", [("name", "a b"), ("Z", "1"), ("[", "2")]
    header_params = dict(JSON_HEADERS, **{"X-Project-Id": PROJECT})
    request = SdkRequest(method="GET", schema="http", host=host, resource_path=path, query_params=query,
                         header_params=header_params)
    sdk_signer.Signer(BasicCredentials(AK, SK)).sign(request)
    response = requests.get(sim.url + request.uri, headers=request.header_params, timeout=10)
    assert response.status_code == 200, response.text


def test_wrong_secret_key_is_refused_with_the_gateway_message(sim):
    with pytest.raises(HwCloudError) as refused:
        _aksk_client(secret_key="wrong-secret").request("GET", "%s/v2/stacks" % sim.url)
    assert refused.value.status == 401 and refused.value.code == "APIGW.0301"
    assert "Incorrect IAM authentication information: signature mismatch" in refused.value.message
    assert "wrong-secret" not in refused.value.message


def test_temporary_credentials_need_the_security_token(sim_factory, hw):
    seed = hw.default_seed()
    seed["credentials"].append({"access_key": "SIMTEMPKEY000001", "secret_key": "temp-secret", "security_token": "temp-token-1"})
    sim = sim_factory(seed)
    url = "%s/v1.1/%s/clusters" % (sim.url, PROJECT)
    assert "clusters" in _aksk_client("temp-secret", "temp-token-1", "SIMTEMPKEY000001").request("GET", url)
    entry = sim.log.list()[-1]
    assert entry["headers"]["X-Security-Token"] == "<redacted>" and entry["auth"] == "aksk"
    for token, reason in ((None, "X-Security-Token is required"), ("other-token", "X-Security-Token does not match")):
        with pytest.raises(HwCloudError) as refused:
            _aksk_client("temp-secret", token, "SIMTEMPKEY000001").request("GET", url)
        assert refused.value.status == 401 and reason in refused.value.message
