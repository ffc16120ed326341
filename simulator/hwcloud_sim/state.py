"""State model of the Huawei Cloud simulator.

Transitions are not driven by background threads: every object that is
moving between statuses carries a schedule of timestamped patches, and
``settle()`` applies whatever is due. Every public method takes the lock and
settles first, so each read sees a consistent, up-to-date picture.
"""

import copy
import hashlib
import json
import os
import threading
import time
import uuid

# Re-exported: rfs_state still imports aos_time, new_id and parse_time from here.
from .common import SeedError, aos_time, cdm_time, iam_time, new_hex_id, new_id, parse_time  # noqa: F401  pylint: disable=unused-import
from . import cdm_jobs_state
from .seedkeys import known_top_level_keys, object_key_problems, seed_key_problems

DEFAULT_TRANSITION_SECONDS = 2.0
DEFAULT_TOKEN_TTL_SECONDS = 86400
DEFAULT_DELAY_SCALE = 0.01
METADATA_TOKEN_MODES = ("optional", "required", "unsupported")

# Share of a stack action's duration during which its record reads "Pending".
PENDING_SHARE = 0.1

CLUSTER_STATUS_DETAIL = {
    "100": "Creating",
    "200": "Normal",
    "300": "Failed",
    "303": "Creation failed",
    "500": "Restarting",
    "800": "Frozen",
    "900": "Stopped",
    "910": "Stopping",
    "920": "Starting",
}

# Statuses a seeded (or upserted) cluster leaves on its own, and where it lands.
CLUSTER_SETTLES_TO = {"100": "200", "500": "200", "920": "200", "910": "900"}

# Keys that steer the simulator and are never part of an API answer.
CLUSTER_SIM_KEYS = ("project_id", "transition_seconds", "stop_fails", "jobs", "links", "validation", "unreachable_hosts")
STACK_SIM_KEYS = ("transition_seconds", "fail_next", "action_records")

STACK_BUSY = ("Processing", "Pending")


def default_state_path():
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "default_state.json")


def load_seed(source):
    """Return a seed dict from None (packaged default), a dict, or a JSON file path."""
    if source is None:
        source = default_state_path()
    if isinstance(source, dict):
        return copy.deepcopy(source)
    with open(source, "r", encoding="utf-8") as handle:
        data = json.load(handle)
    if not isinstance(data, dict):
        raise SeedError("a state seed must be a JSON object")
    return data


def _list_of_objects(seed, key):
    value = seed.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise SeedError("%s must be a list of objects" % key)
    return copy.deepcopy(value)


# ------------------------------------------------------------------ CDM start and restart

# Seed keys that make the next start or restart of a cluster fail (every time, until removed), like stop_fails.
POWER_FAULT_KEYS = ("start_fails", "restart_fails")
# failedReasons as shared/api/cdm.md shows them: keyed by phase, each with errorCode and errorMsg.
POWER_FAILURES = {"start": ("start_fails", "START_FAILED", "Cdm.0910"), "restart": ("restart_fails", "RESTART_FAILED", "Cdm.0920")}


def power_steps(action, cluster, params, now, span, delay_scale):
    """The timed patches of a start (``920`` at once, ``200`` after ``span``) or a restart (the status kept for
    ``restartDelayTime`` scaled by ``delay_scale``, then ``500``, then ``200`` after ``span``); the first one is the
    patch that begins the action. A ``start_fails``/``restart_fails`` cluster ends in ``300`` with its failedReasons."""
    if action == "start":
        begins, through = now, "920"
    else:
        begins, through = now + params["restartDelayTime"] * delay_scale, "500"
    fault_key, phase, code = POWER_FAILURES[action]
    if cluster.get(fault_key):
        final = {"status": "300", "statusDetail": CLUSTER_STATUS_DETAIL["300"],
                 "failedReasons": {phase: {"errorCode": code, "errorMsg": str(cluster[fault_key])}}}
    else:
        final = {"status": "200", "statusDetail": CLUSTER_STATUS_DETAIL["200"]}
    return [(begins, {"status": through, "statusDetail": CLUSTER_STATUS_DETAIL[through]}), (begins + span, final)]


