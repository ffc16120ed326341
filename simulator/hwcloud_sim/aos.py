"""Application Orchestration Service v2 stack calls (shared/api/aos.md).

Handlers take (state, request, path params) and return (status, body, headers).
"""

from .aos_state import public_stack

LIFECYCLES = ("create", "delete", "upgrade", "rollback", "retry")
FAILURE_STRATEGIES = ("DoNothing", "Rollback")
ACTION_KEYS = ("lifecycle", "failure_strategy", "nodes", "timeout", "inputs", "template_id")


def error(status, code, message):
    return status, {"code": code, "message": message, "extend": None, "showdetail": False}, {}


def internal_error():
    return error(500, "AOS.0000", "An internal error occurred.")


def _bad(message):
    return error(400, "AOS.0100", message)


def _stack_missing(stack_id):
    return error(404, "AOS.0101", "stack %s does not exist" % stack_id)


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _validate_nodes(nodes):
    if not isinstance(nodes, list):
        return "nodes must be a list"
    for index, node in enumerate(nodes):
        where = "nodes[%d]" % index
        if not isinstance(node, dict):
            return "%s must be an object" % where
        for key, value in node.items():
            if key not in ("name", "parameters"):
                return "%s.%s is not a known parameter" % (where, key)
            if value is None:
                return "%s.%s must not be null" % (where, key)
        if "name" not in node:
            return "%s.name is required" % where
        if not isinstance(node["name"], str) or not node["name"]:
            return "%s.name must be a non-empty string" % where
        if "parameters" in node:
            parameters = node["parameters"]
            if not isinstance(parameters, dict):
                return "%s.parameters must be an object" % where
            for key in parameters:
                if key != "instances":
                    return "%s.parameters.%s is not a known parameter" % (where, key)
            if "instances" not in parameters:
                return "%s.parameters.instances is required" % where
            instances = parameters["instances"]
            if not _is_int(instances) or not 0 <= instances <= 100:
                return "%s.parameters.instances must be an integer from 0 to 100" % where
    return None


def validate_action(stack_id, body):
    """Return a message naming the first offending field, or None."""
    if not 1 <= len(stack_id) <= 64:
        return "stack_id must be 1 to 64 characters long"
    if not isinstance(body, dict):
        return "the request body must be a JSON object"
    for key, value in body.items():
        if key not in ACTION_KEYS:
            return "%s is not a known parameter" % key
        if value is None:
            return "%s must not be null" % key
    if "lifecycle" not in body:
        return "lifecycle is required"
    lifecycle = body["lifecycle"]
    if lifecycle not in LIFECYCLES:
        return "lifecycle must be one of %s, got %r" % (", ".join(LIFECYCLES), lifecycle)
    if "failure_strategy" in body:
        strategy = body["failure_strategy"]
        if strategy not in FAILURE_STRATEGIES:
            return "failure_strategy must be DoNothing or Rollback, got %r" % (strategy,)
        if strategy == "Rollback" and lifecycle != "create":
            return "failure_strategy Rollback is only supported with lifecycle create"
    if "timeout" in body:
        timeout = body["timeout"]
        if not _is_int(timeout) or not 0 <= timeout <= 1440:
            return "timeout must be an integer from 0 to 1440"
    if "nodes" in body:
        problem = _validate_nodes(body["nodes"])
        if problem:
            return problem
    if "inputs" in body and not isinstance(body["inputs"], dict):
        return "inputs must be an object"
    if "template_id" in body and not isinstance(body["template_id"], str):
        return "template_id must be a string"
    return None


def show_stack(state, request, params):
    stack = state.get_stack(request.project_id, params["stack_id"])
    if stack is None:
        return _stack_missing(params["stack_id"])
    return 200, public_stack(stack), {}


LIST_FILTERS = ("project_id", "name")


def list_stacks(state, request, _params):
    """``GET /v2/stacks?project_id=..&name=..``: a bare array; both filters are optional, neither may be empty or repeated."""
    for key in LIST_FILTERS:
        given = [value for name, value in request.query_pairs if name == key]
        if len(given) > 1:
            return _bad("%s must be given once, got %d values" % (key, len(given)))
        if given and not given[0]:
            return _bad("%s must not be empty" % key)
    wanted_project = request.query.get("project_id")
    if wanted_project is not None and wanted_project != request.project_id:
        return error(403, "AOS.0102", "project %s is not the caller's project" % wanted_project)
    stacks = state.list_stacks(request.project_id, request.query.get("name"))
    return 200, [public_stack(s) for s in stacks], {}


def stack_action(state, request, params):
    stack_id = params["stack_id"]
    ok, body = request.json_body()
    if not ok:
        return _bad("the request body is not valid JSON")
    problem = validate_action(stack_id, body)
    if problem:
        return _bad(problem)
    result, failure = state.stack_action(request.project_id, stack_id, body)
    if failure == "missing":
        return _stack_missing(stack_id)
    if failure is not None:
        return error(400, "AOS.0110", "stack is being processed by action %s" % failure[1])
    return 200, result, {}


def show_action(state, request, params):
    record = state.get_action(request.project_id, params["stack_id"], params["action_id"])
    if record is None:
        return error(404, "AOS.0101", "action %s of stack %s does not exist" % (params["action_id"], params["stack_id"]))
    return 200, record, {}
