"""CDM links, migration jobs and their runs (shared/api/cdm-jobs.md), kept on the cluster they belong to.

A cluster dict holds ``links`` and ``jobs`` (lists, never in cluster answers). A job keeps its
runs under ``_runs``; a run is not moved by a schedule: its status is computed from its
timestamps whenever it is read, so a run started at ``t`` is BOOTING, then RUNNING with
growing counters, then SUCCEEDED (or FAILED) without anything having to wake up.

Every function here is called with the state's lock held; none of them imports the state.
"""

import copy
import itertools
from urllib.parse import quote_plus

from .common import SeedError

JOB_TYPES = ("NORMAL_JOB", "BATCH_JOB", "SCENARIO_JOB")
JOB_STATUSES = ("BOOTING", "RUNNING", "SUCCEEDED", "FAILED", "NEW")
RUNNING = ("BOOTING", "RUNNING")
CONNECTORS = ("generic-jdbc-connector", "obs-connector", "hdfs-connector", "hive-connector", "dli-connector",
              "dws-connector", "hbase-connector", "kafka-connector", "elasticsearch-connector", "mongodb-connector",
              "redis-connector", "ftp-connector", "sftp-connector", "http-connector", "thirdparty-obs-connector",
              "dis-connector", "css-connector", "oracle-connector", "mysql-connector")
# Input names (after the group's prefix) whose values the service keeps and never gives back.
SECRET_INPUTS = ("password", "sk", "secretkey", "secret", "securitytoken", "token", "accesskeysecret", "keytab")
# Keys of a seeded or upserted job that steer its runs; never in an answer.
JOB_SIM_KEYS = ("run_fails", "start_fails", "stop_refused", "run_seconds", "rows", "last_error_message", "_runs")
# A run spends this share of its time BOOTING, the rest RUNNING.
BOOT_SHARE = 0.25
DEFAULT_ROWS = 10000
BYTES_PER_ROW = 128
COUNTERS_KEY = "org.apache.sqoop.submission.counter.SqoopCounters"
STOPPED_SUMMARY = "The job was stopped by the user."
_SUBMISSION_IDS = itertools.count(1)


class JobError(Exception):
    """A CDM refusal: HTTP status, the service's code, its message."""

    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def job_missing(name):
    return JobError(400, "Cdm.0100", "Job[%s] doesn't exist." % name)


def link_missing(name):
    return JobError(400, "Cdm.0054", "Link[%s] doesn't exist." % name)


def ms(epoch):
    return int(epoch * 1000)


def form_encode(value):
    """A value as Java's URLEncoder writes it (what the service answers): a space is ``+``, ``*`` stays, ``~`` is %7E."""
    return quote_plus(str(value), safe="*").replace("~", "%7E")


def is_secret(input_name):
    return input_name.rsplit(".", 1)[-1].lower() in SECRET_INPUTS


def public_config(config_values):
    """Config groups as the service answers them: values form-encoded, secret inputs left out."""
    if not isinstance(config_values, dict):
        return config_values
    answer = copy.deepcopy(config_values)
    for group in answer.get("configs") or []:
        group["inputs"] = [dict(item, value=form_encode(item["value"])) for item in group.get("inputs") or []
                           if not is_secret(item["name"])]
    return answer


def config_value(config_values, input_name):
    for group in (config_values or {}).get("configs") or []:
        for item in group.get("inputs") or []:
            if item.get("name") == input_name:
                return item.get("value")
    return None


def keep_secrets(new_values, old_values):
    """A PUT without a secret input keeps the stored one."""
    for old_group in (old_values or {}).get("configs") or []:
        secrets = [item for item in old_group.get("inputs") or [] if is_secret(item["name"])]
        if not secrets:
            continue
        groups = new_values.setdefault("configs", [])
        group = next((g for g in groups if g.get("name") == old_group.get("name")), None)
        if group is None:
            group = {"name": old_group.get("name"), "inputs": []}
            groups.append(group)
        given = {item["name"] for item in group.setdefault("inputs", [])}
        group["inputs"].extend(copy.deepcopy(item) for item in secrets if item["name"] not in given)


