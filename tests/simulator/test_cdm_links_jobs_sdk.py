"""CDM links, jobs and runs (shared/api/cdm-jobs.md), driven with the official huaweicloudsdkcdm client.

The SDK signs every call (the simulator checks the signature) and parses every answer into its
models: a key or a type that differs from the API's shows up as a missing attribute here.
"""

import requests
import pytest

from simhelpers import AK, CLUSTER, PROJECT, SK, STOPPED_CLUSTER, wait_for

cdm = pytest.importorskip("huaweicloudsdkcdm.v1")
credentials_module = pytest.importorskip("huaweicloudsdkcore.auth.credentials")
http_config = pytest.importorskip("huaweicloudsdkcore.http.http_config")
exceptions = pytest.importorskip("huaweicloudsdkcore.exceptions.exceptions")


@pytest.fixture(name="client")
def client_fixture(sim):
    config = http_config.HttpConfig.get_default_config()
    config.retry_times = 0
    return cdm.CdmClient.new_builder().with_http_config(config) \
        .with_credentials(credentials_module.BasicCredentials(AK, SK, PROJECT)).with_endpoint(sim.url).build()


def configs(group, **values):
    return [cdm.Configs(name=group, inputs=[cdm.Input(name="%s.%s" % (group, key), value=value) for key, value in values.items()])]


def link_body(name="pg", connector="generic-jdbc-connector", **values):
    values = values or {"host": "10.0.0.7", "port": "5432", "password": "s3cret pw"}
    return cdm.CdmCreateAndUpdateLinkReq(links=[cdm.Links(
        name=name, connector_name=connector, enabled=True,
        link_config_values=cdm.LinksLinkconfigvalues(configs=configs("linkConfig", **values)))])


def job(name="pg2hive", from_link="mysql-link", to_link="hive-link", job_type="NORMAL_JOB", **from_values):
    from_values = from_values or {"schemaName": "sales", "tableName": "orders"}
    return cdm.Job(name=name, job_type=job_type,
                   from_link_name=from_link, from_connector_name="generic-jdbc-connector",
                   to_link_name=to_link, to_connector_name="hive-connector",
                   from_config_values=cdm.ConfigValues(configs=configs("fromJobConfig", **from_values)),
                   to_config_values=cdm.ConfigValues(configs=configs("toJobConfig", database="dl", table="orders")),
                   driver_config_values=cdm.ConfigValues(configs=configs("throttlingConfig", numExtractors="2")
                                                         + configs("schedulerConfig", isSchedulerJob="false")))


def create_job(client, body=None, cluster=CLUSTER):
    return client.create_job(cdm.CreateJobRequest(cluster_id=cluster, body=cdm.CdmCreateJobJsonReq(jobs=[body or job()])))


def start(client, name="pg2hive"):
    return client.start_job(cdm.StartJobRequest(cluster_id=CLUSTER, job_name=name, body=cdm.CdmStartJobReq(variables={})))


def status(client, name="pg2hive"):
    return client.show_job_status(cdm.ShowJobStatusRequest(cluster_id=CLUSTER, job_name=name)).submissions[0]


def status_when(client, wanted, name="pg2hive"):
    """A read for ``wait_for``: the job's run once ``wanted(run)`` holds, else ``None``."""
    def read():
        run = status(client, name)
        return run if wanted(run) else None
    return read


def control(sim, kind, **fields):
    answer = requests.post(sim.url + "/_sim/" + kind, json=fields, timeout=5)
    assert answer.status_code == 200, answer.text
    return answer.json()


def inputs(config_values):
    return {item.name: item.value for group in config_values.configs for item in group.inputs}


def refused(call):
    with pytest.raises(exceptions.ClientRequestException) as caught:
        call()
    return caught.value.status_code, caught.value.error_msg


# ------------------------------------------------------------------ links

