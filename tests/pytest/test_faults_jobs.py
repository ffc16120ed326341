"""Faults on the CDM jobs list (cluster_info with jobs, cluster_stop in check and diff mode).

The jobs list is a read: retried on 429/502/503/504 and dropped connections, never on
400/401/403/404/500, bounded by max_retries. Counts come from the simulator's request log.
"""

import pytest

from faultkit import (
    CLUSTER_ID,
    STOP_PATH,
    add_fault,
    assert_clean_failure,
    calls,
    cluster_stop_main,
    connection,
    read_only_connection,
    run_module,
    summary,
)

JOBS_PATH = r"^/v1\.1/[^/]+/clusters/[^/]+/cdm/job/all$"


def cluster_info_main():
    from ansible_collections.hwcloud.cloud.plugins.modules import cluster_info  # pylint: disable=import-outside-toplevel
    return cluster_info.main


@pytest.mark.parametrize("fault", [{"kind": "status", "status": 429}, {"kind": "status", "status": 502},
                                   {"kind": "status", "status": 503}, {"kind": "status", "status": 504},
                                   {"kind": "drop"}], ids=["429", "502", "503", "504", "drop"])
def test_job_read_is_retried(sim, fault):
    add_fault(sim, method="GET", path=JOBS_PATH, times=2, **fault)

    rc, result = run_module(cluster_info_main(), read_only_connection(sim, cluster_id=CLUSTER_ID, jobs=True))

    reads = calls(sim, "GET", JOBS_PATH)
    assert rc == 0, result
    assert [job["name"] for job in result["clusters"][0]["jobs"]] == ["mysql2hive", "obs2dws", "nightly-batch"]
    assert [e["fault"] for e in reads] == [fault["kind"], fault["kind"], None, None, None], summary(reads)
    # The retry asks for the same page of the same type.
    assert [e["query"]["jobType"] for e in reads] == ["NORMAL_JOB"] * 3 + ["BATCH_JOB", "SCENARIO_JOB"]


@pytest.mark.parametrize("status", [400, 401, 403, 404, 500])
def test_job_read_not_retried_on_final_errors(sim, status):
    add_fault(sim, method="GET", path=JOBS_PATH, times=3, kind="status", status=status)

    rc, result = run_module(cluster_info_main(), read_only_connection(sim, cluster_id=CLUSTER_ID, jobs=True))

    assert rc == 1
    assert_clean_failure(result)
    assert "HTTP %d" % status in result["msg"]
    assert len(calls(sim, "GET", JOBS_PATH)) == 1


def test_persistent_throttling_of_job_reads_is_bounded(sim):
    add_fault(sim, method="GET", path=JOBS_PATH, times=10, kind="status", status=503)

    rc, result = run_module(cluster_info_main(), read_only_connection(sim, cluster_id=CLUSTER_ID, jobs=True, max_retries=2))

    assert rc == 1
    assert "gave up after 3 attempts" in result["msg"]
    assert len(calls(sim, "GET", JOBS_PATH)) == 3


def test_check_mode_stop_retries_job_reads_and_still_sends_nothing(sim):
    add_fault(sim, method="GET", path=JOBS_PATH, times=1, kind="drop")

    rc, result = run_module(cluster_stop_main(), connection(sim, cluster_id=CLUSTER_ID, stop_mode="IMMEDIATELY"), check_mode=True)

    assert rc == 0, result
    assert result["running_jobs"] == ["mysql2hive"]
    assert len(calls(sim, "GET", JOBS_PATH)) == 4
    assert calls(sim, "POST", STOP_PATH) == []
