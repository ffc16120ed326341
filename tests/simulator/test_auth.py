import datetime
import json

import pytest
import requests

from simhelpers import AK, CLUSTER, PROJECT, SK, STACK, cdm_url, sign_request

IAM_BODY = {"auth": {
    "identity": {"methods": ["password"],
                 "password": {"user": {"name": "sim-user", "password": "sim-password", "domain": {"name": "sim-domain"}}}},
    "scope": {"project": {"id": PROJECT}}}}


def iam(sim, body):
    return requests.post(sim.url + "/v3/auth/tokens", json=body, timeout=5)


def with_password(password):
    body = json.loads(json.dumps(IAM_BODY))
    body["auth"]["identity"]["password"]["user"]["password"] = password
    return body


# ------------------------------------------------------------------ IAM


def test_iam_token_by_project_id_then_use_it(sim):
    resp = iam(sim, IAM_BODY)
    assert resp.status_code == 201
    token = resp.headers["X-Subject-Token"]
    body = resp.json()["token"]
    assert body["expires_at"].endswith("Z")
    assert body["methods"] == ["password"]
    assert body["project"] == {"id": PROJECT, "name": "ap-southeast-1",
                               "domain": {"id": body["project"]["domain"]["id"], "name": "sim-domain"}}
    assert body["user"]["name"] == "sim-user" and body["user"]["domain"] == {"name": "sim-domain"}
    assert token != "sim-token"
    resp = requests.get(cdm_url(sim, CLUSTER), headers={"X-Auth-Token": token}, timeout=5)
    assert resp.status_code == 200


def test_iam_token_by_project_name(sim):
    body = json.loads(json.dumps(IAM_BODY))
    body["auth"]["scope"] = {"project": {"name": "ap-southeast-1"}}
    resp = iam(sim, body)
    assert resp.status_code == 201 and resp.json()["token"]["project"]["id"] == PROJECT


def test_iam_wrong_password(sim):
    resp = iam(sim, with_password("wrong"))
    assert resp.status_code == 401
    assert resp.json() == {"error": {"code": 401, "message": "The username or password is wrong.", "title": "Unauthorized"}}
    assert "X-Subject-Token" not in resp.headers


@pytest.mark.parametrize("body", [
    {"auth": {}},
    {"auth": {"identity": {"methods": ["token"], "password": IAM_BODY["auth"]["identity"]["password"]}}},
    "not an object",
])
def test_iam_malformed(sim, body):
    resp = iam(sim, body)
    assert resp.status_code == 400
    err = resp.json()["error"]
    assert err["code"] == 400 and err["title"] == "Bad Request" and err["message"]


def test_iam_unknown_project(sim):
    body = json.loads(json.dumps(IAM_BODY))
    body["auth"]["scope"] = {"project": {"name": "cn-nowhere-9"}}
    resp = iam(sim, body)
    assert resp.status_code in (400, 401)
    assert set(resp.json()["error"]) == {"code", "message", "title"}


def test_iam_password_not_in_request_log(sim):
    iam(sim, IAM_BODY)
    entry = requests.get(sim.url + "/_sim/requests", timeout=5).json()[-1]
    assert entry["auth"] == "iam" and entry["service"] == "iam" and entry["status"] == 201
    assert "sim-password" not in json.dumps(entry)


# ---------------------------------------------------------------- tokens


@pytest.mark.parametrize("headers, reason", [
    ({}, "no X-Auth-Token"),
    ({"X-Auth-Token": "bogus"}, "unknown token"),
    ({"Authorization": "Bearer abc"}, "unsupported Authorization"),
])
def test_token_rejected(sim, headers, reason):
    resp = requests.get(cdm_url(sim), headers=headers, timeout=5)
    assert resp.status_code == 401
    body = resp.json()
    assert body["error_code"] == "APIGW.0301"
    assert body["error_msg"].startswith("Incorrect IAM authentication information") and reason in body["error_msg"]
    assert body["request_id"] == resp.headers["X-Request-Id"]


def test_expired_token(sim):
    state = requests.get(sim.url + "/_sim/state", timeout=5).json()
    state["tokens"].append({"token": "old-token", "project_id": PROJECT, "expires_at": "2020-01-01T00:00:00Z"})
    requests.put(sim.url + "/_sim/state", json=state, timeout=5)
    resp = requests.get(cdm_url(sim), headers={"X-Auth-Token": "old-token"}, timeout=5)
    assert resp.status_code == 401 and "expired" in resp.json()["error_msg"]