class State:
    def __init__(self, seed=None, transition_seconds=None, clock=time.time):
        self.lock = threading.RLock()
        self.clock = clock
        self.base_transition_seconds = DEFAULT_TRANSITION_SECONDS if transition_seconds is None else float(transition_seconds)
        self.start_seed = load_seed(seed)
        self.settings = {}
        self.projects = []
        self.users = []
        self.credentials = {}
        self.tokens = {}
        self.agencies = []
        self.metadata = None
        self.metadata_tokens = set()
        self.clusters = {}
        self.stacks = {}
        self.actions = {}
        self._cluster_steps = {}
        self._stack_runs = {}
        self.rfs = None
        self.load(self.start_seed)

    # ------------------------------------------------------------------ seed

    def load(self, seed):
        """Replace everything with ``seed``; raises SeedError on a bad seed."""
        seed = copy.deepcopy(seed)
        if not isinstance(seed, dict):
            raise SeedError("a state seed must be a JSON object")
        problems = seed_key_problems(seed, known_top_level_keys(default_state_path()))
        if problems:
            raise SeedError("bad state seed: %s" % "; ".join(problems))
        settings = seed.get("settings") or {}
        if not isinstance(settings, dict):
            raise SeedError("settings must be an object")
        with self.lock:
            saved = dict(self.__dict__)
            try:
                self._load(seed, settings)
            except (TypeError, ValueError, KeyError) as exc:
                self.__dict__.update(saved)
                raise SeedError("bad state seed: %s" % exc) from exc

    def _load(self, seed, settings):
        with self.lock:
            now = self.clock()
            self.settings = dict(settings)
            # Fail early on settings that would only break at the first request.
            self.transition_for()
            self.token_ttl()
            self.delay_scale()
            self.temporary_ttl(900)
            self.projects = _list_of_objects(seed, "projects")
            for project in self.projects:
                if not project.get("id"):
                    raise SeedError("every project needs an id")
                project.setdefault("name", project["id"])
            self.users = _list_of_objects(seed, "users")
            for user in self.users:
                if not user.get("name"):
                    raise SeedError("every user needs a name")
                user.setdefault("id", new_hex_id())
                user.setdefault("password", "")
                user.setdefault("domain", user["name"])
            # A project belongs to one account (domain); the seed's projects default to the first user's.
            for project in self.projects:
                project.setdefault("domain", self.default_domain())
            self.credentials = {}
            for cred in _list_of_objects(seed, "credentials"):
                if not cred.get("access_key") or not cred.get("secret_key"):
                    raise SeedError("every credential needs access_key and secret_key")
                cred.setdefault("security_token", None)
                cred.setdefault("domain", self.default_domain())
                cred["_expires"] = parse_time(cred["expires_at"]) if cred.get("expires_at") else None
                self.credentials[cred["access_key"]] = cred
            self.tokens = {}
            for token in _list_of_objects(seed, "tokens"):
                if not token.get("token"):
                    raise SeedError("every token needs a token value")
                token.setdefault("project_id", self.default_project_id())
                token.setdefault("domain", self.default_domain())
                # Seeded tokens never expire unless the seed says when.
                token["_expires"] = parse_time(token["expires_at"]) if token.get("expires_at") else None
                self.tokens[token["token"]] = token
            self.agencies = _list_of_objects(seed, "agencies")
            for agency in self.agencies:
                if not agency.get("name") or not agency.get("domain"):
                    raise SeedError("every agency needs a name and a domain")
                agency.setdefault("domain_id", new_hex_id())
                agency.setdefault("trusted_domains", [])
                if not isinstance(agency["trusted_domains"], list):
                    raise SeedError("an agency's trusted_domains must be a list of domain names")
            metadata = seed.get("metadata")
            if metadata is not None and not isinstance(metadata, dict):
                raise SeedError("metadata must be an object")
            self.metadata = copy.deepcopy(metadata)
            if self.metadata is not None:
                self.metadata.setdefault("instance_id", new_id())
                self.metadata.setdefault("name", "sim-ecs")
                self.metadata.setdefault("project_id", self.default_project_id())
                self.metadata.setdefault("domain", self.default_domain())
                self.metadata.setdefault("agency", None)
                self.metadata.setdefault("token", "optional")
                if self.metadata["token"] not in METADATA_TOKEN_MODES:
                    raise SeedError("metadata.token must be one of %s" % ", ".join(METADATA_TOKEN_MODES))
            self.metadata_tokens = set()
            self.clusters = {}
            self._cluster_steps = {}
            for cluster in _list_of_objects(seed, "clusters"):
                self._add_cluster(cluster, now)
            self.actions = {}
            for action in _list_of_objects(seed, "actions"):
                self._add_seeded_action(action)
            self.stacks = {}
            self._stack_runs = {}
            for stack in _list_of_objects(seed, "stacks"):
                self._add_stack(stack, now)
            # rfs_state builds on this module's helpers, so it is imported once this one exists.
            from .rfs_state import RfsModel  # pylint: disable=import-outside-toplevel
            # A fresh model, so that a bad seed leaves the previous one in place (load() restores __dict__).
            self.rfs = RfsModel(self)
            self.rfs.load(seed, now)

    def reset(self):
        self.load(self.start_seed)

    def default_domain(self):
        if self.settings.get("domain"):
            return self.settings["domain"]
        return _domain_name(self.users[0].get("domain")) if self.users else None

    def default_project_id(self):
        return self.projects[0]["id"] if self.projects else None

    def _add_cluster(self, cluster, now):
        cluster_id = cluster.get("id") or new_id()
        cluster["id"] = cluster_id
        cluster.setdefault("name", cluster_id)
        cluster.setdefault("project_id", self.default_project_id())
        cluster["status"] = str(cluster.get("status", "200"))
        cluster.setdefault("statusDetail", CLUSTER_STATUS_DETAIL.get(cluster["status"], "Unknown"))
        cluster.setdefault("isFrozen", "1" if cluster["status"] == "800" else "0")
        cluster.setdefault("actionProgress", {})
        cluster.setdefault("task", {})
        cluster.setdefault("failedReasons", {})
        cluster.setdefault("created", cdm_time(now))
        cluster.setdefault("updated", cluster["created"])
        cluster.update(cluster_seed_extras(cluster, now))
        self.clusters[cluster_id] = cluster
        self._schedule_cluster_settle(cluster, now)
        return cluster

    def _schedule_cluster_settle(self, cluster, now):
        target = CLUSTER_SETTLES_TO.get(cluster["status"])
        if target is None:
            self._cluster_steps.pop(cluster["id"], None)
            return
        due = now + self.transition_for(cluster)
        self._cluster_steps[cluster["id"]] = [(due, {"status": target, "statusDetail": CLUSTER_STATUS_DETAIL[target]})]

    def _add_seeded_action(self, action):
        action_id = action.get("id") or new_id()
        record = {
            "id": action_id,
            "stack_id": action.get("stack_id"),
            "project_id": action.get("project_id", self.default_project_id()),
            "lifecycle": action.get("lifecycle", "create"),
            "request": action.get("request") or {"lifecycle": action.get("lifecycle", "create")},
            "start": 0.0,
            "end": 0.0,
            "fail": (action.get("message") or "failed") if action.get("phase") == "Failed" else None,
            "records": action.get("records", True) is not False,
            "applied": True,
        }
        self.actions[action_id] = record

    def _add_stack(self, stack, now):
        guid = stack.get("guid") or new_id()
        stack["guid"] = guid
        stack.setdefault("name", guid)
        stack.setdefault("project_id", self.default_project_id())
        stack.setdefault("template_id", None)
        stack.setdefault("status", "Running")
        stack.setdefault("inputs", {})
        stack.setdefault("created_at", aos_time(now))
        stack.setdefault("updated_at", stack["created_at"])
        self.stacks[guid] = stack
        if "last_action_id" not in stack:
            # Give the stack a readable history: the action that made it what it is.
            action_id = new_id()
            self.actions[action_id] = {
                "id": action_id,
                "stack_id": guid,
                "project_id": stack["project_id"],
                "lifecycle": "create",
                "request": {"lifecycle": "create"},
                "start": now,
                "end": now,
                "fail": "seeded as Abnormal" if stack["status"] == "Abnormal" else None,
                "records": stack.get("action_records", True) is not False,
                "applied": True,
            }
            stack["last_action_id"] = action_id
        if stack["status"] in STACK_BUSY:
            self._start_run(stack, {"lifecycle": "create"}, now)
        return stack

    # ------------------------------------------------------------ settings

    def transition_for(self, obj=None):
        if obj is not None and obj.get("transition_seconds") is not None:
            return float(obj["transition_seconds"])
        if self.settings.get("transition_seconds") is not None:
            return float(self.settings["transition_seconds"])
        return self.base_transition_seconds

    def token_ttl(self):
        return float(self.settings.get("token_ttl_seconds", DEFAULT_TOKEN_TTL_SECONDS))

    def temporary_ttl(self, duration):
        """Lifetime of temporary keys: the asked duration, unless settings.temporary_ttl_seconds (tests: expired keys)."""
        if self.settings.get("temporary_ttl_seconds") is not None:
            return float(self.settings["temporary_ttl_seconds"])
        return float(duration)

    def delay_scale(self):
        return float(self.settings.get("delay_scale", DEFAULT_DELAY_SCALE))

    # ------------------------------------------------------------ settling

    def settle(self, now=None):
        with self.lock:
            if now is None:
                now = self.clock()
            for cluster_id in list(self._cluster_steps):
                steps = self._cluster_steps[cluster_id]
                cluster = self.clusters.get(cluster_id)
                if cluster is None:
                    del self._cluster_steps[cluster_id]
                    continue
                while steps and steps[0][0] <= now:
                    due, patch = steps.pop(0)
                    cluster.update(copy.deepcopy(patch))
                    cluster["updated"] = cdm_time(due)
                if not steps:
                    del self._cluster_steps[cluster_id]
            for guid in list(self._stack_runs):
                action = self.actions[self._stack_runs[guid]]
                if action["end"] <= now:
                    self._finish_run(guid, action)
            self.rfs.settle(now)

    def _finish_run(self, guid, action):
        del self._stack_runs[guid]
        action["applied"] = True
        stack = self.stacks.get(guid)
        if stack is None:
            return
        stack["updated_at"] = aos_time(action["end"])
        if action["fail"] is not None:
            stack["status"] = "Abnormal"
            return
        request = action["request"]
        if action["lifecycle"] == "delete":
            del self.stacks[guid]
            return
        stack["status"] = "Running"
        if action["lifecycle"] == "upgrade" and isinstance(request.get("inputs"), dict):
            stack["inputs"] = dict(stack.get("inputs") or {}, **request["inputs"])
        if request.get("template_id") is not None:
            stack["template_id"] = request["template_id"]

    # --------------------------------------------------------------- tokens

    def token_info(self, token):
        """Return (token record, problem) for a presented X-Auth-Token."""
        with self.lock:
            record = self.tokens.get(token)
            if record is None:
                return None, "unknown token"
            if record.get("_expires") is not None and record["_expires"] <= self.clock():
                return None, "token expired"
            return record, None

    def issue_token(self, user, project):
        with self.lock:
            now = self.clock()
            value = "sim-" + uuid.uuid4().hex + uuid.uuid4().hex
            expires = now + self.token_ttl()
            self.tokens[value] = {
                "token": value,
                "project_id": project["id"] if project else None,
                "user": user["name"],
                "domain": _domain_name(user.get("domain")),
                "expires_at": iam_time(expires),
                "_expires": expires,
            }
            return value, now, expires

    def credential_problem(self, access_key):
        """Why a (verified) access key may not be used now, or None."""
        with self.lock:
            record = self.credentials.get(access_key)
            if record is not None and record.get("_expires") is not None and record["_expires"] <= self.clock():
                return "the temporary access key %s has expired" % access_key
            return None

    def issue_temporary_credential(self, domain, duration, origin):
        """New temporary AK/SK + security token of ``domain``; they only work together and until they expire."""
        with self.lock:
            now = self.clock()
            expires = now + self.temporary_ttl(duration)
            record = {
                "access_key": "SIMTMP" + uuid.uuid4().hex[:14].upper(),
                "secret_key": "sim-tmp-sk-" + uuid.uuid4().hex,
                "security_token": "sim-tmp-st-" + uuid.uuid4().hex + uuid.uuid4().hex,
                "domain": domain,
                "origin": origin,
                "expires_at": iam_time(expires),
                "_expires": expires,
            }
            self.credentials[record["access_key"]] = record
            return copy.deepcopy(record)

    def find_agency(self, name, domain_name=None, domain_id=None):
        with self.lock:
            for agency in self.agencies:
                if agency["name"] != name:
                    continue
                if (domain_name is not None and agency["domain"] == domain_name) or \
                        (domain_id is not None and agency["domain_id"] == domain_id):
                    return copy.deepcopy(agency)
            return None

    def issue_metadata_token(self):
        with self.lock:
            value = "sim-md-" + uuid.uuid4().hex
            self.metadata_tokens.add(value)
            return value

    def find_project(self, project_id=None, name=None, domain=None):
        """The project with this id (or this name, in ``domain`` when given), or None."""
        with self.lock:
            for project in self.projects:
                if domain is not None and project.get("domain") != domain:
                    continue
                if project_id is not None and project["id"] == project_id:
                    return project
                if name is not None and project["name"] == name:
                    return project
            return None

    def projects_of(self, domain):
        with self.lock:
            return [copy.deepcopy(project) for project in self.projects if project.get("domain") == domain]

    def domain_id(self, domain):
        """An account's id: the one an agency of that account is seeded with, else one derived from its name."""
        with self.lock:
            for agency in self.agencies:
                if agency["domain"] == domain:
                    return agency["domain_id"]
            return hashlib.sha256(("sim-domain:%s" % domain).encode("utf-8")).hexdigest()[:32]

    # ------------------------------------------------------------- clusters

    def list_clusters(self, project_id):
        with self.lock:
            self.settle()
            return [copy.deepcopy(c) for c in self.clusters.values() if c.get("project_id") == project_id]

    def get_cluster(self, project_id, cluster_id):
        with self.lock:
            self.settle()
            cluster = self.clusters.get(cluster_id)
            if cluster is None or cluster.get("project_id") != project_id:
                return None
            return copy.deepcopy(cluster)

    def cluster_action(self, project_id, cluster_id, action, params, check):
        """Run ``check(cluster)`` (returns an error tuple or None) then start ``action``.

        Returns (cluster copy or None, error or None, job id).
        """
        with self.lock:
            now = self.clock()
            self.settle(now)
            cluster = self.clusters.get(cluster_id)
            if cluster is None or cluster.get("project_id") != project_id:
                return None, None, None
            error = check(cluster)
            if error is not None:
                return copy.deepcopy(cluster), error, None
            job_id = new_hex_id()
            span = self.transition_for(cluster)
            if action == "stop":
                extra = 0.0
                if params.get("stopMode") == "GRACEFULLY" and params.get("delayTime", -1) > 0:
                    extra = params["delayTime"] * self.delay_scale()
                first = {"status": "910", "statusDetail": CLUSTER_STATUS_DETAIL["910"]}
                if cluster.get("stop_fails"):
                    final = {"status": "300", "statusDetail": CLUSTER_STATUS_DETAIL["300"],
                             "failedReasons": {"CDM.STOP": {"errCode": "Cdm.0100", "errMsg": str(cluster["stop_fails"])}}}
                else:
                    final = {"status": "900", "statusDetail": CLUSTER_STATUS_DETAIL["900"]}
                steps = [(now, first), (now + extra + span, final)]
            else:
                steps = power_steps(action, cluster, params, now, span, self.delay_scale())
            steps[0][1].update(failedReasons={}, task={"id": job_id, "name": action})
            if steps[0][0] <= now:
                cluster.update(steps.pop(0)[1])
                cluster["updated"] = cdm_time(now)
            self._cluster_steps[cluster_id] = steps
            return copy.deepcopy(cluster), None, job_id

    def upsert_cluster(self, patch):
        problems = object_key_problems("clusters", patch)
        if problems:
            raise SeedError("; ".join(problems))
        with self.lock:
            now = self.clock()
            self.settle(now)
            patch = dict(patch, **cluster_seed_extras(patch, now))
            cluster_id = patch.get("id")
            existing = self.clusters.get(cluster_id) if cluster_id else None
            if existing is None:
                return copy.deepcopy(self._add_cluster(copy.deepcopy(patch), now))
            existing.update(copy.deepcopy(patch))
            if "status" in patch:
                existing["status"] = str(existing["status"])
                if "statusDetail" not in patch:
                    existing["statusDetail"] = CLUSTER_STATUS_DETAIL.get(existing["status"], "Unknown")
                if "isFrozen" not in patch:
                    existing["isFrozen"] = "1" if existing["status"] == "800" else "0"
                if "updated" not in patch:
                    existing["updated"] = cdm_time(now)
                self._schedule_cluster_settle(existing, now)
            return copy.deepcopy(existing)

    def on_cluster(self, project_id, cluster_id, call):
        """``call(cluster, now)`` under the lock, on the live cluster (None when it is not the project's)."""
        with self.lock:
            now = self.clock()
            self.settle(now)
            cluster = self.clusters.get(cluster_id)
            if cluster is not None and cluster.get("project_id") != project_id:
                cluster = None
            return call(cluster, now)

    def _cluster_for(self, patch):
        cluster_id = patch.get("cluster_id") or (next(iter(self.clusters)) if self.clusters else None)
        cluster = self.clusters.get(cluster_id)
        if cluster is None:
            raise SeedError("no cluster %s" % cluster_id)
        return cluster

    def upsert_cdm_job(self, patch):
        """Create or change one job of ``cluster_id`` (default: the first cluster); a null field removes it."""
        with self.lock:
            now = self.clock()
            cluster = self._cluster_for(patch)
            fields = {k: v for k, v in patch.items() if k != "cluster_id"}
            jobs = cluster.setdefault("jobs", [])
            current = next((job for job in jobs if job["name"] == fields.get("name")), None)
            merged = copy.deepcopy(current) if current is not None else {}
            if "status" in fields:
                merged.pop("_runs", None)
            merged.update(fields)
            merged = {k: v for k, v in merged.items() if v is not None}
            merged = cdm_jobs_state.seed_job(merged, now)
            if current is None:
                jobs.append(merged)
            else:
                jobs[jobs.index(current)] = merged
            return cdm_jobs_state.public_job(merged, now)

    def upsert_cdm_link(self, patch):
        """Create or change one link of ``cluster_id`` (default: the first cluster)."""
        with self.lock:
            now = self.clock()
            cluster = self._cluster_for(patch)
            fields = {k: v for k, v in patch.items() if k != "cluster_id"}
            links = cluster.setdefault("links", [])
            current = next((link for link in links if link["name"] == fields.get("name")), None)
            merged = dict(copy.deepcopy(current) if current is not None else {}, **fields)
            [merged] = cdm_jobs_state.seed_links([merged], now)
            if current is None:
                links.append(merged)
            else:
                links[links.index(current)] = merged
            return cdm_jobs_state.public_link(merged)

    # --------------------------------------------------------------- stacks

    def list_stacks(self, project_id, name=None):
        with self.lock:
            self.settle()
            return [copy.deepcopy(s) for s in self.stacks.values()
                    if s.get("project_id") == project_id and (name is None or s.get("name") == name)]

    def get_stack(self, project_id, guid):
        with self.lock:
            self.settle()
            stack = self.stacks.get(guid)
            if stack is None or stack.get("project_id") != project_id:
                return None
            return copy.deepcopy(stack)

    def _start_run(self, stack, request, now):
        action_id = new_id()
        fail = stack.pop("fail_next", None)
        records = self.settings.get("action_records", True) is not False and stack.get("action_records", True) is not False
        span = self.transition_for(stack)
        self.actions[action_id] = {
            "id": action_id,
            "stack_id": stack["guid"],
            "project_id": stack.get("project_id"),
            "lifecycle": request["lifecycle"],
            "request": copy.deepcopy(request),
            "start": now,
            "end": now + span,
            "fail": str(fail) if fail else None,
            "records": records,
            "applied": False,
        }
        previous = stack.get("last_action_id")
        stack["last_action_id"] = action_id
        stack["status"] = "Processing"
        stack["updated_at"] = aos_time(now)
        self._stack_runs[stack["guid"]] = action_id
        return action_id, previous

    def stack_action(self, project_id, guid, request):
        """Returns (result, error) where error is 'missing' or ('busy', action id)."""
        with self.lock:
            now = self.clock()
            self.settle(now)
            stack = self.stacks.get(guid)
            if stack is None or stack.get("project_id") != project_id:
                return None, "missing"
            if stack.get("status") in STACK_BUSY:
                return None, ("busy", self._stack_runs.get(guid) or stack.get("last_action_id"))
            action_id, previous = self._start_run(stack, request, now)
            return {"action_id": action_id, "last_action_id": previous}, None

    def get_action(self, project_id, guid, action_id):
        """Returns the record body, or None when it cannot be read."""
        with self.lock:
            now = self.clock()
            self.settle(now)
            action = self.actions.get(action_id)
            if action is None or action["stack_id"] != guid or action.get("project_id") != project_id:
                return None
            if not action["records"] or self.settings.get("action_records", True) is False:
                return None
            span = action["end"] - action["start"]
            message = ""
            if now >= action["end"]:
                if action["fail"] is not None:
                    phase = "Failed"
                    message = action["fail"]
                else:
                    phase = "Succeeded"
            elif now < action["start"] + span * PENDING_SHARE:
                phase = "Pending"
            else:
                phase = "Running"
            return {
                "metadata": {"name": action_id},
                "spec": {"lifecycle": action["lifecycle"]},
                "status": {"objectStatus": {"phase": phase}, "message": message},
            }

    def upsert_stack(self, patch):
        problems = object_key_problems("stacks", patch)
        if problems:
            raise SeedError("; ".join(problems))
        with self.lock:
            now = self.clock()
            self.settle(now)
            guid = patch.get("guid")
            existing = self.stacks.get(guid) if guid else None
            if existing is None:
                return copy.deepcopy(self._add_stack(copy.deepcopy(patch), now))
            existing.update(copy.deepcopy(patch))
            if "status" in patch:
                if "updated_at" not in patch:
                    existing["updated_at"] = aos_time(now)
                run = self._stack_runs.pop(guid, None)
                if run is not None:
                    # The test overrode the status: the running action stops where it is.
                    self.actions[run]["applied"] = True
                    self.actions[run]["end"] = now
                if existing["status"] in STACK_BUSY:
                    self._start_run(existing, {"lifecycle": "create"}, now)
            return copy.deepcopy(existing)

    # --------------------------------------------------------------- export

    def export(self):
        with self.lock:
            self.settle()
            tokens = []
            for record in self.tokens.values():
                tokens.append({k: v for k, v in record.items() if not k.startswith("_")})
            credentials = [{k: v for k, v in record.items() if not k.startswith("_")} for record in self.credentials.values()]
            actions = []
            now = self.clock()
            for action in self.actions.values():
                if now < action["end"]:
                    phase = "Running"
                else:
                    phase = "Failed" if action["fail"] is not None else "Succeeded"
                actions.append({
                    "id": action["id"], "stack_id": action["stack_id"], "project_id": action["project_id"],
                    "lifecycle": action["lifecycle"], "request": copy.deepcopy(action["request"]),
                    "phase": phase, "message": action["fail"] or "", "records": action["records"],
                })
            return {
                "settings": copy.deepcopy(self.settings),
                "effective_transition_seconds": self.transition_for(),
                "projects": copy.deepcopy(self.projects),
                "tokens": tokens,
                "users": copy.deepcopy(self.users),
                "credentials": credentials,
                "agencies": copy.deepcopy(self.agencies),
                "metadata": copy.deepcopy(self.metadata),
                "clusters": [_exported_cluster(cluster, now) for cluster in self.clusters.values()],
                "stacks": copy.deepcopy(list(self.stacks.values())),
                "actions": actions,
                **self.rfs.export(),
            }


