"""The ECS instance metadata service (shared/api/iam.md, section 5), as seen from inside an instance.

Served on the simulator's own port, at the paths the real service uses, so that
``HW_METADATA_ENDPOINT`` is simply the simulator's URL. The seed's ``metadata`` object
describes the instance; without it the simulator is not an instance and every call answers 404.
"""

from .iam import temporary_credential_body

TTL_HEADER = "x-metadata-token-ttl-seconds"
TOKEN_HEADER = "x-metadata-token"


def _error(status, message):
    return status, {"error": {"code": status, "message": message}}, {}


def not_an_instance():
    return _error(404, "Not found: the simulator has no metadata (seed key metadata).")


def internal_error():
    return _error(500, "An internal error occurred.")


def create_token(state, request, _params):
    """PUT /meta-data/latest/api/token: a session token, unless the seed says the instance has none."""
    if state.metadata is None or state.metadata["token"] == "unsupported":
        return not_an_instance()
    ttl = request.headers.get(TTL_HEADER, "")
    if not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
        return _error(400, "X-Metadata-Token-Ttl-Seconds must be an integer from 1 to 21600.")
    return 200, state.issue_metadata_token(), {}


def _refusal(state, request):
    """The answer to a read that cannot be served (no instance, missing or wrong session token), or None."""
    if state.metadata is None:
        return not_an_instance()
    presented = request.headers.get(TOKEN_HEADER)
    if presented is None:
        return _error(401, "X-Metadata-Token is required.") if state.metadata["token"] == "required" else None
    if presented not in state.metadata_tokens:
        return _error(401, "X-Metadata-Token is invalid.")
    return None


def security_key(state, request, _params):
    """GET /openstack/latest/securitykey: temporary keys of the instance's agency."""
    refusal = _refusal(state, request)
    if refusal is not None:
        return refusal
    if not state.metadata.get("agency"):
        return _error(404, "No agency is attached to this instance.")
    record = state.issue_temporary_credential(state.metadata["domain"], 86400, "instance %s" % state.metadata["instance_id"])
    return 200, {"credential": temporary_credential_body(record)}, {}


def meta_data(state, request, _params):
    """GET /openstack/latest/meta_data.json: the instance, its project among it."""
    refusal = _refusal(state, request)
    if refusal is not None:
        return refusal
    instance = state.metadata
    return 200, {"uuid": instance["instance_id"], "name": instance["name"], "project_id": instance["project_id"],
                 "availability_zone": instance.get("availability_zone", "sim-az1"), "meta": {}}, {}