def test_link_lifecycle_with_encoded_values_and_no_secrets(sim, client):
    created = client.create_link(cdm.CreateLinkRequest(cluster_id=CLUSTER, body=link_body(
        host="10.0.0.7", port="5432", database="/data/in put", password="s3cret pw")))
    shown = client.show_link(cdm.ShowLinkRequest(cluster_id=CLUSTER, link_name="pg")).links[0]

    assert created.name == "pg" and created.validation_result[0].link_config is None
    assert (shown.name, shown.connector_name, shown.enabled) == ("pg", "generic-jdbc-connector", True)
    assert isinstance(shown.creation_date, int) and isinstance(shown.update_date, int)
    # Java form encoding: "/" is %2F, a space is "+"; the password is never given back.
    assert inputs(shown.link_config_values) == {"linkConfig.host": "10.0.0.7", "linkConfig.port": "5432",
                                                "linkConfig.database": "%2Fdata%2Fin+put"}
    raw = requests.get("%s/v1.1/%s/clusters/%s/cdm/link/pg" % (sim.url, PROJECT, CLUSTER), headers={"X-Auth-Token": "sim-token"}, timeout=5)
    assert raw.status_code == 200 and "s3cret" not in raw.text and "password" not in raw.text

    updated = client.update_link(cdm.UpdateLinkRequest(cluster_id=CLUSTER, link_name="pg", body=link_body(host="10.0.0.8")))
    assert updated.validation_result[0].link_config is None
    assert inputs(client.show_link(cdm.ShowLinkRequest(cluster_id=CLUSTER, link_name="pg")).links[0].link_config_values) == {
        "linkConfig.host": "10.0.0.8"}
    # A PUT without the secret kept it (the simulator's own view).
    [stored] = [lk for c in sim.state.export()["clusters"] if c["id"] == CLUSTER for lk in c["links"] if lk["name"] == "pg"]
    assert {"name": "linkConfig.password", "value": "s3cret pw"} in stored["link-config-values"]["configs"][0]["inputs"]

    client.delete_link(cdm.DeleteLinkRequest(cluster_id=CLUSTER, link_name="pg"))
    assert refused(lambda: client.show_link(cdm.ShowLinkRequest(cluster_id=CLUSTER, link_name="pg"))) == (
        400, '{"errCode": "Cdm.0054", "externalMessage": "Link[pg] doesn\'t exist."}')


def test_link_validation_errors_leave_no_link(sim, client):
    sim.state.upsert_cluster({"id": CLUSTER, "unreachable_hosts": ["10.9.9.9"],
                              "validation": {"warned": [{"status": "WARNING", "message": "SSL is off"}]}})

    unreachable = client.create_link(cdm.CreateLinkRequest(cluster_id=CLUSTER, validate="true", body=link_body(host="10.9.9.9", port="1")))
    untested = client.create_link(cdm.CreateLinkRequest(cluster_id=CLUSTER, validate="false", body=link_body("untested", host="10.9.9.9")))
    warned = client.create_link(cdm.CreateLinkRequest(cluster_id=CLUSTER, body=link_body("warned")))

    [result] = unreachable.validation_result[0].link_config
    assert (result.status, result.message) == ("ERROR", "Failed to connect to 10.9.9.9:1: connection timed out.")
    assert refused(lambda: client.show_link(cdm.ShowLinkRequest(cluster_id=CLUSTER, link_name="pg")))[0] == 400
    assert untested.validation_result[0].link_config is None
    assert [(r.status, r.message) for r in warned.validation_result[0].link_config] == [("WARNING", "SSL is off")]
    assert client.show_link(cdm.ShowLinkRequest(cluster_id=CLUSTER, link_name="warned")).links[0].name == "warned"
    log = requests.get(sim.url + "/_sim/requests", timeout=5).json()
    assert [entry["query"] for entry in log[:2]] == [{"validate": "true"}, {"validate": "false"}]


@pytest.mark.parametrize("mutate, message", [
    (lambda b: b.links[0].__setattr__("connector_name", "carrier-pigeon"), "'carrier-pigeon' is not a known connector"),
    (lambda b: b.links[0].link_config_values.configs[0].inputs[0].__setattr__("name", "host"), "does not belong to config linkConfig"),
    (lambda b: b.links[0].link_config_values.configs[0].inputs[0].__setattr__("value", 3306), "must be a string"),
    (lambda b: b.links[0].__setattr__("name", "x" * 241), "1 to 240 characters"),
])
def test_malformed_links_are_a_cdm_400(client, mutate, message):
    body = link_body()
    mutate(body)

    code, text = refused(lambda: client.create_link(cdm.CreateLinkRequest(cluster_id=CLUSTER, body=body)))

    assert code == 400 and '"Cdm.0020"' in text and message in text


