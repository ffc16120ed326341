"""HTTP plumbing of the simulator: the server, routing, and the handler that runs each call.

Around it: gateway.py (authentication of service calls), faults.py (fault injection),
requestlog.py (the request log), control.py (the /_sim/ control API).
"""

import json
import re
import socket
import ssl
import sys
import threading
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

from . import aos, cdm, cdm_jobs, control, gateway, iam, metadata, rfs, signing
from .common import SeedError
from .faults import FaultBook, FaultError, injected_response
from .requestlog import RequestLog, entry
from .state import State

MAX_BODY_BYTES = 16 * 1024 * 1024

_SEG = r"([^/]*)"
ROUTES = [
    ("POST", re.compile(r"^/v3/auth/tokens$"), "iam", iam.create_token, ()),
    ("POST", re.compile(r"^/v3\.0/OS-CREDENTIAL/securitytokens$"), "iam", iam.create_security_token, ()),
    ("GET", re.compile(r"^/v3/projects$"), "iam", iam.list_projects, ()),
    ("PUT", re.compile(r"^/meta-data/latest/api/token$"), "metadata", metadata.create_token, ()),
    ("GET", re.compile(r"^/openstack/latest/securitykey$"), "metadata", metadata.security_key, ()),
    ("GET", re.compile(r"^/openstack/latest/meta_data\.json$"), "metadata", metadata.meta_data, ()),
    ("GET", re.compile(r"^/v1\.1/%s/clusters$" % _SEG), "cdm", cdm.list_clusters, ("project_id",)),
    ("GET", re.compile(r"^/v1\.1/%s/clusters/%s$" % (_SEG, _SEG)), "cdm", cdm.show_cluster, ("project_id", "cluster_id")),
    ("POST", re.compile(r"^/v1\.1/%s/clusters/%s/action$" % (_SEG, _SEG)), "cdm", cdm.cluster_action, ("project_id", "cluster_id")),
    ("GET", re.compile(r"^/v2/stacks$"), "aos", aos.list_stacks, ()),
    ("GET", re.compile(r"^/v2/stacks/%s$" % _SEG), "aos", aos.show_stack, ("stack_id",)),
    ("PUT", re.compile(r"^/v2/stacks/%s/actions$" % _SEG), "aos", aos.stack_action, ("stack_id",)),
    ("GET", re.compile(r"^/v2/stacks/%s/actions/%s$" % (_SEG, _SEG)), "aos", aos.show_action, ("stack_id", "action_id")),
]

ROUTES.extend(cdm_jobs.ROUTES)
ROUTES.extend(rfs.ROUTES)

INTERNAL_ERRORS = {"cdm": cdm.internal_error, "aos": aos.internal_error, "iam": iam.internal_error}
INTERNAL_ERRORS["rfs"] = rfs.internal_error
INTERNAL_ERRORS["metadata"] = metadata.internal_error


def guess_service(path):
    if path.startswith("/v3/") or path.startswith("/v3.0/"):
        return "iam"
    if path.startswith("/openstack/") or path.startswith("/meta-data/"):
        return "metadata"
    if path.startswith("/v1.1/"):
        return "cdm"
    if path.startswith("/v2/stacks"):
        return "aos"
    if path.startswith("/v1/"):
        return "rfs"
    return None


def match_route(method, path):
    """Return (service, handler, params) or None."""
    trimmed = path[:-1] if len(path) > 1 and path.endswith("/") else path
    for route_method, pattern, service, handler, names in ROUTES:
        match = pattern.match(trimmed)
        if match and route_method == method:
            return service, handler, {name: unquote(value) for name, value in zip(names, match.groups())}
    return None