def _domain_name(domain):
    return domain.get("name") if isinstance(domain, dict) else domain


def _exported_cluster(cluster, now):
    """A cluster as a seed: its jobs' runs become their current status."""
    exported = copy.deepcopy(cluster)
    if "jobs" in exported:
        exported["jobs"] = [dict({k: v for k, v in job.items() if k != "_runs"}, status=cdm_jobs_state.job_status(job, now))
                            for job in cluster["jobs"]]
    return exported


def public_cluster(cluster):
    return {k: v for k, v in cluster.items() if k not in CLUSTER_SIM_KEYS and k not in POWER_FAULT_KEYS}


def public_stack(stack):
    return {k: v for k, v in stack.items() if k not in STACK_SIM_KEYS}


# ------------------------------------------------------------------ CDM migration jobs

# What a cluster whose creation failed carries when the seed says nothing (shared/api/cdm.md).
CREATE_FAILED_REASONS = {"CREATE_FAILED": {"errorCode": "Cdm.0900", "errorMsg": "The cluster could not be created."}}
VALIDATION_STATUSES = ("ERROR", "WARNING")


def cluster_seed_extras(fields, now):
    """The seeded (or upserted) cluster fields completed: ``jobs`` and ``links`` with defaults, ``failedReasons`` of a 303.

    Raises SeedError before anything is stored, so a bad upsert changes nothing.
    """
    extras = {}
    if str(fields.get("status")) == "303" and not fields.get("failedReasons"):
        extras["failedReasons"] = copy.deepcopy(CREATE_FAILED_REASONS)
    if "jobs" in fields:
        extras["jobs"] = cdm_jobs_state.seed_jobs(fields["jobs"], now)
    if "links" in fields:
        extras["links"] = cdm_jobs_state.seed_links(fields["links"], now)
    validation = fields.get("validation")
    if validation is not None:
        if not isinstance(validation, dict) or not all(
                isinstance(results, list) and all(isinstance(r, dict) and r.get("status") in VALIDATION_STATUSES
                                                  and isinstance(r.get("message"), str) for r in results)
                for results in validation.values()):
            raise SeedError("a cluster's validation must map names to lists of {status: ERROR|WARNING, message}")
    hosts = fields.get("unreachable_hosts")
    if hosts is not None and (not isinstance(hosts, list) or not all(isinstance(h, str) for h in hosts)):
        raise SeedError("a cluster's unreachable_hosts must be a list of host names")
    return extras
