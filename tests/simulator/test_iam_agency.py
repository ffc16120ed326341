"""The simulator's IAM agency call (securitytokens, assume_role) and its ECS metadata service.

The agency call is also driven with the official SDK client (huaweicloudsdkiam), which builds the
request from its own model and signs it with its own signer.
"""

import json

import pytest
import requests

from simhelpers import AK, CLUSTER, PROJECT, SK, TOKEN, cdm_url, sign_request

SECURITYTOKENS = "/v3.0/OS-CREDENTIAL/securitytokens"
AGENCY, AGENCY_DOMAIN, AGENCY_DOMAIN_ID = "sim-agency", "sim-target-domain", "5f1c0a2b3d4e4f60a1b2c3d4e5f60718"
# The agency's account's own project and cluster in the default seed.
TARGET_PROJECT, TARGET_CLUSTER = "7b2e4c9d1f3a4e5b8c6d0a1b2c3d4e5f", "e3c1a9b7-2d4f-4e6a-8b0c-9d1e2f3a4b5c"


def assume_body(**assume_role):
    spec = {"agency_name": AGENCY, "domain_name": AGENCY_DOMAIN}
    spec.update(assume_role)
    spec = {key: value for key, value in spec.items() if value is not None}
    return {"auth": {"identity": {"methods": ["assume_role"], "assume_role": spec}}}


def assume(sim, body, headers=None):
    return requests.post(sim.url + SECURITYTOKENS, data=json.dumps(body), timeout=5,
                         headers=dict({"Content-Type": "application/json"}, **(headers or {"X-Auth-Token": TOKEN})))


def assume_signed(sim, body, ak=AK, sk=SK):
    payload = json.dumps(body).encode()
    headers = sign_request("POST", sim.url + SECURITYTOKENS, {"Content-Type": "application/json"}, payload, ak=ak, sk=sk)
    return requests.post(sim.url + SECURITYTOKENS, data=payload, headers=headers, timeout=5)


def read_cluster(sim, credential, security_token=True, project=TARGET_PROJECT, cluster=TARGET_CLUSTER):
    """A CDM read signed with temporary keys, by default in the agency's account's project."""
    headers = {"X-Project-Id": project}
    if security_token is True:
        headers["X-Security-Token"] = credential["securitytoken"]
    elif security_token:
        headers["X-Security-Token"] = security_token
    url = cdm_url(sim, cluster, project=project)
    return requests.get(url, headers=sign_request("GET", url, headers, ak=credential["access"], sk=credential["secret"]), timeout=5)


# ------------------------------------------------------------------ assume_role


@pytest.mark.parametrize("caller", ["token", "aksk"])
def test_assume_role_gives_keys_that_work_only_with_their_token(sim, caller):
    body = assume_body(duration_seconds=3600)
    answer = assume(sim, body) if caller == "token" else assume_signed(sim, body)
    assert answer.status_code == 201, answer.text
    credential = answer.json()["credential"]
    assert set(credential) == {"access", "secret", "securitytoken", "expires_at"}
    assert read_cluster(sim, credential).status_code == 200
    # The keys act in the agency's account only: not in the caller's own project.
    own = read_cluster(sim, credential, project=PROJECT, cluster=CLUSTER)
    assert own.status_code == 401 and own.json()["error_code"] == "APIGW.0301"
    assert own.json()["error_msg"] == (
        "Incorrect IAM authentication information: project %s (X-Project-Id) is not a project of account sim-target-domain, "
        "the account of access key %s" % (PROJECT, credential["access"]))
    without = read_cluster(sim, credential, security_token=False)
    assert without.status_code == 401
    assert "X-Security-Token is required for this temporary access key" in without.json()["error_msg"]
    wrong = read_cluster(sim, credential, security_token="another-token")
    assert wrong.status_code == 401 and "X-Security-Token does not match" in wrong.json()["error_msg"]
    [issued] = [c for c in sim.state.export()["credentials"] if c.get("origin")]
    assert issued["domain"] == AGENCY_DOMAIN and issued["origin"] == "agency sim-agency"
    log = sim.log.list()
    assert (log[0]["service"], log[0]["auth"], log[0]["status"]) == ("iam", caller, 201)
    assert log[0]["body"] == body


def test_assume_role_by_domain_id(sim):
    answer = assume(sim, assume_body(domain_name=None, domain_id=AGENCY_DOMAIN_ID))
    assert answer.status_code == 201


