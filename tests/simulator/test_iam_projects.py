"""IAM's project listing (shared/api/iam.md "Finding the project from the region"), driven by the official SDK."""

import pytest
import requests

from simhelpers import AK, CLUSTER, PROJECT, SK, TOKEN, sign_request

credentials_module = pytest.importorskip("huaweicloudsdkcore.auth.credentials")
iam_v3 = pytest.importorskip("huaweicloudsdkiam.v3")
cdm_v1 = pytest.importorskip("huaweicloudsdkcdm.v1")
region_module = pytest.importorskip("huaweicloudsdkcore.region.region")
exceptions = pytest.importorskip("huaweicloudsdkcore.exceptions.exceptions")

REGION = "ap-southeast-1"
OTHER_PROJECT = "9d3c1f0e2b4a4c6d8e0f1a2b3c4d5e6f"


def two_accounts(sim):
    """The default seed plus a second account (its own user, key and a project named like the region)."""
    seed = sim.state.export()
    seed["projects"].append({"id": OTHER_PROJECT, "name": REGION, "domain": "other-domain"})
    seed["credentials"].append({"access_key": "OTHERACCESSKEY00", "secret_key": "other-sk", "domain": "other-domain"})
    sim.reset(seed)


def iam_client(sim, ak=AK, sk=SK):
    credentials = credentials_module.GlobalCredentials(ak, sk, "sim-domain-id")
    return iam_v3.IamClient.new_builder().with_credentials(credentials).with_endpoints([sim.url]).build()


def test_sdk_lists_the_project_of_a_region(sim):
    response = iam_client(sim).keystone_list_projects(iam_v3.KeystoneListProjectsRequest(name=REGION))

    [project] = response.projects
    assert (project.id, project.name, project.enabled, project.is_domain) == (PROJECT, REGION, True, False)
    assert project.domain_id == project.parent_id and len(project.domain_id) == 32
    [call] = sim.log.list()
    assert (call["method"], call["path"], call["query"], call["auth"], call["status"]) == (
        "GET", "/v3/projects", {"name": REGION}, "aksk", 200)
    assert "X-Project-Id" not in call["headers"]


def test_sdk_finds_the_project_itself_when_given_only_a_region(sim, monkeypatch):
    """A CDM client built with a region and no project id asks IAM, then calls CDM in that project."""
    monkeypatch.setenv("HUAWEICLOUD_SDK_IAM_ENDPOINT", sim.url)
    monkeypatch.setattr(credentials_module.BasicCredentials, "_CACHE", {})
    credentials = credentials_module.BasicCredentials(AK, SK)
    client = cdm_v1.CdmClient.new_builder().with_credentials(credentials) \
        .with_region(region_module.Region(REGION, sim.url)).build()

    response = client.show_cluster_detail(cdm_v1.ShowClusterDetailRequest(cluster_id=CLUSTER))

    assert response.name == "cdm-demo"
    assert [(e["path"], e["status"]) for e in sim.log.list()] == [
        ("/v3/projects", 200), ("/v1.1/%s/clusters/%s" % (PROJECT, CLUSTER), 200)]


def test_only_the_callers_own_account_is_listed(sim):
    two_accounts(sim)

    mine = iam_client(sim).keystone_list_projects(iam_v3.KeystoneListProjectsRequest(name=REGION)).projects
    theirs = iam_client(sim, "OTHERACCESSKEY00", "other-sk").keystone_list_projects(
        iam_v3.KeystoneListProjectsRequest(name=REGION)).projects
    every = iam_client(sim).keystone_list_projects(iam_v3.KeystoneListProjectsRequest()).projects
    # Filtering by the other account's id still shows nothing of it.
    other_domain = theirs[0].domain_id
    by_their_domain = iam_client(sim).keystone_list_projects(iam_v3.KeystoneListProjectsRequest(domain_id=other_domain))

    assert [p.id for p in mine] == [PROJECT]
    assert [p.id for p in theirs] == [OTHER_PROJECT]
    assert [p.id for p in every] == [PROJECT]
    assert other_domain != mine[0].domain_id
    assert by_their_domain.projects == []


def test_unknown_region_is_an_empty_list_and_the_sdk_says_so(sim, monkeypatch):
    assert iam_client(sim).keystone_list_projects(iam_v3.KeystoneListProjectsRequest(name="eu-west-0")).projects == []

    monkeypatch.setenv("HUAWEICLOUD_SDK_IAM_ENDPOINT", sim.url)
    monkeypatch.setattr(credentials_module.BasicCredentials, "_CACHE", {})
    with pytest.raises(exceptions.SdkException) as failed:
        cdm_v1.CdmClient.new_builder().with_credentials(credentials_module.BasicCredentials(AK, SK)) \
            .with_region(region_module.Region("eu-west-0", sim.url)).build()
    assert "Failed to get project id of region 'eu-west-0'" in str(failed.value)


def test_token_and_domain_scoped_token_list_projects(sim):
    with_token = requests.get(sim.url + "/v3/projects", params={"name": REGION}, headers={"X-Auth-Token": TOKEN}, timeout=5)
    scoped = requests.post(sim.url + "/v3/auth/tokens", timeout=5, json={"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": "sim-user", "password": "sim-password", "domain": {"name": "sim-domain"}}}},
        "scope": {"domain": {"name": "sim-domain"}}}})
    with_domain_token = requests.get(sim.url + "/v3/projects", params={"name": REGION},
                                     headers={"X-Auth-Token": scoped.headers["X-Subject-Token"]}, timeout=5)

    assert [p["id"] for p in with_token.json()["projects"]] == [PROJECT]
    assert scoped.status_code == 201 and scoped.json()["token"]["domain"]["name"] == "sim-domain"
    assert "project" not in scoped.json()["token"]
    assert [p["id"] for p in with_domain_token.json()["projects"]] == [PROJECT]


@pytest.mark.parametrize("headers, query, status, message", [
    ({}, {"name": REGION}, 401, "requires authentication"),
    ({"X-Auth-Token": "nope"}, {}, 401, "unknown token"),
    ({"X-Auth-Token": TOKEN}, {"per_page": "0"}, 400, "per_page must be an integer from 1 to 5000"),
    ({"X-Auth-Token": TOKEN}, {"enabled": "maybe"}, 400, "enabled must be true or false"),
])
def test_project_listing_refusals_in_iam_shape(sim, headers, query, status, message):
    answer = requests.get(sim.url + "/v3/projects", params=query, headers=headers, timeout=5)

    assert answer.status_code == status
    assert message in answer.json()["error"]["message"]


def test_wrong_signature_is_refused(sim):
    url = sim.url + "/v3/projects?name=" + REGION
    answer = requests.get(url, headers=sign_request("GET", url, sk="wrong"), timeout=5)
    assert answer.status_code == 401 and "signature mismatch" in answer.json()["error"]["message"]


def test_password_token_only_for_a_project_of_the_users_account(sim):
    two_accounts(sim)
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "sim-user", "password": "sim-password", "domain": {"name": "sim-domain"}}}},
        "scope": {"project": {"id": OTHER_PROJECT}}}}

    answer = requests.post(sim.url + "/v3/auth/tokens", json=body, timeout=5)

    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == "The project %s does not exist." % OTHER_PROJECT
