"""IAM password authentication (shared/api/iam.md, section 2)."""

import hmac

from .state import iam_time

TITLES = {400: "Bad Request", 401: "Unauthorized", 500: "Internal Server Error"}


def error(status, message):
    return status, {"error": {"code": status, "message": message, "title": TITLES.get(status, "Error")}}, {}


def internal_error():
    return error(500, "An internal error occurred.")


def _dig(body, *keys):
    value = body
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            raise KeyError(".".join(keys))
        value = value[key]
    return value


def _domain_name(domain):
    if isinstance(domain, dict):
        return domain.get("name")
    return domain


def create_token(state, request, _params):
    ok, body = request.json_body()
    if not ok or not isinstance(body, dict):
        return error(400, "The request body must be a JSON object.")
    try:
        methods = _dig(body, "auth", "identity", "methods")
        user_spec = _dig(body, "auth", "identity", "password", "user")
        name = _dig(user_spec, "name")
        password = _dig(user_spec, "password")
        domain = _dig(user_spec, "domain", "name")
    except KeyError as exc:
        return error(400, "Invalid request body: %s is required." % exc.args[0])
    if not isinstance(methods, list) or "password" not in methods:
        return error(400, "Invalid request body: auth.identity.methods must contain \"password\".")
    if not all(isinstance(v, str) for v in (name, password, domain)):
        return error(400, "Invalid request body: user name, password and domain name must be strings.")

    scope = _dig(body, "auth").get("scope")
    project = None
    if scope is not None:
        spec = scope.get("project") if isinstance(scope, dict) else None
        if not isinstance(spec, dict) or not (spec.get("id") or spec.get("name")):
            return error(400, "Invalid request body: scope.project needs an id or a name.")
        project = state.find_project(project_id=spec.get("id")) if spec.get("id") else state.find_project(name=spec.get("name"))
        if project is None:
            return error(400, "The project %s does not exist." % (spec.get("id") or spec.get("name")))

    user = None
    for candidate in state.users:
        if candidate["name"] == name and _domain_name(candidate.get("domain")) == domain:
            user = candidate
            break
    if user is None or not hmac.compare_digest(str(user.get("password", "")).encode("utf-8"), password.encode("utf-8")):
        return error(401, "The username or password is wrong.")

    token, issued, expires = state.issue_token(user, project)
    token_body = {
        "expires_at": iam_time(expires),
        "issued_at": iam_time(issued),
        "methods": ["password"],
        "user": {"id": user["id"], "name": user["name"], "domain": {"name": domain}},
    }
    if project is not None:
        token_body["project"] = {"id": project["id"], "name": project["name"]}
    return 201, {"token": token_body}, {"X-Subject-Token": token}
