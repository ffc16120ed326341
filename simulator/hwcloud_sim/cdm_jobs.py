"""CDM links, migration jobs and runs: the HTTP side (shared/api/cdm-jobs.md).

Handlers take (state, request, path params) and return (status, body, headers). They check
the request's shape, then hand a function to ``state.on_cluster``, which runs it under the
state's lock on a cluster that is running (``200``); every refusal is a CDM error body.
"""

import copy
import re

from . import cdm_jobs_state as model
from .cdm import error, not_found

JOB_PAGE_SIZES = (10, 100)
NAME_LIMIT = 240
JOB_KEYS = ("name", "job_type", "from-link-name", "from-connector-name", "to-link-name", "to-connector-name",
            "from-config-values", "to-config-values", "driver-config-values")
CONFIG_KEYS = {"from": "from-config-values", "to": "to-config-values", "driver": "driver-config-values"}


class BadRequest(Exception):
    pass


def _bad(message):
    return error(400, "Cdm.0020", message)


def _cluster_call(state, params, call):
    """Run ``call(cluster, now)`` on a running cluster; a CDM error tuple for anything refused."""
    def guarded(cluster, now):
        if cluster is None:
            return not_found()
        if cluster.get("status") != "200":
            # The jobs are served by the cluster's own VMs: a cluster that is not running cannot answer.
            return error(400, "Cdm.0035", "The cluster is not running (status %s); job operations are not available."
                         % cluster.get("status"))
        try:
            return call(cluster, now)
        except model.JobError as exc:
            return error(exc.status, exc.code, exc.message)
    return state.on_cluster(params["project_id"], params["cluster_id"], guarded)


def _find(items, name, missing):
    for item in items:
        if item["name"] == name:
            return item
    raise missing(name)


def _query_int(request, name, default):
    raw = request.query.get(name)
    if raw is None:
        return default
    try:
        return int(raw, 10)
    except ValueError:
        raise BadRequest("%s must be an integer, got %r" % (name, raw)) from None


def _body_item(request, key):
    """The one object of ``{key: [object]}``."""
    ok, body = request.json_body()
    if not ok or not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object.")
    items = body.get(key)
    if not isinstance(items, list) or len(items) != 1 or not isinstance(items[0], dict):
        raise BadRequest("%s must be a list holding one object." % key)
    return copy.deepcopy(items[0])


def _check_name(value, what):
    if not isinstance(value, str) or not 1 <= len(value) <= NAME_LIMIT:
        raise BadRequest("%s must be a string of 1 to %d characters." % (what, NAME_LIMIT))


def _check_config(values, where):
    """``{"configs": [{"name", "inputs": [{"name": "<group>.<key>", "value": "<string>"}]}]}``."""
    if not isinstance(values, dict) or not isinstance(values.get("configs"), list):
        raise BadRequest("%s must be an object with a list configs." % where)
    for group in values["configs"]:
        if not isinstance(group, dict) or not isinstance(group.get("name"), str) or not isinstance(group.get("inputs"), list):
            raise BadRequest("%s: every config needs a name and a list inputs." % where)
        for item in group["inputs"]:
            if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                raise BadRequest("%s: every input of %s needs a name." % (where, group["name"]))
            if not item["name"].startswith(group["name"] + "."):
                raise BadRequest("%s: input %s does not belong to config %s (its name must start with %s.)."
                                 % (where, item["name"], group["name"], group["name"]))
            if not isinstance(item.get("value"), str):
                raise BadRequest("%s: the value of %s must be a string." % (where, item["name"]))


def _check_connector(value, what):
    if value not in model.CONNECTORS:
        raise BadRequest("%s %r is not a known connector." % (what, value))


def _answer(call):
    try:
        return call()
    except BadRequest as exc:
        return _bad(str(exc))


# ------------------------------------------------------------------ links

def _link_body(request, path_name=None):
    link = _body_item(request, "links")
    _check_name(link.get("name"), "links[0].name")
    if path_name is not None and link["name"] != path_name:
        raise BadRequest("links[0].name %r is not the link of the path (%s)." % (link["name"], path_name))
    _check_connector(link.get("connector-name"), "connector-name")
    if not isinstance(link.get("enabled", True), bool):
        raise BadRequest("enabled must be true or false.")
    _check_config(link.get("link-config-values"), "link-config-values")
    return {"name": link["name"], "connector-name": link["connector-name"], "enabled": link.get("enabled", True),
            "link-config-values": link["link-config-values"]}


