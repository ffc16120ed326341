"""The simulator's CDM job listing, one job and its status with seeded jobs, and the seeded failedReasons."""

import pytest
import requests

from simhelpers import CLUSTER, PROJECT, STOPPED_CLUSTER, TOKEN_HEADERS, cdm_url, sign_request, sim_upsert

JOB_KEYS = ("name", "status", "job_type", "type", "creation-user", "creation-date", "update-user", "update-date",
            "from-link-name", "from-connector-name", "to-link-name", "to-connector-name")


def get_jobs(sim, cluster_id=CLUSTER, params=None, job="all"):
    return requests.get(cdm_url(sim, cluster_id, "cdm", "job", job), params=params, headers=TOKEN_HEADERS, timeout=5)


def seed_jobs(sim, jobs, cluster_id=CLUSTER):
    return sim_upsert(sim, "clusters", id=cluster_id, jobs=jobs)


def test_default_seed_lists_normal_jobs_without_job_type(sim):
    resp = get_jobs(sim)

    assert resp.status_code == 200
    body = resp.json()
    assert (body["total"], body["page_no"], body["page_size"]) == (2, 1, 10)
    assert [(job["name"], job["status"], job["job_type"]) for job in body["jobs"]] == [
        ("mysql2hive", "RUNNING", "NORMAL_JOB"), ("obs2dws", "SUCCEEDED", "NORMAL_JOB")]
    for key in JOB_KEYS:
        assert key in body["jobs"][0], key


@pytest.mark.parametrize("job_type, names", [
    ("NORMAL_JOB", ["mysql2hive", "obs2dws"]),
    ("BATCH_JOB", ["nightly-batch"]),
    ("SCENARIO_JOB", []),
])
def test_job_type_selects_the_jobs(sim, job_type, names):
    body = get_jobs(sim, params={"jobType": job_type}).json()

    assert [job["name"] for job in body["jobs"]] == names
    assert body["total"] == len(names)


def test_pages_split_the_list_and_total_counts_every_job(sim):
    seed_jobs(sim, [{"name": "job-%03d" % i} for i in range(25)] + [{"name": "b", "job_type": "BATCH_JOB"}])

    pages = [get_jobs(sim, params={"page_no": page, "page_size": 10}).json() for page in (1, 2, 3, 4)]

    assert [len(page["jobs"]) for page in pages] == [10, 10, 5, 0]
    assert {page["total"] for page in pages} == {25}
    assert [page["page_no"] for page in pages] == [1, 2, 3, 4]
    assert [job["name"] for page in pages for job in page["jobs"]] == ["job-%03d" % i for i in range(25)]
    assert get_jobs(sim, params={"page_size": 100}).json()["jobs"][-1]["name"] == "job-024"


@pytest.mark.parametrize("params, field", [
    ({"page_size": 9}, "page_size"),
    ({"page_size": 101}, "page_size"),
    ({"page_size": "ten"}, "page_size"),
    ({"page_no": 0}, "page_no"),
    ({"page_no": ""}, "page_no"),
    ({"jobType": "normal_job"}, "jobType"),
])
def test_bad_paging_is_a_cdm_400(sim, params, field):
    resp = get_jobs(sim, params=params)

    assert resp.status_code == 400
    body = resp.json()
    assert body["errCode"] == "Cdm.0020"
    assert field in body["externalMessage"]


@pytest.mark.parametrize("status", ["900", "910", "920", "100", "500", "300", "303", "800"])
def test_a_cluster_that_is_not_running_cannot_answer_job_queries(sim, status):
    sim_upsert(sim, "clusters", id=CLUSTER, status=status, transition_seconds=60)

    for job in ("all", "mysql2hive", "mysql2hive/status"):
        resp = requests.get(cdm_url(sim, CLUSTER, "cdm", "job", *job.split("/")), headers=TOKEN_HEADERS, timeout=5)
        assert resp.status_code == 400
        assert resp.json() == {"errCode": "Cdm.0035",
                               "externalMessage": "The cluster is not running (status %s); job operations are not available." % status}


def test_unknown_cluster_is_404(sim):
    resp = get_jobs(sim, "no-such-cluster")

    assert resp.status_code == 404
    assert resp.json()["errCode"] == "Cdm.0001"