@pytest.mark.parametrize("body, status, message", [
    (assume_body(agency_name="nope"), 404, "Could not find agency nope in domain sim-target-domain."),
    (assume_body(domain_name="other-domain"), 404, "Could not find agency sim-agency in domain other-domain."),
    (assume_body(domain_id="0" * 32), 400, "Invalid request body: assume_role needs exactly one of domain_name and domain_id."),
    (assume_body(domain_name=None), 400, "Invalid request body: assume_role needs exactly one of domain_name and domain_id."),
    (assume_body(duration_seconds=899), 400, "Invalid request body: duration_seconds must be an integer from 900 to 86400."),
    (assume_body(duration_seconds="900"), 400, "Invalid request body: duration_seconds must be an integer from 900 to 86400."),
    ({"auth": {"identity": {"methods": ["password"], "assume_role": {"agency_name": AGENCY}}}}, 400,
     'Invalid request body: auth.identity.methods must be ["assume_role"].'),
    ({"auth": {"identity": {"methods": ["assume_role"]}}}, 400, "Invalid request body: auth.identity.assume_role is required."),
])
def test_assume_role_refusals_in_iam_shape(sim, body, status, message):
    answer = assume(sim, body)
    assert answer.status_code == status
    assert answer.json() == {"error": {"code": status, "message": message, "title": {400: "Bad Request", 404: "Not Found"}[status]}}
    assert [c for c in sim.state.export()["credentials"] if c.get("origin")] == []


def test_assume_role_by_an_untrusted_domain(sim):
    sim.state.agencies[0]["trusted_domains"] = ["someone-else"]
    answer = assume(sim, assume_body())
    assert answer.status_code == 403
    assert answer.json()["error"] == {"code": 403, "title": "Forbidden",
                                      "message": "Domain sim-domain is not trusted by agency sim-agency of domain sim-target-domain."}


@pytest.mark.parametrize("headers, message", [
    ({}, "The request you have made requires authentication."),
    ({"X-Auth-Token": "not-a-token"}, "The token is invalid: unknown token."),
])
def test_assume_role_needs_credentials(sim, headers, message):
    answer = assume(sim, assume_body(), headers=headers or {"X-Other": "x"})
    assert answer.status_code == 401 and answer.json()["error"]["message"] == message


def test_assume_role_with_a_wrong_signature(sim):
    answer = assume_signed(sim, assume_body(), sk="wrong-secret")
    assert answer.status_code == 401
    assert answer.json()["error"]["message"] == "The request signature is invalid: signature mismatch."


def test_temporary_keys_expire(sim):
    sim.state.settings["temporary_ttl_seconds"] = 0
    credential = assume(sim, assume_body()).json()["credential"]
    answer = read_cluster(sim, credential)
    assert answer.status_code == 401
    assert answer.json()["error_msg"] == ("Incorrect IAM authentication information: the temporary access key %s has expired"
                                          % credential["access"])
    # Expired keys cannot assume an agency either.
    again = assume_signed(sim, assume_body(), ak=credential["access"], sk=credential["secret"])
    assert again.status_code == 401


def test_seeded_temporary_key_with_an_expiry(sim):
    seed = sim.state.export()
    seed["credentials"].append({"access_key": "SIMOLDTEMPKEY001", "secret_key": "old", "security_token": "old-st",
                                "expires_at": "2020-01-01T00:00:00Z"})
    sim.reset(seed)
    answer = read_cluster(sim, {"access": "SIMOLDTEMPKEY001", "secret": "old", "securitytoken": "old-st"})
    assert answer.status_code == 401 and "has expired" in answer.json()["error_msg"]


def test_official_sdk_assumes_the_agency(sim):
    """CreateTemporaryAccessKeyByAgency of huaweicloudsdkiam, signed by the SDK's own signer, against the simulator."""
    credentials_module = pytest.importorskip("huaweicloudsdkcore.auth.credentials")
    iam_v3 = pytest.importorskip("huaweicloudsdkiam.v3")
    credentials = credentials_module.GlobalCredentials(AK, SK, "sim-domain-id")
    client = iam_v3.IamClient.new_builder().with_credentials(credentials).with_endpoints([sim.url]).build()
    request = iam_v3.CreateTemporaryAccessKeyByAgencyRequest(body=iam_v3.CreateTemporaryAccessKeyByAgencyRequestBody(
        auth=iam_v3.AgencyAuth(identity=iam_v3.AgencyAuthIdentity(
            methods=["assume_role"],
            assume_role=iam_v3.IdentityAssumerole(agency_name=AGENCY, domain_name=AGENCY_DOMAIN, duration_seconds=900)))))
    response = client.create_temporary_access_key_by_agency(request)

    credential = response.credential
    assert credential.access and credential.secret and credential.securitytoken and credential.expires_at
    assert read_cluster(sim, {"access": credential.access, "secret": credential.secret,
                              "securitytoken": credential.securitytoken}).status_code == 200
    [call] = [entry for entry in sim.log.list() if entry["path"] == SECURITYTOKENS]
    assert (call["method"], call["auth"], call["status"]) == ("POST", "aksk", 201)
    assert call["body"]["auth"]["identity"] == {"methods": ["assume_role"], "assume_role": {
        "agency_name": AGENCY, "domain_name": AGENCY_DOMAIN, "duration_seconds": 900}}

    identity = iam_v3.AgencyAuthIdentity(methods=["assume_role"],
                                         assume_role=iam_v3.IdentityAssumerole(agency_name="nope", domain_name=AGENCY_DOMAIN))
    with pytest.raises(Exception) as refused:
        client.create_temporary_access_key_by_agency(iam_v3.CreateTemporaryAccessKeyByAgencyRequest(
            body=iam_v3.CreateTemporaryAccessKeyByAgencyRequestBody(auth=iam_v3.AgencyAuth(identity=identity))))
    assert getattr(refused.value, "status_code", None) == 404