def test_a_link_in_use_and_a_taken_name_are_refused(client):
    in_use = refused(lambda: client.delete_link(cdm.DeleteLinkRequest(cluster_id=CLUSTER, link_name="mysql-link")))
    taken = refused(lambda: client.create_link(cdm.CreateLinkRequest(cluster_id=CLUSTER, body=link_body("hive-link"))))

    assert in_use == (400, '{"errCode": "Cdm.0055", "externalMessage": "Link[mysql-link] is used by job(s) mysql2hive, obs2dws, nightly-batch."}')
    assert taken[0] == 400 and "Cdm.0053" in taken[1]


# ------------------------------------------------------------------ jobs

def test_job_create_read_update_delete(client):
    created = create_job(client, job(database="x"))
    [shown] = client.show_jobs(cdm.ShowJobsRequest(cluster_id=CLUSTER, job_name="pg2hive")).jobs

    assert (created.name, created.validation_result) == ("pg2hive", [])
    assert (shown.name, shown.job_type, shown.status, shown.from_link_name, shown.to_connector_name) == (
        "pg2hive", "NORMAL_JOB", "NEW", "mysql-link", "hive-connector")
    assert inputs(shown.driver_config_values) == {"throttlingConfig.numExtractors": "2", "schedulerConfig.isSchedulerJob": "false"}
    assert status(client).status == "NEVER_EXECUTED"

    changed = job(schemaName="sales west", tableName="a/b")
    updated = client.update_job(cdm.UpdateJobRequest(cluster_id=CLUSTER, job_name="pg2hive", body=cdm.CdmUpdateJobJsonReq(jobs=[changed])))
    [reread] = client.show_jobs(cdm.ShowJobsRequest(cluster_id=CLUSTER, job_name="pg2hive")).jobs

    assert updated.validation_result == []
    assert inputs(reread.from_config_values) == {"fromJobConfig.schemaName": "sales+west", "fromJobConfig.tableName": "a%2Fb"}

    client.delete_job(cdm.DeleteJobRequest(cluster_id=CLUSTER, job_name="pg2hive"))
    assert refused(lambda: client.show_jobs(cdm.ShowJobsRequest(cluster_id=CLUSTER, job_name="pg2hive"))) == (
        400, '{"errCode": "Cdm.0100", "externalMessage": "Job[pg2hive] doesn\'t exist."}')
    assert refused(lambda: client.delete_job(cdm.DeleteJobRequest(cluster_id=CLUSTER, job_name="pg2hive")))[0] == 400


def test_job_validation_errors_and_warnings(sim, client):
    control(sim, "clusters", id=CLUSTER, validation={"warned": [{"status": "WARNING", "message": "numExtractors is high"}],
                                                     "vetoed": [{"status": "ERROR", "message": "table orders is locked"}]})

    warned = create_job(client, job("warned"))
    vetoed = create_job(client, job("vetoed"))
    no_link = create_job(client, job("lost", from_link="nowhere"))
    wrong_connector = create_job(client, job("mixed", to_link="mysql-link"))

    assert [(r.status, r.message) for r in warned.validation_result] == [("WARNING", "numExtractors is high")]
    assert [(r.status, r.message) for r in vetoed.validation_result] == [("ERROR", "table orders is locked")]
    assert [r.message for r in no_link.validation_result] == ["Link[nowhere] doesn't exist."]
    assert [r.message for r in wrong_connector.validation_result] == ["The link mysql-link uses generic-jdbc-connector, not hive-connector."]
    names = [j.name for j in client.show_jobs(cdm.ShowJobsRequest(cluster_id=CLUSTER, job_name="all", page_size=100)).jobs]
    assert "warned" in names and not {"vetoed", "lost", "mixed"} & set(names)
    assert refused(lambda: create_job(client, job("warned")))[1].startswith('{"errCode": "Cdm.0101"')


