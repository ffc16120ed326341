"""Resource Formation Service stack and execution plan calls (shared/api/rfs.md).

Handlers take (state, request, path params) and return (status, body, headers).
The model and its statuses live in rfs_state.py (with rfs_runs.py and rfs_plans.py), the plan arithmetic in rfs_diff.py.
"""

import base64
import binascii
import json
import re

from . import hcl, rfs_analysis
from .rfs_base import BAD_CLIENT_REQUEST_ID, BAD_PARAMETER, INTERNAL, MISSING_PARAMETER, UUID, RfsError

MAX_VARS = 100
MAX_PAGE = 100
MAX_DESCRIPTION = 1024
MAX_NAME = 128
MAX_AGENCIES = 10
TEMPLATE_KEYS = ("template_body", "template_uri")
VARS_KEYS = ("vars_structure", "vars_body", "vars_uri")


def error(status, code, message):
    return status, {"error_code": code, "error_msg": message}, {}


def internal_error():
    return error(500, INTERNAL, "An internal error occurred.")


def _bad(message, code=BAD_PARAMETER):
    raise RfsError(400, code, message)


def _is_name(value):
    """RFS names: a letter first, then letters (any script), digits, _ or -; at most 128 characters."""
    return (isinstance(value, str) and 0 < len(value) <= MAX_NAME and value[0].isalpha()
            and all(c.isalnum() or c in "_-" for c in value))


def _client_request_id(request):
    value = request.headers.get("client-request-id")
    if value is None:
        _bad("the Client-Request-Id header is required on every RFS request (a UUID is recommended)", BAD_CLIENT_REQUEST_ID)
    # The API reference sets 36 to 128 characters; a UUID is 36.
    if not 36 <= len(value) <= 128 or any(c.isspace() or not c.isprintable() for c in value):
        _bad("Client-Request-Id must be 36 to 128 printable characters without spaces, such as a UUID; got %r" % value[:140],
             BAD_CLIENT_REQUEST_ID)


def _body(request, known):
    """The JSON object body with null values dropped; unknown keys are refused."""
    ok, body = request.json_body()
    if not ok:
        _bad("the request body is not valid JSON")
    if body is None:
        body = {}
    if not isinstance(body, dict):
        _bad("the request body must be a JSON object")
    for key in body:
        if key not in known:
            _bad("%s is not a parameter of this call (known: %s)" % (key, ", ".join(known)))
    return {key: value for key, value in body.items() if value is not None}


def _check_uuid(value, field):
    if not isinstance(value, str) or not UUID.match(value):
        _bad("%s must be a UUID (36 characters), got %r" % (field, value))
    return value


def _query_id(request, field):
    value = request.query.get(field)
    return None if value is None else _check_uuid(value, field)


def _check_type(body, key, kind, what):
    if key in body and not isinstance(body[key], kind):
        _bad("%s must be %s" % (key, what))


def _check_stack_fields(body):
    if "description" in body:
        _check_type(body, "description", str, "a string")
        if len(body["description"]) > MAX_DESCRIPTION:
            _bad("description must be at most %d characters" % MAX_DESCRIPTION)
    for key in ("enable_deletion_protection", "enable_auto_rollback"):
        _check_type(body, key, bool, "a boolean")
    if "agencies" in body:
        agencies = body["agencies"]
        if not isinstance(agencies, list) or len(agencies) > MAX_AGENCIES:
            _bad("agencies must be a list of at most %d objects" % MAX_AGENCIES)
        for index, agency in enumerate(agencies):
            if not isinstance(agency, dict):
                _bad("agencies[%d] must be an object" % index)
            for key in agency:
                if key not in ("provider_name", "agency_name", "agency_urn"):
                    _bad("agencies[%d].%s is not a known parameter" % (index, key))
            if not isinstance(agency.get("provider_name"), str) or not agency["provider_name"]:
                _bad("agencies[%d].provider_name is required (a non-empty string)" % index, MISSING_PARAMETER)
            if not isinstance(agency.get("agency_name"), str) or not agency["agency_name"]:
                _bad("agencies[%d].agency_name is required (a non-empty string)" % index, MISSING_PARAMETER)