def _link_validation(cluster, link, test_connection):
    results = copy.deepcopy((cluster.get("validation") or {}).get(link["name"], []))
    if test_connection:
        values = link["link-config-values"]
        host = model.config_value(values, "linkConfig.host") or model.config_value(values, "linkConfig.server")
        if host is not None and host in (cluster.get("unreachable_hosts") or []):
            port = model.config_value(values, "linkConfig.port")
            results.append({"status": "ERROR", "message": "Failed to connect to %s%s: connection timed out."
                            % (host, ":%s" % port if port else "")})
    refused = any(result["status"] == "ERROR" for result in results)
    return refused, ([{"linkConfig": results}] if results else [{}])


def create_link(state, request, params):
    def call():
        validate = request.query.get("validate", "false")
        if validate not in ("true", "false"):
            raise BadRequest("validate must be true or false, got %r" % validate)
        link = _link_body(request)

        def store(cluster, now):
            links = cluster.setdefault("links", [])
            if any(item["name"] == link["name"] for item in links):
                return error(400, "Cdm.0053", "Link[%s] already exists." % link["name"])
            refused, results = _link_validation(cluster, link, validate == "true")
            if not refused:
                links.append(model.seed_links([dict(link, **{"creation-date": model.ms(now)})], now)[0])
            return 200, {"name": link["name"], "validation-result": results}, {}
        return _cluster_call(state, params, store)
    return _answer(call)


def show_link(state, _request, params):
    def read(cluster, _now):
        link = _find(cluster.get("links") or [], params["link_name"], model.link_missing)
        return 200, {"links": [model.public_link(link)]}, {}
    return _cluster_call(state, params, read)


def update_link(state, request, params):
    def call():
        link = _link_body(request, params["link_name"])

        def store(cluster, now):
            current = _find(cluster.get("links") or [], params["link_name"], model.link_missing)
            model.keep_secrets(link["link-config-values"], current["link-config-values"])
            refused, results = _link_validation(cluster, link, False)
            if not refused:
                current.update(link, **{"update-date": model.ms(now)})
            return 200, {"validation-result": results}, {}
        return _cluster_call(state, params, store)
    return _answer(call)


def delete_link(state, _request, params):
    def remove(cluster, _now):
        links = cluster.get("links") or []
        link = _find(links, params["link_name"], model.link_missing)
        users = [job["name"] for job in cluster.get("jobs") or []
                 if link["name"] in (job.get("from-link-name"), job.get("to-link-name"))]
        if users:
            return error(400, "Cdm.0055", "Link[%s] is used by job(s) %s." % (link["name"], ", ".join(users)))
        links.remove(link)
        return 200, {}, {}
    return _cluster_call(state, params, remove)


# ------------------------------------------------------------------ jobs

def _job_body(request, path_name=None):
    job = _body_item(request, "jobs")
    _check_name(job.get("name"), "jobs[0].name")
    if job["name"] == "all":
        raise BadRequest("A job cannot be named all (GET .../cdm/job/all is the list).")
    if path_name is not None and job["name"] != path_name:
        raise BadRequest("jobs[0].name %r is not the job of the path (%s)." % (job["name"], path_name))
    job.setdefault("job_type", "NORMAL_JOB")
    if job["job_type"] not in model.JOB_TYPES:
        raise BadRequest("job_type must be one of %s, got %r" % (", ".join(model.JOB_TYPES), job["job_type"]))
    for side in ("from", "to"):
        _check_name(job.get("%s-link-name" % side), "%s-link-name" % side)
        _check_connector(job.get("%s-connector-name" % side), "%s-connector-name" % side)
    for key in CONFIG_KEYS.values():
        if key in job:
            _check_config(job[key], key)
    return {key: job[key] for key in JOB_KEYS if key in job}


