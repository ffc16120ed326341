"""API Gateway's checks of a service call: who is calling (a token or an AK/SK signature) and for which project.

A token is scoped to one project; an AK/SK signature names its project in ``X-Project-Id``. Either
is good only for the projects of its own account: IAM turns a signature into a token of the key's
account for that project, so another account's project (or one that does not exist) fails
there, as the authentication itself. Temporary keys of an agency belong to the agency's account.
"""

from . import signing


def _unauthorized(request, reason):
    return 401, request.apigw_body("APIGW.0301", "Incorrect IAM authentication information: %s" % reason), {}


def _forbidden(request, reason):
    return 403, request.apigw_body("APIGW.0302", "The IAM user is not authorized to access the API: %s" % reason), {}


def _caller(state, request):
    """(account, project id, None) of the presented credentials, or (None, None, refusal)."""
    if "x-auth-token" in request.headers:
        record, problem = state.token_info(request.headers["x-auth-token"])
        if record is None:
            return None, None, _unauthorized(request, problem)
        if record.get("project_id") is None:
            return None, None, _forbidden(request, "project mismatch: the token is not scoped to a project")
        return record.get("domain"), record["project_id"], None
    if "authorization" in request.headers:
        if not request.headers["authorization"].startswith(signing.ALGORITHM):
            return None, None, _unauthorized(request, "unsupported Authorization scheme (expected %s)" % signing.ALGORITHM)
        try:
            credential = signing.verify(request.method, request.raw_path, request.raw_query, request.headers, request.body,
                                        state.credentials.get)
        except signing.SignatureError as exc:
            return None, None, _unauthorized(request, str(exc))
        problem = state.credential_problem(credential["access_key"])
        if problem:
            return None, None, _unauthorized(request, problem)
        project_id = request.headers.get("x-project-id")
        if not project_id:
            return None, None, _forbidden(request, "project mismatch: X-Project-Id is required with AK/SK for project-level services")
        account = credential.get("domain")
        if state.find_project(project_id=project_id, domain=account) is None:
            return None, None, _unauthorized(request, "project %s (X-Project-Id) is not a project of account %s, the account of "
                                                      "access key %s" % (project_id, account, credential["access_key"]))
        return account, project_id, None
    return None, None, _unauthorized(request, "no X-Auth-Token or Authorization header")


def authenticate(state, request, params):
    """Set request.project_id; return the API Gateway's refusal (status, body, headers), or None."""
    account, project_id, refusal = _caller(state, request)
    if refusal is not None:
        return refusal
    if state.find_project(project_id=project_id, domain=account) is None:
        # A token of an account, scoped to a project that is not (or no longer) the account's.
        return _unauthorized(request, "the token's project %s is not a project of account %s" % (project_id, account))
    request.project_id = project_id
    if "project_id" in params and params["project_id"] != project_id:
        return _forbidden(request, "project mismatch: path project %s is not the caller's project %s" % (params["project_id"], project_id))
    return None