def _check_vars_structure(items):
    if not isinstance(items, list):
        _bad("vars_structure must be a list of {var_key, var_value} objects")
    if len(items) > MAX_VARS:
        _bad("vars_structure holds at most %d items, got %d" % (MAX_VARS, len(items)))
    seen = set()
    for index, item in enumerate(items):
        where = "vars_structure[%d]" % index
        if not isinstance(item, dict):
            _bad("%s must be an object" % where)
        for key in item:
            if key not in ("var_key", "var_value", "encryption"):
                _bad("%s.%s is not a known parameter" % (where, key))
        key = item.get("var_key")
        if not isinstance(key, str) or not key:
            _bad("%s.var_key is required (a non-empty string)" % where, MISSING_PARAMETER)
        if "var_value" not in item:
            _bad("%s.var_value is required" % where, MISSING_PARAMETER)
        if not isinstance(item["var_value"], str):
            _bad("%s.var_value must be a string, got %s: vars_structure takes strings only "
                 "(send a number as \"10\"; bool, list and map values go in vars_body)" % (where, type(item["var_value"]).__name__))
        if "encryption" in item:
            _check_encryption(item["encryption"], where + ".encryption")
        if key in seen:
            _bad("vars_structure declares %s twice" % key)
        seen.add(key)


def _check_encryption(encryption, where):
    """{"kms": {"id", "cipher_text"}}; the messages never quote a value, which is a secret."""
    if not isinstance(encryption, dict):
        _bad("%s must be an object: {\"kms\": {\"id\": ..., \"cipher_text\": ...}}" % where)
    for key in encryption:
        if key != "kms":
            _bad("%s.%s is not a known parameter (known: kms)" % (where, key))
    kms = encryption.get("kms")
    if not isinstance(kms, dict):
        _bad("%s.kms is required (an object with id and cipher_text)" % where, MISSING_PARAMETER)
    for key in kms:
        if key not in ("id", "cipher_text"):
            _bad("%s.kms.%s is not a known parameter (known: id, cipher_text)" % (where, key))
    for key in ("id", "cipher_text"):
        if not isinstance(kms.get(key), str) or not kms[key]:
            _bad("%s.kms.%s is required (a non-empty string)" % (where, key), MISSING_PARAMETER)


def _config(state, body, template_required):
    """The template and vars of a create/deploy/plan body, fetched and checked; None when there is no template."""
    given = [key for key in TEMPLATE_KEYS if key in body]
    if len(given) > 1:
        _bad("template_body and template_uri are mutually exclusive")
    if not given:
        if template_required:
            _bad("template_body or template_uri is required", MISSING_PARAMETER)
        extra = [key for key in VARS_KEYS if key in body]
        if extra:
            _bad("%s needs a template: give template_body or template_uri" % extra[0])
        return None
    for key in TEMPLATE_KEYS + ("vars_body", "vars_uri"):
        if key in body and (not isinstance(body[key], str) or (key in TEMPLATE_KEYS and not body[key].strip())):
            _bad("%s must be a non-empty string" % key if key in TEMPLATE_KEYS else "%s must be a string" % key)
    if "vars_structure" in body:
        _check_vars_structure(body["vars_structure"])
    template = body.get("template_body")
    if "template_uri" in body:
        template = state.rfs.fetch_uri(body["template_uri"], "template_uri")
    vars_uri_content = state.rfs.fetch_uri(body["vars_uri"], "vars_uri") if "vars_uri" in body else None
    sources = {}
    for item in body.get("vars_structure") or []:
        sources[item["var_key"]] = "vars_structure"
    for field, text in (("vars_body", body.get("vars_body")), ("vars_uri", vars_uri_content)):
        try:
            names = hcl.parse_tfvars(text)
        except hcl.TemplateError as exc:
            _bad("%s cannot be read: %s" % (field, exc))
        for name in names:
            if name in sources:
                _bad("variable %s is given in both %s and %s" % (name, sources[name], field))
            sources[name] = field
    return {"template_body": template, "vars_structure": body.get("vars_structure"),
            "vars_body": body.get("vars_body"), "vars_uri_content": vars_uri_content}