def test_token_ttl_setting_applies_to_issued_tokens(sim):
    state = requests.get(sim.url + "/_sim/state", timeout=5).json()
    state["settings"]["token_ttl_seconds"] = 0
    requests.put(sim.url + "/_sim/state", json=state, timeout=5)
    token = iam(sim, IAM_BODY).headers["X-Subject-Token"]
    resp = requests.get(cdm_url(sim), headers={"X-Auth-Token": token}, timeout=5)
    assert resp.status_code == 401 and "expired" in resp.json()["error_msg"]


# ----------------------------------------------------------------- AK/SK


def signed_get(url, extra=None, **kwargs):
    headers = {"X-Project-Id": PROJECT}
    headers.update(extra or {})
    return requests.get(url, headers=sign_request("GET", url, headers, **kwargs), timeout=5)


def test_aksk_get_and_post_accepted(sim):
    resp = signed_get(cdm_url(sim, CLUSTER))
    assert resp.status_code == 200, resp.text
    url = sim.url + "/v2/stacks?name=web&project_id=" + PROJECT
    assert [s["guid"] for s in signed_get(url).json()] == [STACK]
    body = json.dumps({"stop": {"stopMode": "IMMEDIATELY"}}).encode()
    url = cdm_url(sim, CLUSTER, "action")
    headers = sign_request("POST", url, {"X-Project-Id": PROJECT, "Content-Type": "application/json;charset=UTF-8"}, body)
    resp = requests.post(url, data=body, headers=headers, timeout=5)
    assert resp.status_code == 200, resp.text
    entry = requests.get(sim.url + "/_sim/requests", timeout=5).json()[-1]
    assert entry["auth"] == "aksk"
    assert entry["headers"]["Authorization"] == "<redacted>"


def test_aksk_percent_encoded_path_and_query(sim):
    url = sim.url + "/v2/stacks?name=a%20b%2Fc&project_id=" + PROJECT
    assert signed_get(url).status_code == 200
    url = sim.url + "/v2/stacks/st%40ck"
    assert signed_get(url).status_code == 404


def test_aksk_bad_signature(sim):
    resp = signed_get(cdm_url(sim), sk="wrong-secret")
    assert resp.status_code == 401 and "signature mismatch" in resp.json()["error_msg"]


def test_aksk_tampered_body(sim):
    url = cdm_url(sim, CLUSTER, "action")
    headers = sign_request("POST", url, {"X-Project-Id": PROJECT}, b'{"stop": {}}')
    resp = requests.post(url, data=b'{"start": {}}', headers=headers, timeout=5)
    assert resp.status_code == 401 and "signature mismatch" in resp.json()["error_msg"]


def test_aksk_unknown_key(sim):
    resp = signed_get(cdm_url(sim), ak="NOSUCHKEY")
    assert resp.status_code == 401 and "unknown access key" in resp.json()["error_msg"]


def test_aksk_clock_skew(sim):
    old = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=16)).strftime("%Y%m%dT%H%M%SZ")
    resp = signed_get(cdm_url(sim), sdk_date=old)
    assert resp.status_code == 401 and "15 minutes" in resp.json()["error_msg"]
    near = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=14)).strftime("%Y%m%dT%H%M%SZ")
    assert signed_get(cdm_url(sim), sdk_date=near).status_code == 200


def test_aksk_signed_headers_must_include_host_and_date(sim):
    url = cdm_url(sim)
    headers = sign_request("GET", url, {"X-Project-Id": PROJECT})
    headers["Authorization"] = headers["Authorization"].replace("SignedHeaders=host;", "SignedHeaders=")
    resp = requests.get(url, headers=headers, timeout=5)
    assert resp.status_code == 401 and "host and x-sdk-date" in resp.json()["error_msg"]


def test_aksk_malformed_authorization(sim):
    resp = requests.get(cdm_url(sim), headers={"Authorization": "SDK-HMAC-SHA256 garbage", "X-Project-Id": PROJECT}, timeout=5)
    assert resp.status_code == 401 and "malformed" in resp.json()["error_msg"]


OWN_SECOND_PROJECT = "5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e"