class ApiRequest:
    def __init__(self, method, target, header_items, body):
        parts = urlsplit(target)
        self.method = method
        self.raw_path = parts.path or "/"
        self.path = unquote(self.raw_path)
        self.raw_query = parts.query
        self.query_pairs = parse_qsl(parts.query, keep_blank_values=True)
        self.query = dict(self.query_pairs)
        self.header_items = header_items
        self.headers = {}
        for name, value in header_items:
            self.headers[name.lower()] = value
        self.body = body
        self.request_id = uuid.uuid4().hex
        self.project_id = None
        self.auth = "none"

    def json_body(self):
        """Return (ok, value); an empty body is (True, None)."""
        if not self.body:
            return True, None
        try:
            return True, json.loads(self.body.decode("utf-8"))
        except ValueError:
            return False, None

    def apigw_body(self, code, message):
        return {"error_code": code, "error_msg": message, "request_id": self.request_id}

    def presented_auth(self, service):
        if service == "metadata":
            return "none"
        if service == "iam" and "x-auth-token" not in self.headers and "authorization" not in self.headers:
            return "iam"
        if "x-auth-token" in self.headers:
            return "token"
        if self.headers.get("authorization", "").startswith(signing.ALGORITHM):
            return "aksk"
        return "none"


class Simulator:
    """A running simulator; ``url``, ``port``, ``state`` and ``stop()`` are the public surface."""

    def __init__(self, state, host="127.0.0.1", port=0, tls=None, log_file=None, quiet=True):
        self.state = state
        self.log = RequestLog(log_file)
        self.faults = FaultBook()
        self.quiet = quiet
        self.scheme = "https" if tls is not None else "http"
        server_class = _IPv6Server if ":" in host else _Server
        self.httpd = server_class((host, port), _Handler)
        self.httpd.sim = self
        if tls is not None:
            self.httpd.socket = _tls_context(tls).wrap_socket(self.httpd.socket, server_side=True, do_handshake_on_connect=False)
        self.host = host
        self.port = self.httpd.server_address[1]
        url_host = host
        if host in ("", "0.0.0.0"):
            url_host = "127.0.0.1"
        elif host == "::":
            url_host = "[::1]"
        elif ":" in host:
            url_host = "[%s]" % host
        self.url = "%s://%s:%d" % (self.scheme, url_host, self.port)
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="hwcloud-sim", daemon=True)
        self._stopped = False

    def serve(self):
        self._thread.start()
        return self

    def stop(self):
        if self._stopped:
            return
        self._stopped = True
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(5)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def reset(self, seed=None):
        if seed is None:
            self.state.reset()
        else:
            self.state.load(seed)
        self.log.clear()
        self.faults.clear()


def _tls_context(tls):
    if isinstance(tls, ssl.SSLContext):
        return tls
    if isinstance(tls, dict):
        cert, key = tls.get("cert"), tls.get("key")
    else:
        cert, key = tls
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    sim = None

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        # Clients hanging up or failing TLS are routine; only real bugs deserve a traceback.
        if isinstance(exc, (ConnectionError, ssl.SSLError, socket.timeout)):
            return
        if self.sim is not None and not self.sim.quiet:
            super().handle_error(request, client_address)