def test_listing_every_type_with_paging_and_filter(sim, client):
    control(sim, "clusters", id=CLUSTER, jobs=[{"name": "orders-%02d" % i} for i in range(12)]
            + [{"name": "Orders-batch", "job_type": "BATCH_JOB"}, {"name": "scenario", "job_type": "SCENARIO_JOB"}, {"name": "misc"}])

    def names(**query):
        answer = client.show_jobs(cdm.ShowJobsRequest(cluster_id=CLUSTER, job_name="all", **query))
        return answer.total, [j.name for j in answer.jobs]

    assert names(filter="orders", page_no=2, page_size=10) == (12, ["orders-10", "orders-11"])
    assert names(filter="ORDERS", job_type="BATCH_JOB") == (1, ["Orders-batch"])
    assert names(job_type="SCENARIO_JOB") == (1, ["scenario"])
    assert names(filter="nothing") == (0, [])
    assert names(page_size=100)[0] == 13
    assert requests.get(sim.url + "/_sim/requests", timeout=5).json()[0]["query"] == {
        "filter": "orders", "page_no": "2", "page_size": "10"}


# ------------------------------------------------------------------ runs

def test_a_run_boots_runs_with_growing_counters_and_succeeds(sim, client):
    create_job(client)
    control(sim, "cdm_jobs", cluster_id=CLUSTER, name="pg2hive", run_seconds=1.6, rows=5000)

    [submission] = start(client).submissions
    assert (submission.job_name, submission.status, submission.progress) == ("pg2hive", "BOOTING", 0.0)
    assert isinstance(submission.submission_id, int) and isinstance(submission.creation_date, int)

    first = wait_for(status_when(client, lambda s: s.status == "RUNNING"))
    later = wait_for(status_when(client, lambda s: s.status != "RUNNING" or s.progress > first.progress + 10))
    done = wait_for(status_when(client, lambda s: s.status == "SUCCEEDED"))

    assert 0 <= first.progress < 100
    if later.status == "RUNNING":
        assert later.counters.org_apache_sqoop_submission_counter_sqoop_counters.rows_read > \
            first.counters.org_apache_sqoop_submission_counter_sqoop_counters.rows_read
    final = done.counters.org_apache_sqoop_submission_counter_sqoop_counters
    assert (done.progress, final.rows_read, final.rows_written, final.bytes_written) == (100.0, 5000, 5000, 640000)
    assert client.show_jobs(cdm.ShowJobsRequest(cluster_id=CLUSTER, job_name="pg2hive")).jobs[0].status == "SUCCEEDED"

    start(client)
    history = client.show_submissions(cdm.ShowSubmissionsRequest(cluster_id=CLUSTER, jname="pg2hive"))
    assert history.total == 2 and [s.submission_id for s in history.submissions] == sorted(s.submission_id for s in history.submissions)
    assert [s.status for s in history.submissions][0] == "SUCCEEDED"
    log = [e for e in requests.get(sim.url + "/_sim/requests", timeout=5).json() if e["path"].endswith("/start")]
    assert [(e["method"], e["body"]) for e in log] == [("PUT", {"variables": {}})] * 2


def test_a_failing_run_and_a_stop(sim, client):
    create_job(client)
    create_job(client, job("slow"))
    control(sim, "cdm_jobs", name="pg2hive", run_fails="Table sales.orders does not exist")
    control(sim, "cdm_jobs", name="slow", run_seconds=30)

    start(client)
    failed = wait_for(status_when(client, lambda s: s.status == "FAILED"))
    start(client, "slow")
    running = refused(lambda: start(client, "slow"))
    busy = refused(lambda: client.delete_job(cdm.DeleteJobRequest(cluster_id=CLUSTER, job_name="slow")))
    stopped = client.stop_job(cdm.StopJobRequest(cluster_id=CLUSTER, job_name="slow"))

    assert (failed.progress, failed.error_summary) == (-1.0, "Table sales.orders does not exist")
    assert failed.error_details.startswith("org.apache.sqoop.common.SqoopException")
    assert running == busy == (400, '{"errCode": "Cdm.0102", "externalMessage": "Job[slow] is running."}')
    assert stopped.validation_result == []
    after = status(client, "slow")
    assert (after.status, after.error_summary) == ("FAILED", "The job was stopped by the user.")
    # Stopping a job that does not run changes nothing.
    assert client.stop_job(cdm.StopJobRequest(cluster_id=CLUSTER, job_name="slow")).validation_result == []


