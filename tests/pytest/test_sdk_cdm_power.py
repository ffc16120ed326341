"""The simulator's CDM start and restart, driven by the official SDK client (huaweicloudsdkcdm) with AK/SK.

The SDK builds the bodies (StartCluster, RestartCluster with all six fields), signs each call (the
simulator recomputes the signature and answers 401 on a mismatch) and parses each answer into its
typed models: restart's ``jobId`` is a string there, start's a list.
"""

import time

import pytest

pytest.importorskip("huaweicloudsdkcdm")

from huaweicloudsdkcdm.v1 import (  # noqa: E402  pylint: disable=wrong-import-position
    CdmClient,
    CdmRestartClusterReq,
    CdmRestartClusterReqRestart,
    CdmStartClusterReq,
    RestartClusterRequest,
    ShowClusterDetailRequest,
    StartClusterRequest,
)
from huaweicloudsdkcore.auth.credentials import BasicCredentials  # noqa: E402  pylint: disable=wrong-import-position
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException  # noqa: E402  pylint: disable=wrong-import-position
from huaweicloudsdkcore.http.http_config import HttpConfig  # noqa: E402  pylint: disable=wrong-import-position

AK = "SIMACCESSKEY0000"
SK = "sim-secret-key"
PROJECT = "0605767a2c80d5a62f5cc0123456789a"
CLUSTER = "bae65496-643e-47ca-84af-948672de7eeb"
STOPPED = "5c9e2a41-7d3b-4f0e-9a6c-1b2d3e4f5a6b"
RESTART_BODY = {"restartDelayTime": 0, "restartMode": "IMMEDIATELY", "restartLevel": "SERVICE", "type": "cdm", "instance": "", "group": ""}


def sdk_client(sim):
    config = HttpConfig.get_default_config()
    config.retry_times = 0
    return (CdmClient.new_builder()
            .with_http_config(config)
            .with_credentials(BasicCredentials(AK, SK, PROJECT))
            .with_endpoint(sim.url)
            .build())


def status_of(client, cluster_id):
    return client.show_cluster_detail(ShowClusterDetailRequest(cluster_id=cluster_id)).status


def wait_for_status(client, cluster_id, wanted, timeout=5.0):
    deadline = time.monotonic() + timeout
    while status_of(client, cluster_id) != wanted:
        assert time.monotonic() < deadline, "cluster %s never reached %s" % (cluster_id, wanted)
        time.sleep(0.02)


def restart_request(**fields):
    restart = CdmRestartClusterReqRestart(**dict({"restart_delay_time": 0, "restart_mode": "IMMEDIATELY", "restart_level": "SERVICE",
                                                  "type": "cdm", "instance": "", "group": ""}, **fields))
    return RestartClusterRequest(cluster_id=CLUSTER, body=CdmRestartClusterReq(restart=restart))


def test_start_cluster_parses_and_starts(sim):
    # Transitions slow enough to read the intermediate status.
    sim.state.upsert_cluster({"id": STOPPED, "transition_seconds": 1})
    client = sdk_client(sim)

    answer = client.start_cluster(StartClusterRequest(cluster_id=STOPPED, body=CdmStartClusterReq(start={})))

    assert isinstance(answer.job_id, list) and len(answer.job_id) == 1 and len(answer.job_id[0]) == 32
    assert status_of(client, STOPPED) == "920"
    wait_for_status(client, STOPPED, "200")
    posts = [entry for entry in sim.log.list() if entry["method"] == "POST"]
    assert [(entry["body"], entry["auth"], entry["status"]) for entry in posts] == [({"start": {}}, "aksk", 200)]


def test_restart_cluster_sends_the_six_fields_and_parses_the_string_job_id(sim):
    sim.state.upsert_cluster({"id": CLUSTER, "transition_seconds": 1})
    client = sdk_client(sim)

    answer = client.restart_cluster(restart_request())

    assert isinstance(answer.job_id, str) and len(answer.job_id) == 32
    assert status_of(client, CLUSTER) == "500"
    wait_for_status(client, CLUSTER, "200")
    posts = [entry for entry in sim.log.list() if entry["method"] == "POST"]
    assert [(entry["body"], entry["auth"], entry["status"]) for entry in posts] == [({"restart": RESTART_BODY}, "aksk", 200)]


def test_refused_start_and_restart_come_back_as_sdk_errors(sim):
    client = sdk_client(sim)

    with pytest.raises(ClientRequestException) as started:
        client.start_cluster(StartClusterRequest(cluster_id=CLUSTER, body=CdmStartClusterReq(start={})))
    with pytest.raises(ClientRequestException) as restarted:
        client.restart_cluster(restart_request(type="dws"))

    # The SDK does not read CDM's errCode/externalMessage shape; the simulator's log says which refusal it was.
    assert (started.value.status_code, restarted.value.status_code) == (400, 400)
    assert [(entry["status"], entry["auth"]) for entry in sim.log.list()] == [(400, "aksk"), (400, "aksk")]


def test_failed_restart_reasons_parse_into_the_sdk_model(sim):
    sim.state.upsert_cluster({"id": CLUSTER, "restart_fails": "the VM did not boot"})
    client = sdk_client(sim)

    client.restart_cluster(restart_request())
    wait_for_status(client, CLUSTER, "300")

    detail = client.show_cluster_detail(ShowClusterDetailRequest(cluster_id=CLUSTER))
    # The SDK's FailedReasons model names only CREATE_FAILED: a restart's phase parses, and is not among its fields.
    assert detail.status == "300" and detail.status_detail == "Failed"
    assert detail.failed_reasons.create_failed is None
