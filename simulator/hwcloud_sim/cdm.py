"""Cloud Data Migration cluster calls (shared/api/cdm.md).

Handlers take (state, request, path params) and return (status, body, headers).
"""

from .state import public_cluster

STOP_MODES = ("IMMEDIATELY", "GRACEFULLY")
RESTART_MODES = ("IMMEDIATELY", "FORCELY", "SOFTLY")
RESTART_LEVELS = ("SERVICE", "VM")
RESTART_KEYS = ("restartDelayTime", "restartMode", "restartLevel", "type", "instance", "group")


def error(status, code, message):
    return status, {"errCode": code, "externalMessage": message}, {}


def internal_error():
    return error(500, "Cdm.0000", "A system error occurred.")


def not_found():
    return error(404, "Cdm.0001", "The cluster does not exist.")


def _bad(message):
    return error(400, "Cdm.0020", message)


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def list_clusters(state, _request, params):
    clusters = state.list_clusters(params["project_id"])
    return 200, {"clusters": [public_cluster(c) for c in clusters]}, {}


def show_cluster(state, _request, params):
    cluster = state.get_cluster(params["project_id"], params["cluster_id"])
    if cluster is None:
        return not_found()
    return 200, public_cluster(cluster), {}


def _validate_stop(stop):
    for key, value in stop.items():
        if key not in ("stopMode", "delayTime"):
            return "stop.%s is not a known parameter" % key
        if value is None:
            return "stop.%s must not be null" % key
    mode = stop.get("stopMode")
    if mode is not None and mode not in STOP_MODES:
        return "stop.stopMode must be one of %s, got %r" % (", ".join(STOP_MODES), mode)
    if "delayTime" in stop:
        delay = stop["delayTime"]
        if not _is_int(delay):
            return "stop.delayTime must be an integer"
        if mode != "GRACEFULLY":
            return "stop.delayTime is only valid with stopMode GRACEFULLY"
        if delay != -1 and delay <= 0:
            return "stop.delayTime must be -1 or greater than 0, got %d" % delay
    return None


def _validate_restart(restart):
    """Every field is mandatory (the SDK always sends all six); ``instance``/``group`` are reserved: ``""`` with SERVICE."""
    for key, value in restart.items():
        if key not in RESTART_KEYS:
            return "restart.%s is not a known parameter" % key
        if value is None:
            return "restart.%s must not be null" % key
    for key in RESTART_KEYS:
        if key not in restart:
            return "restart.%s is mandatory" % key
    delay = restart["restartDelayTime"]
    if not _is_int(delay) or not 0 <= delay <= 2 ** 31 - 1:
        return "restart.restartDelayTime must be an integer from 0 to 2147483647"
    if restart["restartMode"] not in RESTART_MODES:
        return "restart.restartMode must be one of %s" % ", ".join(RESTART_MODES)
    if restart["restartLevel"] not in RESTART_LEVELS:
        return "restart.restartLevel must be one of %s" % ", ".join(RESTART_LEVELS)
    if restart["type"] != "cdm":
        return "restart.type must be cdm"
    for key in ("instance", "group"):
        if not isinstance(restart[key], str):
            return "restart.%s must be a string" % key
        if restart["restartLevel"] == "SERVICE" and restart[key] != "":
            return "restart.%s must be empty with restartLevel SERVICE" % key
    return None


# Why a cluster refuses a power action, by status: (code, message); None = the action is accepted.
REFUSALS = {
    "stop": {"900": ("Cdm.0031", "The cluster is already stopped or stopping."),
             "910": ("Cdm.0031", "The cluster is already stopped or stopping.")},
    "start": {"200": ("Cdm.0034", "The cluster is already running."),
              "300": ("Cdm.0036", "The cluster is abnormal; it cannot be started, restart it."),
              "910": ("Cdm.0032", "The cluster is in transition (status 910).")},
    "restart": {"900": ("Cdm.0031", "The cluster is already stopped or stopping."),
                "910": ("Cdm.0031", "The cluster is already stopped or stopping.")},
}
# The statuses each action is accepted in.
ACCEPTS = {"stop": ("200", "300"), "start": ("900",), "restart": ("200", "300")}


def _state_error(action, cluster):
    status = cluster.get("status")
    if cluster.get("isFrozen") == "1" or status == "800":
        return error(400, "Cdm.0033", "The cluster is frozen.")
    if status == "303":
        return error(400, "Cdm.0033", "The cluster creation failed.")
    if status in ACCEPTS[action]:
        return None
    if status in REFUSALS[action]:
        return error(400, *REFUSALS[action][status])
    return error(400, "Cdm.0032", "The cluster is in transition (status %s)." % status)