def test_start_refused_as_failure_on_submit_and_a_refused_stop(sim, client):
    create_job(client)
    control(sim, "cdm_jobs", name="pg2hive", start_fails="No free executor")
    control(sim, "cdm_jobs", name="mysql2hive", stop_refused="The job is committing; try again later.")

    [submission] = start(client).submissions
    stop = client.stop_job(cdm.StopJobRequest(cluster_id=CLUSTER, job_name="mysql2hive"))

    assert (submission.status, submission.progress) == ("FAILURE_ON_SUBMIT", -1.0)
    assert (status(client).status, status(client).error_summary) == ("FAILURE_ON_SUBMIT", "No free executor")
    assert client.show_jobs(cdm.ShowJobsRequest(cluster_id=CLUSTER, job_name="pg2hive")).jobs[0].status == "FAILED"
    assert [(r.status, r.message) for r in stop.validation_result] == [("ERROR", "The job is committing; try again later.")]
    assert status(client, "mysql2hive").status == "RUNNING"
    # The switch is cleared with null.
    control(sim, "cdm_jobs", name="mysql2hive", stop_refused=None)
    assert client.stop_job(cdm.StopJobRequest(cluster_id=CLUSTER, job_name="mysql2hive")).validation_result == []
    assert status(client, "mysql2hive").status == "FAILED"


def test_a_lost_start_answer_still_started_the_run_once(sim, client):
    create_job(client)
    control(sim, "cdm_jobs", name="pg2hive", run_seconds=30)
    requests.post(sim.url + "/_sim/faults", json={"method": "PUT", "path": "/start$", "kind": "drop_after_apply"}, timeout=5)

    with pytest.raises(Exception):
        start(client)

    assert status(client).status in ("BOOTING", "RUNNING")
    history = client.show_submissions(cdm.ShowSubmissionsRequest(cluster_id=CLUSTER, jname="pg2hive"))
    assert history.total == 1


def test_a_throttled_start_starts_nothing(sim, client):
    create_job(client)
    requests.post(sim.url + "/_sim/faults", json={"method": "PUT", "path": "/start$", "kind": "status", "status": 429,
                                                  "retry_after": "1"}, timeout=5)

    assert refused(lambda: start(client))[0] == 429
    assert status(client).status == "NEVER_EXECUTED"
    assert start(client).submissions[0].status == "BOOTING"


@pytest.mark.parametrize("call", [
    lambda c: c.create_link(cdm.CreateLinkRequest(cluster_id=STOPPED_CLUSTER, body=link_body())),
    lambda c: c.show_link(cdm.ShowLinkRequest(cluster_id=STOPPED_CLUSTER, link_name="mysql-link")),
    lambda c: create_job(c, cluster=STOPPED_CLUSTER),
    lambda c: c.start_job(cdm.StartJobRequest(cluster_id=STOPPED_CLUSTER, job_name="x", body=cdm.CdmStartJobReq(variables={}))),
    lambda c: c.show_submissions(cdm.ShowSubmissionsRequest(cluster_id=STOPPED_CLUSTER, jname="x")),
])
def test_a_cluster_that_is_not_running_refuses_link_and_job_calls(client, call):
    code, text = refused(lambda: call(client))

    assert code == 400 and '"errCode": "Cdm.0035"' in text


def test_bad_start_bodies(sim):
    url = "%s/v1.1/%s/clusters/%s/cdm/job/mysql2hive/start" % (sim.url, PROJECT, CLUSTER)
    headers = {"X-Auth-Token": "sim-token"}
    for body, message in (({"variables": {"a": 1}}, "variables must be an object of strings"),
                          ({"vars": {}}, "vars is not a parameter")):
        answer = requests.put(url, json=body, headers=headers, timeout=5)
        assert answer.status_code == 400 and message in answer.json()["externalMessage"]
