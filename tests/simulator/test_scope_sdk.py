"""A token or an AK/SK signature is good only for the projects of its own account; an agency's keys only in
the agency's account. Driven with the official clients: huaweicloudsdkcdm for the service calls,
huaweicloudsdkiam for the agency's temporary keys."""

import pytest
import requests

from simhelpers import AK, CLUSTER, PROJECT, SK, STACK

cdm = pytest.importorskip("huaweicloudsdkcdm.v1")
iam = pytest.importorskip("huaweicloudsdkiam.v3")
credentials_module = pytest.importorskip("huaweicloudsdkcore.auth.credentials")
http_config = pytest.importorskip("huaweicloudsdkcore.http.http_config")
exceptions = pytest.importorskip("huaweicloudsdkcore.exceptions.exceptions")

# The default seed's second account: the one that owns the agency, with its own project and cluster.
TARGET_PROJECT, TARGET_CLUSTER = "7b2e4c9d1f3a4e5b8c6d0a1b2c3d4e5f", "e3c1a9b7-2d4f-4e6a-8b0c-9d1e2f3a4b5c"
UNKNOWN_PROJECT = "ffffffffffffffffffffffffffffffff"


def cdm_client(sim, project, ak=AK, sk=SK, security_token=None):
    config = http_config.HttpConfig.get_default_config()
    config.retry_times = 0
    credentials = credentials_module.BasicCredentials(ak, sk, project)
    if security_token:
        credentials = credentials.with_security_token(security_token)
    return cdm.CdmClient.new_builder().with_http_config(config).with_credentials(credentials).with_endpoint(sim.url).build()


def agency_keys(sim):
    client = iam.IamClient.new_builder().with_credentials(credentials_module.GlobalCredentials(AK, SK, "sim-domain-id")) \
        .with_endpoints([sim.url]).build()
    request = iam.CreateTemporaryAccessKeyByAgencyRequest(body=iam.CreateTemporaryAccessKeyByAgencyRequestBody(
        auth=iam.AgencyAuth(identity=iam.AgencyAuthIdentity(methods=["assume_role"], assume_role=iam.IdentityAssumerole(
            agency_name="sim-agency", domain_name="sim-target-domain", duration_seconds=900)))))
    return client.create_temporary_access_key_by_agency(request).credential


def refused(call):
    with pytest.raises(exceptions.ClientRequestException) as caught:
        call()
    return caught.value


@pytest.mark.parametrize("project", [TARGET_PROJECT, UNKNOWN_PROJECT])
def test_aksk_for_a_project_of_another_account_is_refused_not_an_empty_list(sim, project):
    failure = refused(lambda: cdm_client(sim, project).list_clusters(cdm.ListClustersRequest()))

    assert failure.status_code == 401
    assert failure.error_code == "APIGW.0301"
    assert "project %s (X-Project-Id) is not a project of account sim-domain" % project in failure.error_msg
    assert failure.request_id == sim.log.list()[-1]["request_id"]


def test_aksk_in_its_own_project_lists_only_that_projects_clusters(sim):
    clusters = cdm_client(sim, PROJECT).list_clusters(cdm.ListClustersRequest()).clusters

    assert sorted(c.name for c in clusters) == ["cdm-demo", "cdm-stopped"]
    assert TARGET_CLUSTER not in [c.id for c in clusters]


def test_agency_keys_act_in_the_agencys_account_only(sim):
    keys = agency_keys(sim)
    theirs = cdm_client(sim, TARGET_PROJECT, keys.access, keys.secret, keys.securitytoken)
    mine = cdm_client(sim, PROJECT, keys.access, keys.secret, keys.securitytoken)

    [cluster] = theirs.list_clusters(cdm.ListClustersRequest()).clusters
    failure = refused(lambda: mine.show_cluster_detail(cdm.ShowClusterDetailRequest(cluster_id=CLUSTER)))

    assert (cluster.id, cluster.name, cluster.status) == (TARGET_CLUSTER, "cdm-stopped", "900")
    assert failure.status_code == 401 and failure.error_code == "APIGW.0301"
    assert "is not a project of account sim-target-domain" in failure.error_msg
    # The caller's own keys still work in the caller's project, and not in the agency's.
    assert cdm_client(sim, PROJECT).show_cluster_detail(cdm.ShowClusterDetailRequest(cluster_id=CLUSTER)).name == "cdm-demo"
    assert refused(lambda: cdm_client(sim, TARGET_PROJECT).list_clusters(cdm.ListClustersRequest())).status_code == 401


def test_a_token_for_another_project_is_refused(sim):
    """A token scoped to one project: another project's path is 403, a seeded token of a foreign project 401."""
    in_path = requests.get("%s/v1.1/%s/clusters" % (sim.url, TARGET_PROJECT), headers={"X-Auth-Token": "sim-token"}, timeout=5)
    seed = sim.state.export()
    seed["tokens"].append({"token": "foreign-scope", "project_id": TARGET_PROJECT, "domain": "sim-domain"})
    sim.reset(seed)
    foreign = requests.get("%s/v1.1/%s/clusters" % (sim.url, TARGET_PROJECT), headers={"X-Auth-Token": "foreign-scope"}, timeout=5)
    aos = requests.get(sim.url + "/v2/stacks/" + STACK, headers={"X-Auth-Token": "foreign-scope"}, timeout=5)

    assert in_path.status_code == 403 and in_path.json()["error_code"] == "APIGW.0302"
    assert "path project %s is not the caller's project %s" % (TARGET_PROJECT, PROJECT) in in_path.json()["error_msg"]
    for answer in (foreign, aos):
        assert answer.status_code == 401 and set(answer.json()) == {"error_code", "error_msg", "request_id"}
        assert "the token's project %s is not a project of account sim-domain" % TARGET_PROJECT in answer.json()["error_msg"]


def test_aos_with_agency_keys_reads_the_agencys_stack(sim):
    keys = agency_keys(sim)
    from simhelpers import sign_request  # pylint: disable=import-outside-toplevel
    headers = {"X-Security-Token": keys.securitytoken}

    def read(stack, project):
        url = sim.url + "/v2/stacks/" + stack
        return requests.get(url, headers=sign_request("GET", url, dict(headers, **{"X-Project-Id": project}),
                                                      ak=keys.access, sk=keys.secret), timeout=5)

    assert read("stack-target-0001", TARGET_PROJECT).json()["name"] == "web"
    assert read(STACK, PROJECT).status_code == 401
    assert read(STACK, TARGET_PROJECT).status_code == 404
