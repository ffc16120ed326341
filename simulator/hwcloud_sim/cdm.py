"""Cloud Data Migration cluster calls (shared/api/cdm.md).

Handlers take (state, request, path params) and return (status, body, headers).
"""

from .cdm_state import public_cluster

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
