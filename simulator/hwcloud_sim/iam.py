"""IAM: password tokens and an agency's temporary credentials (shared/api/iam.md, sections 2 and 4)."""

import hmac

from . import signing
from .common import iam_time

TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 500: "Internal Server Error"}
DURATION_RANGE = (900, 86400)


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

    user = None
    for candidate in state.users:
        if candidate["name"] == name and _domain_name(candidate.get("domain")) == domain:
            user = candidate
            break
    if user is None or not hmac.compare_digest(str(user.get("password", "")).encode("utf-8"), password.encode("utf-8")):
        return error(401, "The username or password is wrong.")

    scope = _dig(body, "auth").get("scope")
    project = None
    if isinstance(scope, dict) and "domain" in scope and "project" not in scope:
        # A domain-scoped token: good for IAM calls of the account (listing its projects), for no project.
        spec = scope["domain"]
        if not isinstance(spec, dict) or not (spec.get("id") or spec.get("name")):
            return error(400, "Invalid request body: scope.domain needs an id or a name.")
        if spec.get("name", domain) != domain or spec.get("id", state.domain_id(domain)) != state.domain_id(domain):
            return error(401, "The user %s cannot be scoped to domain %s." % (name, spec.get("name") or spec.get("id")))
    elif scope is not None:
        spec = scope.get("project") if isinstance(scope, dict) else None
        if not isinstance(spec, dict) or not (spec.get("id") or spec.get("name")):
            return error(400, "Invalid request body: scope.project needs an id or a name.")
        # Only the projects of the user's own account can scope its token.
        if spec.get("id"):
            project = state.find_project(project_id=spec["id"], domain=domain)
        else:
            project = state.find_project(name=spec.get("name"), domain=domain)
        if project is None:
            # Another account's project does not exist, as far as this user can tell.
            return error(400, "The project %s does not exist." % (spec.get("id") or spec.get("name")))

    token, issued, expires = state.issue_token(user, project)
    token_body = {
        "expires_at": iam_time(expires),
        "issued_at": iam_time(issued),
        "methods": ["password"],
        "user": {"id": user["id"], "name": user["name"], "domain": {"name": domain}},
    }
    if project is not None:
        token_body["project"] = {"id": project["id"], "name": project["name"],
                                 "domain": {"id": state.domain_id(domain), "name": domain}}
    elif isinstance(scope, dict) and "domain" in scope:
        token_body["domain"] = {"id": state.domain_id(domain), "name": domain}
    return 201, {"token": token_body}, {"X-Subject-Token": token}


def caller_domain(state, request):
    """The account (domain name) of the credentials a request carries: (domain, None) or (None, error response)."""
    if "x-auth-token" in request.headers:
        record, problem = state.token_info(request.headers["x-auth-token"])
        if record is None:
            return None, error(401, "The token is invalid: %s." % problem)
        return record.get("domain"), None
    if "authorization" in request.headers:
        try:
            credential = signing.verify(request.method, request.raw_path, request.raw_query, request.headers, request.body,
                                        state.credentials.get)
        except signing.SignatureError as exc:
            return None, error(401, "The request signature is invalid: %s." % exc)
        problem = state.credential_problem(credential["access_key"])
        if problem:
            return None, error(401, "The request signature is invalid: %s." % problem)
        return credential.get("domain"), None
    return None, error(401, "The request you have made requires authentication.")


PROJECT_FILTERS = ("name", "domain_id", "parent_id", "enabled", "is_domain")
MAX_PER_PAGE = 5000


def _project_body(state, project, base_url):
    domain_id = state.domain_id(project["domain"])
    return {"id": project["id"], "name": project["name"], "domain_id": domain_id, "parent_id": domain_id,
            "description": "", "enabled": True, "is_domain": False,
            "links": {"self": "%s/v3/projects/%s" % (base_url, project["id"])}}


def list_projects(state, request, _params):
    """GET /v3/projects: the projects of the caller's own account, filtered as Keystone filters them.

    This is how the SDK finds a project from a region (``?name=<region>``), so the answer
    never holds another account's project, whatever the filters say.
    """
    domain, denied = caller_domain(state, request)
    if denied is not None:
        return denied
    page, per_page = 1, MAX_PER_PAGE
    for key in ("page", "per_page"):
        raw = request.query.get(key)
        if raw is None:
            continue
        if not raw.isdigit() or int(raw) < 1 or (key == "per_page" and int(raw) > MAX_PER_PAGE):
            return error(400, "Invalid query: %s must be an integer from 1%s." % (key, " to %d" % MAX_PER_PAGE if key == "per_page" else ""))
        if key == "page":
            page = int(raw)
        else:
            per_page = int(raw)
    for key in ("enabled", "is_domain"):
        if request.query.get(key, "true").lower() not in ("true", "false"):
            return error(400, "Invalid query: %s must be true or false." % key)
    base_url = "https://%s" % request.headers.get("host", "iam.myhuaweicloud.com")
    projects = [_project_body(state, project, base_url) for project in state.projects_of(domain)]
    for key in PROJECT_FILTERS:
        if key in request.query:
            wanted = request.query[key]
            projects = [p for p in projects if str(p[key]).lower() == wanted.lower()] if key in ("enabled", "is_domain") \
                else [p for p in projects if p[key] == wanted]
    chosen = projects[(page - 1) * per_page:page * per_page]
    query = "&".join("%s=%s" % pair for pair in request.query_pairs)
    links = {"self": "%s/v3/projects%s" % (base_url, "?" + query if query else ""), "previous": None, "next": None}
    return 200, {"projects": chosen, "links": links}, {}


def create_security_token(state, request, _params):
    """POST /v3.0/OS-CREDENTIAL/securitytokens with methods ["assume_role"]."""
    domain, denied = caller_domain(state, request)
    if denied is not None:
        return denied
    ok, body = request.json_body()
    if not ok or not isinstance(body, dict):
        return error(400, "The request body must be a JSON object.")
    try:
        methods = _dig(body, "auth", "identity", "methods")
        spec = _dig(body, "auth", "identity", "assume_role")
        agency_name = _dig(spec, "agency_name")
    except KeyError as exc:
        return error(400, "Invalid request body: %s is required." % exc.args[0])
    if methods != ["assume_role"]:
        return error(400, "Invalid request body: auth.identity.methods must be [\"assume_role\"].")
    domain_name, domain_id = spec.get("domain_name"), spec.get("domain_id")
    if bool(domain_name) == bool(domain_id):
        return error(400, "Invalid request body: assume_role needs exactly one of domain_name and domain_id.")
    duration = spec.get("duration_seconds", DURATION_RANGE[0])
    if isinstance(duration, bool) or not isinstance(duration, int) or not DURATION_RANGE[0] <= duration <= DURATION_RANGE[1]:
        return error(400, "Invalid request body: duration_seconds must be an integer from %d to %d." % DURATION_RANGE)
    agency = state.find_agency(agency_name, domain_name=domain_name, domain_id=domain_id)
    if agency is None:
        return error(404, "Could not find agency %s in domain %s." % (agency_name, domain_name or domain_id))
    if domain not in agency["trusted_domains"]:
        return error(403, "Domain %s is not trusted by agency %s of domain %s." % (domain, agency_name, agency["domain"]))
    record = state.issue_temporary_credential(agency["domain"], duration, "agency %s" % agency_name)
    return 201, {"credential": temporary_credential_body(record)}, {}


def temporary_credential_body(record):
    return {"access": record["access_key"], "secret": record["secret_key"], "securitytoken": record["security_token"],
            "expires_at": record["expires_at"]}
