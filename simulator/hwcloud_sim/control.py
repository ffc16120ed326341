"""The control API under /_sim/: seed, inspect and steer a running simulator (docs/simulator.md "Control API").

Without authentication, never logged and never faulted.
"""

from .faults import FaultError
from .seedkeys import merge_seed
from .common import SeedError


def call(sim, request):
    """(status, body) of one control call; SeedError or FaultError for a body the simulator cannot take."""
    path = request.path.rstrip("/")
    routes = {
        ("GET", "/_sim/health"): lambda: {"ok": True},
        ("GET", "/_sim/requests"): sim.log.list,
        ("DELETE", "/_sim/requests"): lambda: _done(sim.log.clear),
        ("GET", "/_sim/state"): sim.state.export,
        ("PUT", "/_sim/state"): lambda: _replace_state(sim, request),
        ("POST", "/_sim/reset"): lambda: _done(sim.reset),
        ("POST", "/_sim/clusters"): lambda: _upsert(request, "id", sim.state.upsert_cluster),
        ("POST", "/_sim/stacks"): lambda: _upsert(request, "guid", sim.state.upsert_stack),
        ("POST", "/_sim/cdm_jobs"): lambda: _upsert(request, "name", sim.state.upsert_cdm_job),
        ("POST", "/_sim/cdm_links"): lambda: _upsert(request, "name", sim.state.upsert_cdm_link),
        ("POST", "/_sim/rfs_stacks"): lambda: _upsert(request, "stack_name", sim.state.rfs.upsert),
        ("POST", "/_sim/rfs_uris"): lambda: _upsert(request, None, sim.state.rfs.add_uris),
        ("GET", "/_sim/faults"): sim.faults.list,
        ("POST", "/_sim/faults"): lambda: sim.faults.add(_json(request)),
        ("DELETE", "/_sim/faults"): lambda: _done(sim.faults.clear),
    }
    handler = routes.get((request.method, path))
    if handler is None:
        if any(known == path for _method, known in routes):
            return 405, {"error": "%s does not accept %s" % (request.path, request.method)}
        return 404, {"error": "unknown control endpoint %s" % request.path}
    return (201 if (request.method, path) == ("POST", "/_sim/faults") else 200), handler()


def _json(request):
    ok, body = request.json_body()
    if not ok:
        raise FaultError("the body is not valid JSON")
    return body


def _replace_state(sim, request):
    seed = _json(request)
    if not isinstance(seed, dict):
        raise SeedError("a state seed must be a JSON object")
    # Partial: what the seed leaves out keeps the start seed's value (the default project and token, say).
    sim.reset(merge_seed(sim.state.start_seed, seed))
    return sim.state.export()


def _upsert(request, key, upsert):
    obj = _json(request)
    if not isinstance(obj, dict):
        raise SeedError("the body must be a JSON object")
    if obj.get(key) is not None and not isinstance(obj[key], str):
        raise SeedError("%s must be a string" % key)
    try:
        return upsert(obj)
    except (TypeError, ValueError) as exc:
        raise SeedError("bad object: %s" % exc) from exc


def _done(action):
    action()
    return {"ok": True}