def _job_validation(cluster, job):
    results = copy.deepcopy((cluster.get("validation") or {}).get(job["name"], []))
    links = {link["name"]: link for link in cluster.get("links") or []}
    for side in ("from", "to"):
        name, connector = job["%s-link-name" % side], job["%s-connector-name" % side]
        if name not in links:
            results.append({"status": "ERROR", "message": "Link[%s] doesn't exist." % name})
        elif links[name]["connector-name"] != connector:
            results.append({"status": "ERROR", "message": "The link %s uses %s, not %s."
                            % (name, links[name]["connector-name"], connector)})
    return any(result["status"] == "ERROR" for result in results), results


def _not_running(job, now):
    if model.job_status(job, now) in model.RUNNING:
        raise model.JobError(400, "Cdm.0102", "Job[%s] is running." % job["name"])


def create_job(state, request, params):
    def call():
        job = _job_body(request)

        def store(cluster, now):
            jobs = cluster.setdefault("jobs", [])
            if any(item["name"] == job["name"] for item in jobs):
                return error(400, "Cdm.0101", "Job[%s] already exists." % job["name"])
            refused, results = _job_validation(cluster, job)
            if not refused:
                jobs.append(model.seed_job(dict(job, **{"type": job["job_type"], "creation-date": model.ms(now)}), now))
            return 200, {"name": job["name"], "validation-result": results}, {}
        return _cluster_call(state, params, store)
    return _answer(call)


def update_job(state, request, params):
    def call():
        job = _job_body(request, params["job_name"])

        def store(cluster, now):
            current = _find(cluster.get("jobs") or [], params["job_name"], model.job_missing)
            _not_running(current, now)
            for key in CONFIG_KEYS.values():
                if key in job and key in current:
                    model.keep_secrets(job[key], current[key])
            refused, results = _job_validation(cluster, job)
            if not refused:
                current.update(job, **{"type": job["job_type"], "update-date": model.ms(now)})
            return 200, {"validation-result": results}, {}
        return _cluster_call(state, params, store)
    return _answer(call)


def delete_job(state, _request, params):
    def remove(cluster, now):
        jobs = cluster.get("jobs") or []
        job = _find(jobs, params["job_name"], model.job_missing)
        _not_running(job, now)
        jobs.remove(job)
        return 200, {}, {}
    return _cluster_call(state, params, remove)


def list_jobs(state, request, params):
    """``GET .../cdm/job/all``: one page of the jobs of one type (``NORMAL_JOB`` without ``jobType``) whose name holds ``filter``."""
    def call():
        page_no = _query_int(request, "page_no", 1)
        page_size = _query_int(request, "page_size", 10)
        if page_no < 1:
            raise BadRequest("page_no must be 1 or more, got %d" % page_no)
        if not JOB_PAGE_SIZES[0] <= page_size <= JOB_PAGE_SIZES[1]:
            raise BadRequest("page_size must be between %d and %d, got %d" % (JOB_PAGE_SIZES + (page_size,)))
        job_type = request.query.get("jobType", "NORMAL_JOB")
        if job_type not in model.JOB_TYPES:
            raise BadRequest("jobType must be one of %s, got %r" % (", ".join(model.JOB_TYPES), job_type))
        wanted = request.query.get("filter", "").lower()

        def read(cluster, now):
            jobs = [job for job in cluster.get("jobs") or [] if job["job_type"] == job_type and wanted in job["name"].lower()]
            start = (page_no - 1) * page_size
            return 200, {"total": len(jobs), "page_no": page_no, "page_size": page_size,
                         "jobs": [model.public_job(job, now) for job in jobs[start:start + page_size]]}, {}
        return _cluster_call(state, params, read)
    return _answer(call)


def show_job(state, _request, params):
    """``GET .../cdm/job/{job_name}``: the list's shape, holding the one job."""
    def read(cluster, now):
        job = _find(cluster.get("jobs") or [], params["job_name"], model.job_missing)
        return 200, {"total": 1, "page_no": 1, "page_size": 10, "jobs": [model.public_job(job, now)]}, {}
    return _cluster_call(state, params, read)