def _encode_marker(key):
    return base64.urlsafe_b64encode(json.dumps(key).encode("utf-8")).decode("ascii").rstrip("=")


def _decode_marker(marker):
    try:
        return json.loads(base64.urlsafe_b64decode(marker + "=" * (-len(marker) % 4)).decode("utf-8"))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        _bad("marker %r is not a marker that this list returned" % marker)
        return None


def _paged(state, request, list_key, keyed_items):
    """One page of ``keyed_items`` ([(key, item)] sorted by key, a key a list of numbers) per limit/marker, with page_info."""
    limit = MAX_PAGE
    if "limit" in request.query:
        text = request.query["limit"]
        if not re.match(r"^[0-9]+$", text) or not 1 <= int(text) <= MAX_PAGE:
            _bad("limit must be an integer from 1 to %d, got %r" % (MAX_PAGE, text))
        limit = int(text)
    cap = state.settings.get("rfs_page_cap")
    if cap is not None:
        limit = min(limit, cap)
    if request.query.get("marker"):
        after = _decode_marker(request.query["marker"])
        if keyed_items and not (isinstance(after, list) and len(after) == len(keyed_items[0][0])
                                and all(isinstance(part, (int, float)) and not isinstance(part, bool) for part in after)):
            _bad("marker %r is not a marker that this list returned" % request.query["marker"])
        keyed_items = [(key, item) for key, item in keyed_items if key > after]
    page = keyed_items[:limit]
    page_info = {"current_count": len(page)}
    if len(keyed_items) > limit:
        page_info["next_marker"] = _encode_marker(page[-1][0])
    return 200, {list_key: [item for _key, item in page], "page_info": page_info}, {}


def rfs_call(handler):
    """Every RFS call: Client-Request-Id first, then the handler; RfsError becomes the service's error answer."""
    def call(state, request, params):
        try:
            _client_request_id(request)
            return handler(state, request, params)
        except RfsError as exc:
            return error(exc.status, exc.code, exc.message)
    call.__name__ = handler.__name__
    call.__doc__ = handler.__doc__
    return call


@rfs_call
def create_stack(state, request, params):
    body = _body(request, ("stack_name", "description", "agencies", "enable_deletion_protection", "enable_auto_rollback")
                 + TEMPLATE_KEYS + VARS_KEYS)
    if "stack_name" not in body:
        _bad("stack_name is required", MISSING_PARAMETER)
    if not _is_name(body["stack_name"]):
        _bad("stack_name must start with a letter and hold only letters, digits, _ and -, at most %d characters; got %r"
             % (MAX_NAME, body["stack_name"]))
    _check_stack_fields(body)
    config = _config(state, body, template_required=False)
    stack_id, deployment_id = state.rfs.create_stack(params["project_id"], body, config)
    answer = {"stack_id": stack_id}
    if deployment_id is not None:
        answer["deployment_id"] = deployment_id
    return 200, answer, {}


@rfs_call
def parse_template_variables(state, request, params):
    body = _body(request, TEMPLATE_KEYS)
    given = [key for key in TEMPLATE_KEYS if key in body]
    if not given:
        _bad("template_body or template_uri is required", MISSING_PARAMETER)
    if len(given) > 1:
        _bad("template_body and template_uri are mutually exclusive")
    if not isinstance(body[given[0]], str) or not body[given[0]].strip():
        _bad("%s must be a non-empty string" % given[0])
    template = body.get("template_body")
    if "template_uri" in body:
        template = state.rfs.fetch_uri(body["template_uri"], "template_uri")
    return 200, {"variables": rfs_analysis.declared_variables(template)}, {}


@rfs_call
def list_stacks(state, request, params):
    return _paged(state, request, "stacks", state.rfs.list_stacks(params["project_id"]))