def test_aksk_project_header_required_and_checked(sim):
    url = cdm_url(sim)
    resp = requests.get(url, headers=sign_request("GET", url, {}), timeout=5)
    assert resp.status_code == 403 and resp.json()["error_code"] == "APIGW.0302"
    # A project that is not the key's account's fails the authentication itself, as IAM's does.
    resp = signed_get(url, {"X-Project-Id": "ffffffffffffffffffffffffffffffff"})
    assert resp.status_code == 401 and resp.json()["error_code"] == "APIGW.0301"
    assert "project ffffffffffffffffffffffffffffffff (X-Project-Id) is not a project of account sim-domain" in resp.json()["error_msg"]
    # One of the account's projects, but not the one in the path.
    other = cdm_url(sim, project=OWN_SECOND_PROJECT)
    sim.state.projects.append({"id": OWN_SECOND_PROJECT, "name": "eu-west-101", "domain": "sim-domain"})
    resp = signed_get(other, {"X-Project-Id": PROJECT})
    assert resp.status_code == 403 and "project mismatch" in resp.json()["error_msg"]


def test_aksk_security_token(sim):
    state = requests.get(sim.url + "/_sim/state", timeout=5).json()
    state["credentials"].append({"access_key": "TEMPKEY", "secret_key": "temp-secret", "security_token": "stoken"})
    requests.put(sim.url + "/_sim/state", json=state, timeout=5)
    url = cdm_url(sim)
    resp = signed_get(url, ak="TEMPKEY", sk="temp-secret")
    assert resp.status_code == 401 and "X-Security-Token" in resp.json()["error_msg"]
    resp = signed_get(url, {"X-Security-Token": "wrong"}, ak="TEMPKEY", sk="temp-secret")
    assert resp.status_code == 401 and "X-Security-Token" in resp.json()["error_msg"]
    resp = signed_get(url, {"X-Security-Token": "stoken"}, ak="TEMPKEY", sk="temp-secret")
    assert resp.status_code == 200
    entry = requests.get(sim.url + "/_sim/requests", timeout=5).json()[-1]
    assert entry["headers"]["X-Security-Token"] == "<redacted>"


def _sdk_send(sim, method, path, query=None, body=None):
    signer_mod = pytest.importorskip("huaweicloudsdkcore.signer.signer")
    request_mod = pytest.importorskip("huaweicloudsdkcore.sdk_request")
    credentials_mod = pytest.importorskip("huaweicloudsdkcore.auth.credentials")
    host = sim.url.split("://", 1)[1]
    headers = {"X-Project-Id": PROJECT, "Content-Type": "application/json;charset=UTF-8"}
    request = request_mod.SdkRequest(method=method, schema="http", host=host, resource_path=path,
                                     query_params=list((query or {}).items()), header_params=headers,
                                     body=json.dumps(body).encode() if body is not None else "")
    signer_mod.Signer(credentials_mod.BasicCredentials(AK, SK, PROJECT)).sign(request)
    return requests.request(method, sim.url + request.uri, headers=request.header_params, data=request.body or None, timeout=5)


def test_official_sdk_signer_accepted(sim):
    resp = _sdk_send(sim, "GET", "/v1.1/%s/clusters/%s" % (PROJECT, CLUSTER))
    assert resp.status_code == 200, resp.text
    resp = _sdk_send(sim, "GET", "/v2/stacks", {"project_id": PROJECT, "name": "web"})
    assert resp.status_code == 200 and resp.json()[0]["guid"] == STACK, resp.text
    resp = _sdk_send(sim, "PUT", "/v2/stacks/%s/actions" % STACK, body={"lifecycle": "upgrade", "inputs": {"param1": "sdk"}})
    assert resp.status_code == 200, resp.text
    resp = _sdk_send(sim, "POST", "/v1.1/%s/clusters/%s/action" % (PROJECT, CLUSTER), body={"stop": {"stopMode": "GRACEFULLY", "delayTime": -1}})
    assert resp.status_code == 200, resp.text


def test_official_sdk_signer_wrong_secret_rejected(sim):
    signer_mod = pytest.importorskip("huaweicloudsdkcore.signer.signer")
    request_mod = pytest.importorskip("huaweicloudsdkcore.sdk_request")
    credentials_mod = pytest.importorskip("huaweicloudsdkcore.auth.credentials")
    host = sim.url.split("://", 1)[1]
    request = request_mod.SdkRequest(method="GET", schema="http", host=host, resource_path="/v1.1/%s/clusters" % PROJECT,
                                     query_params=[], header_params={"X-Project-Id": PROJECT}, body="")
    signer_mod.Signer(credentials_mod.BasicCredentials(AK, "not-the-secret", PROJECT)).sign(request)
    resp = requests.get(sim.url + request.uri, headers=request.header_params, timeout=5)
    assert resp.status_code == 401 and "signature mismatch" in resp.json()["error_msg"]