def show_job_status(state, _request, params):
    """``GET .../cdm/job/{job_name}/status``: the job's last run (``NEVER_EXECUTED`` before any)."""
    def read(cluster, now):
        job = _find(cluster.get("jobs") or [], params["job_name"], model.job_missing)
        if job["_runs"]:
            return 200, {"submissions": [model.run_view(job["_runs"][-1], now)]}, {}
        never = {"job-name": job["name"], "status": "NEVER_EXECUTED", "progress": 0.0, "creation-user": job["creation-user"],
                 "creation-date": job["creation-date"], "last-update-date": job["update-date"], "is-execute-auto": False,
                 "isIncrementing": False}
        return 200, {"submissions": [never]}, {}
    return _cluster_call(state, params, read)


def start_job(state, request, params):
    def call():
        ok, body = request.json_body()
        if not ok or not isinstance(body, (dict, type(None))):
            raise BadRequest("The request body must be a JSON object.")
        body = body or {}
        unknown = [key for key in body if key != "variables"]
        if unknown:
            raise BadRequest("%s is not a parameter of a job start (only variables)." % unknown[0])
        variables = body.get("variables", {})
        if not isinstance(variables, dict) or not all(isinstance(v, str) for v in variables.values()):
            raise BadRequest("variables must be an object of strings.")

        def start(cluster, now):
            job = _find(cluster.get("jobs") or [], params["job_name"], model.job_missing)
            _not_running(job, now)
            run = model.start_run(job, variables, now, state.transition_for(cluster))
            return 200, {"submissions": [model.run_view(run, now)]}, {}
        return _cluster_call(state, params, start)
    return _answer(call)


def stop_job(state, _request, params):
    def stop(cluster, now):
        job = _find(cluster.get("jobs") or [], params["job_name"], model.job_missing)
        return 200, {"validation-result": model.stop_run(job, now)}, {}
    return _cluster_call(state, params, stop)


def list_submissions(state, request, params):
    """``GET .../cdm/submissions?jname=``: the runs of one job (of every job without ``jname``), oldest first."""
    def read(cluster, now):
        jobs = cluster.get("jobs") or []
        if "jname" in request.query:
            jobs = [_find(jobs, request.query["jname"], model.job_missing)]
        runs = sorted((run for job in jobs for run in job["_runs"]), key=lambda run: run["submission-id"])
        return 200, {"submissions": [model.run_view(run, now) for run in runs], "total": len(runs),
                     "page_no": 1, "page_size": max(len(runs), 10)}, {}
    return _cluster_call(state, params, read)


_SEG = r"([^/]*)"
_CDM = r"^/v1\.1/%s/clusters/%s/cdm" % (_SEG, _SEG)
_IDS = ("project_id", "cluster_id")
ROUTES = [
    # "all" is the list, any other name one job (the route for "all" comes first).
    ("GET", re.compile(_CDM + r"/job/all$"), "cdm", list_jobs, _IDS),
    ("POST", re.compile(_CDM + r"/job$"), "cdm", create_job, _IDS),
    ("GET", re.compile(_CDM + r"/job/%s$" % _SEG), "cdm", show_job, _IDS + ("job_name",)),
    ("PUT", re.compile(_CDM + r"/job/%s$" % _SEG), "cdm", update_job, _IDS + ("job_name",)),
    ("DELETE", re.compile(_CDM + r"/job/%s$" % _SEG), "cdm", delete_job, _IDS + ("job_name",)),
    ("PUT", re.compile(_CDM + r"/job/%s/start$" % _SEG), "cdm", start_job, _IDS + ("job_name",)),
    ("PUT", re.compile(_CDM + r"/job/%s/stop$" % _SEG), "cdm", stop_job, _IDS + ("job_name",)),
    ("GET", re.compile(_CDM + r"/job/%s/status$" % _SEG), "cdm", show_job_status, _IDS + ("job_name",)),
    ("GET", re.compile(_CDM + r"/submissions$"), "cdm", list_submissions, _IDS),
    ("POST", re.compile(_CDM + r"/link$"), "cdm", create_link, _IDS),
    ("GET", re.compile(_CDM + r"/link/%s$" % _SEG), "cdm", show_link, _IDS + ("link_name",)),
    ("PUT", re.compile(_CDM + r"/link/%s$" % _SEG), "cdm", update_link, _IDS + ("link_name",)),
    ("DELETE", re.compile(_CDM + r"/link/%s$" % _SEG), "cdm", delete_link, _IDS + ("link_name",)),
]