def test_one_job_and_its_status(sim):
    seed_jobs(sim, [{"name": "ok", "status": "SUCCEEDED"}, {"name": "broken", "status": "FAILED"}, {"name": "fresh"}])

    one = get_jobs(sim, job="broken").json()
    status = requests.get(cdm_url(sim, CLUSTER, "cdm", "job", "broken", "status"), headers=TOKEN_HEADERS, timeout=5).json()
    fresh = requests.get(cdm_url(sim, CLUSTER, "cdm", "job", "fresh", "status"), headers=TOKEN_HEADERS, timeout=5).json()

    assert [job["name"] for job in one["jobs"]] == ["broken"]
    run = status["submissions"][0]
    assert (run["job-name"], run["status"]) == ("broken", "FAILED")
    assert run["error-summary"]
    assert fresh["submissions"][0]["status"] == "NEVER_EXECUTED"
    missing = get_jobs(sim, job="nope")
    assert missing.status_code == 400 and missing.json() == {"errCode": "Cdm.0100", "externalMessage": "Job[nope] doesn't exist."}


def test_jobs_never_appear_in_cluster_answers(sim):
    cluster = requests.get(cdm_url(sim, CLUSTER), headers=TOKEN_HEADERS, timeout=5).json()
    listing = requests.get(cdm_url(sim), headers=TOKEN_HEADERS, timeout=5).json()

    assert "jobs" not in cluster
    assert all("jobs" not in c for c in listing["clusters"])


@pytest.mark.parametrize("jobs, problem", [
    ("mysql2hive", "must be a list of objects"),
    ([{"status": "RUNNING"}], "every job needs a name"),
    ([{"name": "a", "status": "running"}], "status must be one of"),
    ([{"name": "a", "job_type": "FILE_JOB"}], "job_type must be one of"),
    ([{"name": "a"}, {"name": "a"}], "unique"),
])
def test_bad_seeded_jobs_are_refused_and_change_nothing(sim, jobs, problem):
    resp = requests.post(sim.url + "/_sim/clusters", json={"id": CLUSTER, "status": "900", "jobs": jobs}, timeout=5)

    assert resp.status_code == 400
    assert problem in resp.json()["error"]
    assert get_jobs(sim).json()["total"] == 2


def test_cluster_seeded_as_creation_failed_carries_failed_reasons(sim):
    seed = requests.get(sim.url + "/_sim/state", timeout=5).json()
    seed["clusters"].append({"id": "c303", "name": "broken", "status": "303"})
    seed["clusters"].append({"id": "c303b", "name": "broken-b", "status": "303",
                             "failedReasons": {"CREATE_FAILED": {"errorCode": "Cdm.0901", "errorMsg": "quota"}}})
    assert requests.put(sim.url + "/_sim/state", json=seed, timeout=5).status_code == 200

    seeded = requests.get(cdm_url(sim, "c303"), headers=TOKEN_HEADERS, timeout=5).json()
    given = requests.get(cdm_url(sim, "c303b"), headers=TOKEN_HEADERS, timeout=5).json()
    sim_upsert(sim, "clusters", id=CLUSTER, status="303")
    upserted = requests.get(cdm_url(sim), headers=TOKEN_HEADERS, timeout=5).json()["clusters"][0]

    assert seeded["failedReasons"] == {"CREATE_FAILED": {"errorCode": "Cdm.0900", "errorMsg": "The cluster could not be created."}}
    assert given["failedReasons"] == {"CREATE_FAILED": {"errorCode": "Cdm.0901", "errorMsg": "quota"}}
    assert upserted["id"] == CLUSTER and list(upserted["failedReasons"]) == ["CREATE_FAILED"]
    assert requests.get(cdm_url(sim, STOPPED_CLUSTER), headers=TOKEN_HEADERS, timeout=5).json()["failedReasons"] == {}


def test_faults_apply_to_job_queries(sim):
    requests.post(sim.url + "/_sim/faults", json={"method": "GET", "path": "/cdm/job/all$", "kind": "status", "status": 429,
                                                  "retry_after": "1"}, timeout=5)
    requests.post(sim.url + "/_sim/faults", json={"method": "GET", "path": "/cdm/job/", "kind": "drop"}, timeout=5)

    throttled = get_jobs(sim)
    with pytest.raises(requests.exceptions.ConnectionError):
        get_jobs(sim)
    served = get_jobs(sim)

    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "1"
    assert served.status_code == 200
    log = requests.get(sim.url + "/_sim/requests", timeout=5).json()
    assert [(entry["fault"], entry["status"]) for entry in log] == [("status", 429), ("drop", None), (None, 200)]
    assert log[0]["query"] == {}


def test_signed_job_query_with_paging_is_verified(sim):
    url = cdm_url(sim, CLUSTER, "cdm", "job", "all") + "?page_no=1&page_size=100&jobType=BATCH_JOB"
    headers = sign_request("GET", url, {"X-Project-Id": PROJECT, "Content-Type": "application/json"})

    good = requests.get(url, headers=headers, timeout=5)
    tampered = requests.get(url.replace("page_size=100", "page_size=10"), headers=headers, timeout=5)

    assert good.status_code == 200 and good.json()["jobs"][0]["name"] == "nightly-batch"
    assert tampered.status_code == 401