@rfs_call
def show_metadata(state, request, params):
    return 200, state.rfs.metadata(params["project_id"], params["stack_name"], _query_id(request, "stack_id")), {}


@rfs_call
def update_stack(state, request, params):
    settings = ("description", "enable_deletion_protection", "enable_auto_rollback", "agencies")
    body = _body(request, ("stack_id",) + settings)
    if "stack_id" in body:
        _check_uuid(body["stack_id"], "stack_id")
    if not any(key in body for key in settings):
        _bad("give at least one of %s to change" % ", ".join(settings), MISSING_PARAMETER)
    _check_stack_fields(body)
    state.rfs.update_stack(params["project_id"], params["stack_name"], body)
    return 204, None, {}


@rfs_call
def deploy_stack(state, request, params):
    body = _body(request, ("stack_id",) + TEMPLATE_KEYS + VARS_KEYS)
    stack_id = _check_uuid(body["stack_id"], "stack_id") if "stack_id" in body else None
    config = _config(state, body, template_required=True)
    return 202, {"deployment_id": state.rfs.deploy(params["project_id"], params["stack_name"], stack_id, config)}, {}


@rfs_call
def delete_stack(state, request, params):
    state.rfs.delete(params["project_id"], params["stack_name"], _query_id(request, "stack_id"), retain=False)
    return 204, None, {}


@rfs_call
def delete_stack_enhanced(state, request, params):
    body = _body(request, ("stack_id", "retain_all_resources"))
    stack_id = _check_uuid(body["stack_id"], "stack_id") if "stack_id" in body else None
    _check_type(body, "retain_all_resources", bool, "a boolean")
    state.rfs.delete(params["project_id"], params["stack_name"], stack_id, retain=body.get("retain_all_resources", False))
    return 204, None, {}


def _stack_id_only(request):
    body = _body(request, ("stack_id",))
    return _check_uuid(body["stack_id"], "stack_id") if "stack_id" in body else None


@rfs_call
def continue_deployment(state, request, params):
    deployment_id = state.rfs.continue_deployment(params["project_id"], params["stack_name"], _stack_id_only(request))
    return 202, {"deployment_id": deployment_id}, {}


@rfs_call
def continue_rollback(state, request, params):
    deployment_id = state.rfs.continue_rollback(params["project_id"], params["stack_name"], _stack_id_only(request))
    return 202, {"deployment_id": deployment_id}, {}


@rfs_call
def list_outputs(state, request, params):
    outputs = state.rfs.outputs(params["project_id"], params["stack_name"], _query_id(request, "stack_id"))
    return _paged(state, request, "outputs", [([position], o) for position, o in enumerate(sorted(outputs, key=lambda o: o["name"]))])


@rfs_call
def list_resources(state, request, params):
    resources = state.rfs.resources(params["project_id"], params["stack_name"], _query_id(request, "stack_id"))
    return _paged(state, request, "stack_resources", [([position], r) for position, r in enumerate(resources)])


@rfs_call
def list_events(state, request, params):
    for unsupported in ("filter", "field"):
        if unsupported in request.query:
            _bad("the %s query parameter is not supported by the simulator; filter the events on the client" % unsupported)
    events = state.rfs.events(params["project_id"], params["stack_name"], _query_id(request, "stack_id"),
                              _query_id(request, "deployment_id"))
    return _paged(state, request, "stack_events", events)


@rfs_call
def create_plan(state, request, params):
    body = _body(request, ("stack_id", "execution_plan_name", "description") + TEMPLATE_KEYS + VARS_KEYS)
    if "stack_id" in body:
        _check_uuid(body["stack_id"], "stack_id")
    if "execution_plan_name" not in body:
        _bad("execution_plan_name is required", MISSING_PARAMETER)
    if not _is_name(body["execution_plan_name"]):
        _bad("execution_plan_name must start with a letter and hold only letters, digits, _ and -, at most %d characters; got %r"
             % (MAX_NAME, body["execution_plan_name"]))
    _check_stack_fields({k: v for k, v in body.items() if k == "description"})
    config = _config(state, body, template_required=True)
    return 200, {"execution_plan_id": state.rfs.create_plan(params["project_id"], params["stack_name"], body, config)}, {}