def cluster_action(state, request, params):
    ok, body = request.json_body()
    if not ok:
        return _bad("The request body is not valid JSON.")
    if not isinstance(body, dict):
        return _bad("The request body must be a JSON object.")
    actions = [key for key in ("stop", "start", "restart") if key in body]
    unknown = [key for key in body if key not in ("stop", "start", "restart")]
    if unknown:
        return _bad("%s is not a known action; use exactly one of stop, start, restart." % unknown[0])
    if len(actions) != 1:
        return _bad("The body must hold exactly one of stop, start, restart.")
    action = actions[0]
    action_params = body[action]
    if not isinstance(action_params, dict):
        return _bad("%s must be an object." % action)
    if action == "stop":
        problem = _validate_stop(action_params)
    elif action == "restart":
        problem = _validate_restart(action_params)
    else:
        problem = ("start.%s is not a known parameter" % next(iter(action_params))) if action_params else None
    if problem:
        return _bad(problem)
    cluster, failure, job_id = state.cluster_action(
        params["project_id"], params["cluster_id"], action, action_params,
        lambda c: _state_error(action, c))
    if cluster is None:
        return not_found()
    if failure is not None:
        return failure
    if action == "restart":
        # The SDK types restart's jobId as a string (start and stop answer a list).
        return 200, {"jobId": job_id}, {}
    return 200, {"jobId": [job_id]}, {}


# ------------------------------------------------------------------ migration jobs (read only)

JOB_TYPES = ("NORMAL_JOB", "BATCH_JOB", "SCENARIO_JOB")
JOB_PAGE_SIZES = (10, 100)
# A job's status as the list gives it, and as its runs (submissions) give it.
SUBMISSION_STATUS = {"BOOTING": "BOOTING", "RUNNING": "RUNNING", "SUCCEEDED": "SUCCEEDED", "FAILED": "FAILED",
                     "NEW": "NEVER_EXECUTED"}
SUBMISSION_PROGRESS = {"BOOTING": 0.0, "RUNNING": 50.0, "SUCCEEDED": 100.0, "FAILED": 0.0, "NEW": 0.0}


def _job_cluster(state, params):
    """(cluster, None) for a cluster that can answer job queries, else (None, error response)."""
    cluster = state.get_cluster(params["project_id"], params["cluster_id"])
    if cluster is None:
        return None, not_found()
    if cluster.get("status") != "200":
        # The jobs are served by the cluster's own VMs: a cluster that is not running cannot answer.
        return None, error(400, "Cdm.0035", "The cluster is not running (status %s); job operations are not available."
                           % cluster.get("status"))
    return cluster, None


def _query_int(request, name, default):
    """(value, None) or (None, problem) for an integer query parameter."""
    raw = request.query.get(name)
    if raw is None:
        return default, None
    try:
        return int(raw, 10), None
    except ValueError:
        return None, "%s must be an integer, got %r" % (name, raw)


def list_jobs(state, request, params):
    """``GET .../cdm/job/all``: one page of the cluster's jobs of one type (``NORMAL_JOB`` without ``jobType``)."""
    page_no, problem = _query_int(request, "page_no", 1)
    if problem is None:
        page_size, problem = _query_int(request, "page_size", 10)
    if problem is None and page_no < 1:
        problem = "page_no must be 1 or more, got %d" % page_no
    if problem is None and not JOB_PAGE_SIZES[0] <= page_size <= JOB_PAGE_SIZES[1]:
        problem = "page_size must be between %d and %d, got %d" % (JOB_PAGE_SIZES + (page_size,))
    job_type = request.query.get("jobType", "NORMAL_JOB")
    if problem is None and job_type not in JOB_TYPES:
        problem = "jobType must be one of %s, got %r" % (", ".join(JOB_TYPES), job_type)
    if problem:
        return _bad(problem)
    cluster, failure = _job_cluster(state, params)
    if failure:
        return failure
    jobs = [job for job in cluster.get("jobs") or [] if job["job_type"] == job_type]
    start = (page_no - 1) * page_size
    return 200, {"total": len(jobs), "page_no": page_no, "page_size": page_size, "jobs": jobs[start:start + page_size]}, {}


def _find_job(state, params):
    cluster, failure = _job_cluster(state, params)
    if failure:
        return None, failure
    for job in cluster.get("jobs") or []:
        if job["name"] == params["job_name"]:
            return job, None
    return None, error(404, "Cdm.0015", "The job %s does not exist." % params["job_name"])


def show_job(state, _request, params):
    """``GET .../cdm/job/{job_name}``: the list's shape, holding the one job."""
    job, failure = _find_job(state, params)
    if failure:
        return failure
    return 200, {"total": 1, "page_no": 1, "page_size": 10, "jobs": [job]}, {}


def show_job_status(state, _request, params):
    """``GET .../cdm/job/{job_name}/status``: the job's last run."""
    job, failure = _find_job(state, params)
    if failure:
        return failure
    submission = {
        "job-name": job["name"],
        "status": SUBMISSION_STATUS[job["status"]],
        "progress": SUBMISSION_PROGRESS[job["status"]],
        "creation-user": job["creation-user"],
        "creation-date": job["creation-date"],
        "last-update-date": job["update-date"],
        "is-execute-auto": False,
        "isIncrementing": False,
    }
    if job["status"] == "FAILED":
        submission["error-summary"] = job.get("last_error_message", "The job failed.")
    return 200, {"submissions": [submission]}, {}