# ------------------------------------------------------------------ seeding

def seed_links(links, now):
    links = copy.deepcopy(links) or []
    if not isinstance(links, list) or not all(isinstance(link, dict) for link in links):
        raise SeedError("a cluster's links must be a list of objects")
    for link in links:
        if not isinstance(link.get("name"), str) or not link["name"]:
            raise SeedError("every link needs a name")
        link.setdefault("connector-name", "generic-jdbc-connector")
        link.setdefault("enabled", True)
        link.setdefault("link-config-values", {"configs": [{"name": "linkConfig", "inputs": []}]})
        link.setdefault("creation-user", "cdm-user")
        link.setdefault("creation-date", ms(now))
        link.setdefault("update-user", link["creation-user"])
        link.setdefault("update-date", link["creation-date"])
    _unique([link["name"] for link in links], "link")
    return links


def seed_job(job, now):
    """A seeded (or upserted) job completed with defaults; its seeded ``status`` becomes a run that stays as it is."""
    if not isinstance(job.get("name"), str) or not job["name"]:
        raise SeedError("every job needs a name")
    job.setdefault("job_type", "NORMAL_JOB")
    status = job.setdefault("status", "NEW")
    if job["job_type"] not in JOB_TYPES:
        raise SeedError("job %s: job_type must be one of %s" % (job["name"], ", ".join(JOB_TYPES)))
    if status not in JOB_STATUSES:
        raise SeedError("job %s: status must be one of %s" % (job["name"], ", ".join(JOB_STATUSES)))
    for key, value in (("type", job["job_type"]), ("creation-user", "cdm-user"), ("creation-date", ms(now)),
                       ("from-link-name", "mysql-link"), ("from-connector-name", "generic-jdbc-connector"),
                       ("to-link-name", "hive-link"), ("to-connector-name", "hive-connector")):
        job.setdefault(key, value)
    job.setdefault("update-user", job["creation-user"])
    job.setdefault("update-date", job["creation-date"])
    if "_runs" not in job:
        job["_runs"] = [] if status == "NEW" else [_seeded_run(job, status)]
    return job


def seed_jobs(jobs, now):
    jobs = copy.deepcopy(jobs) or []
    if not isinstance(jobs, list) or not all(isinstance(job, dict) for job in jobs):
        raise SeedError("a cluster's jobs must be a list of objects")
    for job in jobs:
        seed_job(job, now)
    _unique([job["name"] for job in jobs], "job")
    return jobs


def _unique(names, what):
    if len(set(names)) != len(names):
        raise SeedError("%s names must be unique within a cluster" % what)


def _seeded_run(job, status):
    run = {"submission-id": next(_SUBMISSION_IDS), "job-name": job["name"], "creation-user": job["creation-user"],
           "creation-date": job["update-date"], "execute-date": job["update-date"], "variables": {}}
    run["_final"] = _final(status, job, job.get("rows", DEFAULT_ROWS), job["update-date"])
    return run


def _final(status, job, rows, at_ms, summary=None):
    """A run that no longer moves: its status, progress, end time, and counters or errors."""
    final = {"status": status, "last-update-date": at_ms}
    if status == "SUCCEEDED":
        final.update(progress=100.0, counters=counters(rows))
    elif status in RUNNING:
        final.update(progress=0.0 if status == "BOOTING" else 50.0)
    else:
        summary = summary or job.get("last_error_message") or "The job failed."
        final.update(progress=-1.0, summary=summary, details=error_details(summary))
    return final


def counters(rows):
    rows = int(rows)
    size = rows * BYTES_PER_ROW
    return {COUNTERS_KEY: {"BYTES_WRITTEN": size, "TOTAL_FILES": 0, "ROWS_READ": rows, "BYTES_READ": size,
                           "ROWS_WRITTEN": rows, "FILES_WRITTEN": 0, "FILES_READ": 0, "TOTAL_SIZE": size,
                           "FILES_SKIPPED": 0, "ROWS_WRITTEN_SKIPPED": 0}}


