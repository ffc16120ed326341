"""The simulator's CDM answers, read by the official SDK client (huaweicloudsdkcdm) with AK/SK.

The SDK signs each call itself (the simulator recomputes the signature and answers 401 on a
mismatch) and deserialises each answer into its typed models: a key or a type that differs from
the API's shape shows up here as a missing attribute or a wrong value.
"""

import pytest

pytest.importorskip("huaweicloudsdkcdm")

from huaweicloudsdkcdm.v1 import (  # noqa: E402  pylint: disable=wrong-import-position
    CdmClient,
    ListClustersRequest,
    ShowClusterDetailRequest,
    ShowJobsRequest,
    ShowJobStatusRequest,
)
from huaweicloudsdkcore.auth.credentials import BasicCredentials  # noqa: E402  pylint: disable=wrong-import-position
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException  # noqa: E402  pylint: disable=wrong-import-position
from huaweicloudsdkcore.http.http_config import HttpConfig  # noqa: E402  pylint: disable=wrong-import-position

AK = "SIMACCESSKEY0000"
SK = "sim-secret-key"
PROJECT = "0605767a2c80d5a62f5cc0123456789a"
CLUSTER = "bae65496-643e-47ca-84af-948672de7eeb"
STOPPED = "5c9e2a41-7d3b-4f0e-9a6c-1b2d3e4f5a6b"


def sdk_client(sim):
    config = HttpConfig.get_default_config()
    config.retry_times = 0
    return (CdmClient.new_builder()
            .with_http_config(config)
            .with_credentials(BasicCredentials(AK, SK, PROJECT))
            .with_endpoint(sim.url)
            .build())


def test_list_and_show_clusters_parse(sim):
    client = sdk_client(sim)

    listing = client.list_clusters(ListClustersRequest())
    detail = client.show_cluster_detail(ShowClusterDetailRequest(cluster_id=CLUSTER))

    assert sorted((c.name, c.status) for c in listing.clusters) == [("cdm-demo", "200"), ("cdm-stopped", "900")]
    assert detail.id == CLUSTER and detail.status == "200" and detail.status_detail == "Normal" and detail.is_frozen == "0"
    assert [(e["method"], e["auth"], e["status"]) for e in sim.log.list()] == [("GET", "aksk", 200), ("GET", "aksk", 200)]


def test_failed_reasons_parse_into_the_sdk_model(sim):
    sim.state.upsert_cluster({"id": CLUSTER, "status": "303"})

    detail = sdk_client(sim).show_cluster_detail(ShowClusterDetailRequest(cluster_id=CLUSTER))

    assert detail.status == "303"
    assert detail.failed_reasons.create_failed.error_code == "Cdm.0900"
    assert detail.failed_reasons.create_failed.error_msg == "The cluster could not be created."


def test_jobs_list_parses_with_paging_and_job_type(sim):
    jobs = [{"name": "n%02d" % i, "status": "RUNNING" if i == 3 else "SUCCEEDED"} for i in range(12)]
    jobs.append({"name": "b1", "job_type": "BATCH_JOB", "status": "BOOTING"})
    sim.state.upsert_cluster({"id": CLUSTER, "jobs": jobs})
    client = sdk_client(sim)

    first = client.show_jobs(ShowJobsRequest(cluster_id=CLUSTER, job_name="all", page_no=1, page_size=10))
    second = client.show_jobs(ShowJobsRequest(cluster_id=CLUSTER, job_name="all", page_no=2, page_size=10))
    batch = client.show_jobs(ShowJobsRequest(cluster_id=CLUSTER, job_name="all", page_no=1, page_size=10, job_type="BATCH_JOB"))

    assert (first.total, first.page_no, first.page_size) == (12, 1, 10)
    assert [job.name for job in first.jobs] == ["n%02d" % i for i in range(10)]
    assert [job.name for job in second.jobs] == ["n10", "n11"]
    assert first.jobs[3].status == "RUNNING" and first.jobs[3].job_type == "NORMAL_JOB"
    assert isinstance(first.jobs[0].creation_date, int) and first.jobs[0].from_link_name
    assert [(job.name, job.job_type, job.status) for job in batch.jobs] == [("b1", "BATCH_JOB", "BOOTING")]
    assert [e["query"] for e in sim.log.list()][-1] == {"page_no": "1", "page_size": "10", "jobType": "BATCH_JOB"}
    assert all(e["auth"] == "aksk" and e["status"] == 200 for e in sim.log.list())


def test_one_job_and_its_status_parse(sim):
    client = sdk_client(sim)

    one = client.show_jobs(ShowJobsRequest(cluster_id=CLUSTER, job_name="mysql2hive"))
    runs = client.show_job_status(ShowJobStatusRequest(cluster_id=CLUSTER, job_name="mysql2hive"))

    assert [(job.name, job.status) for job in one.jobs] == [("mysql2hive", "RUNNING")]
    assert [(run.job_name, run.status) for run in runs.submissions] == [("mysql2hive", "RUNNING")]
    assert isinstance(runs.submissions[0].progress, float)


@pytest.mark.parametrize("cluster_id, query, status, code", [
    (STOPPED, {}, 400, "Cdm.0035"),
    (CLUSTER, {"page_size": 5}, 400, "Cdm.0020"),
    ("no-such-cluster", {}, 404, "Cdm.0001"),
])
def test_refusals_reach_the_sdk_as_cdm_errors(sim, cluster_id, query, status, code):
    with pytest.raises(ClientRequestException) as refused:
        sdk_client(sim).show_jobs(ShowJobsRequest(cluster_id=cluster_id, job_name="all", **query))

    # The SDK knows no CDM error shape (errCode/externalMessage): it keeps the whole body as the message.
    assert refused.value.status_code == status
    assert '"errCode": "%s"' % code in refused.value.error_msg