# ------------------------------------------------------------------ ECS metadata


def metadata_token(sim, ttl="21600"):
    return requests.put(sim.url + "/meta-data/latest/api/token", headers={"X-Metadata-Token-Ttl-Seconds": ttl}, timeout=5)


def security_key(sim, token=None):
    headers = {"X-Metadata-Token": token} if token else {}
    return requests.get(sim.url + "/openstack/latest/securitykey", headers=headers, timeout=5)


def test_metadata_keys_with_and_without_a_session_token(sim):
    token = metadata_token(sim)
    assert token.status_code == 200 and token.text.startswith("sim-md-")
    with_token = security_key(sim, token.text)
    plain = security_key(sim)
    assert with_token.status_code == plain.status_code == 200
    credential = with_token.json()["credential"]
    assert set(credential) == {"access", "secret", "securitytoken", "expires_at"}
    # The instance's keys are of the instance's own account (sim-domain), as its project is.
    assert read_cluster(sim, credential, project=PROJECT, cluster=CLUSTER).status_code == 200
    assert read_cluster(sim, credential, security_token=False, project=PROJECT, cluster=CLUSTER).status_code == 401
    meta = requests.get(sim.url + "/openstack/latest/meta_data.json", timeout=5).json()
    assert meta["project_id"] == PROJECT and meta["uuid"] == "3b9b8f2e-6c1d-4e7a-9f0b-2a4c6e8d0f13"
    log = sim.log.list()
    assert [(e["method"], e["service"], e["auth"]) for e in log[:3]] == [("PUT", "metadata", "none"), ("GET", "metadata", "none"),
                                                                         ("GET", "metadata", "none")]
    assert log[1]["headers"]["X-Metadata-Token"] == "<redacted>"


def test_metadata_token_modes(sim):
    sim.state.metadata["token"] = "required"
    assert security_key(sim).status_code == 401
    assert security_key(sim, "forged").status_code == 401
    assert security_key(sim, metadata_token(sim).text).status_code == 200
    assert metadata_token(sim, ttl="0").status_code == 400
    sim.state.metadata["token"] = "unsupported"
    assert metadata_token(sim).status_code == 404
    assert security_key(sim).status_code == 200


def test_metadata_without_an_agency_or_an_instance(sim):
    sim.state.metadata["agency"] = None
    answer = security_key(sim)
    assert answer.status_code == 404 and answer.json()["error"]["message"] == "No agency is attached to this instance."
    seed = sim.state.export()
    del seed["metadata"]
    sim.reset(seed)
    for response in (metadata_token(sim), security_key(sim), requests.get(sim.url + "/openstack/latest/meta_data.json", timeout=5)):
        assert response.status_code == 404


@pytest.mark.parametrize("mode", ["optional", "required", "unsupported"])
def test_official_sdk_reads_the_instance_keys(sim, monkeypatch, mode):
    """The SDK's own metadata client (session token first, as it does on ECS), pointed at the simulator."""
    internal = pytest.importorskip("huaweicloudsdkcore.auth.internal")
    monkeypatch.setattr(internal.MetadataAccessor, "_METADATA_ENDPOINT", sim.url)
    sim.state.metadata["token"] = mode
    credential = internal.MetadataAccessor().get_credential()

    assert credential.access.startswith("SIMTMP") and credential.secret and credential.security_token
    assert read_cluster(sim, {"access": credential.access, "secret": credential.secret,
                              "securitytoken": credential.security_token}, project=PROJECT, cluster=CLUSTER).status_code == 200
    calls = [(entry["method"], entry["path"], entry["status"]) for entry in sim.log.list() if entry["service"] == "metadata"]
    assert calls == [("PUT", "/meta-data/latest/api/token", 404 if mode == "unsupported" else 200),
                     ("GET", "/openstack/latest/securitykey", 200)]