def error_details(summary):
    return ("org.apache.sqoop.common.SqoopException: CDM_ENGINE_0001:%s\n"
            "\tat org.apache.sqoop.job.mr.SqoopMapper.run(SqoopMapper.java:124)\n"
            "\tat org.apache.hadoop.mapred.MapTask.runNewMapper(MapTask.java:799)" % summary)


# ------------------------------------------------------------------ runs

def run_view(run, now):
    """The submission as the service answers it at ``now``."""
    answer = {key: value for key, value in run.items() if not key.startswith("_") and key != "variables"}
    answer.update({"isIncrementing": False, "is-execute-auto": False, "isDeleteJob": False, "isStopingIncrement": "",
                   "last-update-user": run["creation-user"], "delete_rows": 0, "update_rows": 0})
    final = run.get("_final")
    if final is None and now >= run["_end"]:
        final = run["_final"] = _final(run["_outcome"], {}, run["_rows"], ms(run["_end"]), run.get("_summary"))
    if final is not None:
        answer.update({"status": final["status"], "progress": final["progress"], "last-update-date": final["last-update-date"]})
        if "counters" in final:
            answer["counters"] = copy.deepcopy(final["counters"])
        if "summary" in final:
            answer.update({"error-summary": final["summary"], "error-details": final["details"]})
        rows = final.get("counters", {}).get(COUNTERS_KEY, {}).get("ROWS_WRITTEN", 0)
    elif now < run["_boot"]:
        answer.update(status="BOOTING", progress=0.0, **{"last-update-date": run["creation-date"]})
        rows = 0
    else:
        share = (now - run["_boot"]) / max(run["_end"] - run["_boot"], 1e-6)
        rows = int(run["_rows"] * share)
        answer.update(status="RUNNING", progress=round(100.0 * share, 1), counters=counters(rows),
                      **{"last-update-date": ms(run["_boot"])})
    answer["write_rows"] = rows
    return answer


def job_status(job, now):
    """The job's status as a listing gives it: its last run's, NEW before any."""
    if not job["_runs"]:
        return "NEW"
    status = run_view(job["_runs"][-1], now)["status"]
    return status if status in JOB_STATUSES else "FAILED"


def public_job(job, now):
    answer = {key: copy.deepcopy(value) for key, value in job.items() if key not in JOB_SIM_KEYS}
    for key in ("from-config-values", "to-config-values", "driver-config-values"):
        if key in answer:
            answer[key] = public_config(answer[key])
    answer["status"] = job_status(job, now)
    return answer


def public_link(link):
    answer = {key: copy.deepcopy(value) for key, value in link.items()}
    answer["link-config-values"] = public_config(link.get("link-config-values"))
    return answer


def start_run(job, variables, now, span):
    """A new run of ``job``; FAILURE_ON_SUBMIT when the job's ``start_fails`` says so."""
    run = {"submission-id": next(_SUBMISSION_IDS), "job-name": job["name"], "creation-user": "cdm-user",
           "creation-date": ms(now), "execute-date": ms(now), "variables": copy.deepcopy(variables)}
    span = float(job.get("run_seconds", span))
    if job.get("start_fails"):
        run["_final"] = _final("FAILURE_ON_SUBMIT", job, 0, ms(now), str(job["start_fails"]))
    else:
        run.update(_boot=now + span * BOOT_SHARE, _end=now + span, _rows=job.get("rows", DEFAULT_ROWS),
                   _outcome="FAILED" if job.get("run_fails") else "SUCCEEDED")
        if job.get("run_fails"):
            run["_summary"] = str(job["run_fails"])
    job["_runs"].append(run)
    return run


def stop_run(job, now):
    """Stop the job's run if it is running: it ends FAILED at once. Returns the validation-result."""
    if job.get("stop_refused"):
        return [{"message": str(job["stop_refused"]), "status": "ERROR"}]
    if job["_runs"] and job_status(job, now) in RUNNING:
        run = job["_runs"][-1]
        view = run_view(run, now)
        rows = view["write_rows"]
        run["_final"] = _final("FAILED", job, rows, ms(now), STOPPED_SUMMARY)
        run["_final"]["counters"] = counters(rows)
    return []