class _IPv6Server(_Server):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "hwcloud-sim/1.0"
    # Idle keep-alive connections must not pin handler threads forever.
    timeout = 60
    # Headers and body go out in two writes; with Nagle on, every kept-alive call waits ~40 ms for an ACK.
    disable_nagle_algorithm = True

    @property
    def sim(self):
        return self.server.sim

    def version_string(self):
        return self.server_version

    def handle(self):
        if isinstance(self.connection, ssl.SSLSocket):
            try:
                self.connection.do_handshake()
            except (ssl.SSLError, OSError):
                self.close_connection = True
                return
        super().handle()

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        if not self.sim.quiet:
            sys.stderr.write("%s - - [%s] %s\n" % (self.address_string(), self.log_date_time_string(), format % args))

    # http.server dispatches on these exact method names.
    def do_GET(self):  # pylint: disable=invalid-name
        self._dispatch()

    def do_POST(self):  # pylint: disable=invalid-name
        self._dispatch()

    def do_PUT(self):  # pylint: disable=invalid-name
        self._dispatch()

    def do_DELETE(self):  # pylint: disable=invalid-name
        self._dispatch()

    def do_PATCH(self):  # pylint: disable=invalid-name
        self._dispatch()

    # ------------------------------------------------------------ plumbing

    def _read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            total = 0
            while True:
                size_line = self.rfile.readline(1024)
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                total += size
                if total > MAX_BODY_BYTES:
                    raise ValueError("body too large")
                chunks.append(self.rfile.read(size))
                self.rfile.readline(1024)
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0 or length > MAX_BODY_BYTES:
            raise ValueError("bad Content-Length")
        return self.rfile.read(length) if length else b""

    def _send(self, status, body, headers=None, content_type=None, request_id=None):
        if isinstance(body, (bytes, bytearray)):
            payload = bytes(body)
        elif isinstance(body, str):
            payload = body.encode("utf-8")
        elif body is None:
            payload = b""
        else:
            payload = json.dumps(body).encode("utf-8")
        if content_type is None:
            content_type = "application/json;charset=UTF-8"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("X-Request-Id", request_id or uuid.uuid4().hex)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _dispatch(self):
        try:
            body = self._read_body()
        except ValueError:
            self.close_connection = True
            self._send(400, {"error_code": "APIGW.0201", "error_msg": "API request error.", "request_id": None})
            return
        request = ApiRequest(self.command, self.path, list(self.headers.items()), body)
        if request.path == "/_sim" or request.path.startswith("/_sim/"):
            self._control(request)
            return
        self._api(request)

    # ----------------------------------------------------------- API calls

    def _api(self, request):
        sim = self.sim
        route = match_route(request.method, request.raw_path)
        service = route[0] if route else guess_service(request.path)
        request.auth = request.presented_auth(service)
        fault = sim.faults.take(request.method, request.path)
        kind = fault["kind"] if fault else None
        if kind == "delay":
            time.sleep(fault["delay"])
        if kind in ("status", "drop"):
            if kind == "status":
                status, body, headers, content_type = injected_response(fault, request)
            else:
                status, body, headers, content_type = None, None, {}, None
        else:
            status, body, headers = self._process(request, route)
            content_type = None
        self._log(request, service, status, kind)
        if kind in ("drop", "drop_after_apply"):
            self.close_connection = True
            return
        headers = dict(headers)
        self._send(status, body, headers, content_type, request.request_id)

    def _process(self, request, route):
        if route is None:
            return 404, request.apigw_body("APIGW.0101", "The API does not exist or has not been published in the environment."), {}
        service, handler, params = route
        try:
            if service not in ("iam", "metadata"):
                denied = gateway.authenticate(self.sim.state, request, params)
                if denied is not None:
                    return denied
            return handler(self.sim.state, request, params)
        except Exception:  # pylint: disable=broad-except
            # Any bug must still answer in the service's own shape, never leak a traceback.
            if not self.sim.quiet:
                traceback.print_exc(file=sys.stderr)
            return INTERNAL_ERRORS[service]()

    def _log(self, request, service, status, fault_kind):
        self.sim.log.add(entry(request, service, status, fault_kind))

    # ------------------------------------------------------------ control

    def _control(self, request):
        try:
            status, body = control.call(self.sim, request)
        except (SeedError, FaultError) as exc:
            status, body = 400, {"error": str(exc)}
        except Exception as exc:  # pylint: disable=broad-except
            if not self.sim.quiet:
                traceback.print_exc(file=sys.stderr)
            status, body = 500, {"error": "internal error: %s" % exc}
        self._send(status, body, request_id=request.request_id)


def start(state=None, host="127.0.0.1", port=0, transition_seconds=None, tls=None, log_file=None, quiet=True):
    """Start a simulator in a background thread.

    ``state`` is a seed dict, a path to a seed JSON file, a State, or None for
    the packaged default seed. ``tls`` is (cert, key), {"cert", "key"} or an
    ssl.SSLContext.
    """
    if not isinstance(state, State):
        state = State(state, transition_seconds=transition_seconds)
    elif transition_seconds is not None:
        state.base_transition_seconds = float(transition_seconds)
    return Simulator(state, host=host, port=port, tls=tls, log_file=log_file, quiet=quiet).serve()