def _plan_args(request, params):
    return (params["project_id"], params["stack_name"], params["plan_name"],
            _query_id(request, "stack_id"), _query_id(request, "execution_plan_id"))


@rfs_call
def list_plans(state, request, params):
    plans = state.rfs.list_plans(params["project_id"], params["stack_name"], _query_id(request, "stack_id"))
    return _paged(state, request, "execution_plans", plans)


@rfs_call
def plan_metadata(state, request, params):
    return 200, state.rfs.plan_metadata(*_plan_args(request, params)), {}


@rfs_call
def plan_items(state, request, params):
    return 200, {"execution_plan_items": state.rfs.plan_items(*_plan_args(request, params))}, {}


@rfs_call
def plan_prices(state, request, params):
    return 200, state.rfs.plan_prices(*_plan_args(request, params)), {}


@rfs_call
def apply_plan(state, request, params):
    body = _body(request, ("stack_id", "execution_plan_id"))
    stack_id = _check_uuid(body["stack_id"], "stack_id") if "stack_id" in body else None
    plan_id = _check_uuid(body["execution_plan_id"], "execution_plan_id") if "execution_plan_id" in body else None
    deployment_id = state.rfs.apply_plan(params["project_id"], params["stack_name"], params["plan_name"], stack_id, plan_id)
    return 200, {"deployment_id": deployment_id}, {}


@rfs_call
def delete_plan(state, request, params):
    state.rfs.delete_plan(*_plan_args(request, params))
    return 204, None, {}


_SEG = r"([^/]*)"
_STACKS = r"^/v1/%s/stacks" % _SEG
_STACK = _STACKS + r"/%s" % _SEG
_PLAN = _STACK + r"/execution-plans/%s" % _SEG
_P, _PS, _PSE = ("project_id",), ("project_id", "stack_name"), ("project_id", "stack_name", "plan_name")

ROUTES = [
    ("POST", re.compile(_STACKS + "$"), "rfs", create_stack, _P),
    ("POST", re.compile(r"^/v1/%s/template-analyses/variables$" % _SEG), "rfs", parse_template_variables, _P),
    ("GET", re.compile(_STACKS + "$"), "rfs", list_stacks, _P),
    ("GET", re.compile(_STACK + "/metadata$"), "rfs", show_metadata, _PS),
    ("PATCH", re.compile(_STACK + "$"), "rfs", update_stack, _PS),
    ("DELETE", re.compile(_STACK + "$"), "rfs", delete_stack, _PS),
    ("POST", re.compile(_STACK + "/deployments$"), "rfs", deploy_stack, _PS),
    ("POST", re.compile(_STACK + "/deletion$"), "rfs", delete_stack_enhanced, _PS),
    ("POST", re.compile(_STACK + "/continuations$"), "rfs", continue_deployment, _PS),
    ("POST", re.compile(_STACK + "/rollbacks$"), "rfs", continue_rollback, _PS),
    ("GET", re.compile(_STACK + "/outputs$"), "rfs", list_outputs, _PS),
    ("GET", re.compile(_STACK + "/resources$"), "rfs", list_resources, _PS),
    ("GET", re.compile(_STACK + "/events$"), "rfs", list_events, _PS),
    ("POST", re.compile(_STACK + "/execution-plans$"), "rfs", create_plan, _PS),
    ("GET", re.compile(_STACK + "/execution-plans$"), "rfs", list_plans, _PS),
    ("GET", re.compile(_PLAN + "/metadata$"), "rfs", plan_metadata, _PSE),
    ("GET", re.compile(_PLAN + "$"), "rfs", plan_items, _PSE),
    ("GET", re.compile(_PLAN + "/prices$"), "rfs", plan_prices, _PSE),
    ("POST", re.compile(_PLAN + "$"), "rfs", apply_plan, _PSE),
    ("DELETE", re.compile(_PLAN + "$"), "rfs", delete_plan, _PSE),
]
