"""IAM's side of the simulator's state: projects, users, tokens, access keys, agencies and the ECS metadata.

A mixin of State (state.py): it uses the state's lock, clock and settings.
"""

import copy
import hashlib
import uuid

from .common import SeedError, iam_time, list_of_objects, new_hex_id, new_id, parse_time

DEFAULT_TOKEN_TTL_SECONDS = 86400
METADATA_TOKEN_MODES = ("optional", "required", "unsupported")


def _domain_name(domain):
    return domain.get("name") if isinstance(domain, dict) else domain


class IamState:
    """Accounts (domains) own projects; tokens and access keys act for one account."""

    def _load_iam(self, seed):
        self.projects = list_of_objects(seed, "projects")
        for project in self.projects:
            if not project.get("id"):
                raise SeedError("every project needs an id")
            project.setdefault("name", project["id"])
        self.users = list_of_objects(seed, "users")
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
        for cred in list_of_objects(seed, "credentials"):
            if not cred.get("access_key") or not cred.get("secret_key"):
                raise SeedError("every credential needs access_key and secret_key")
            cred.setdefault("security_token", None)
            cred.setdefault("domain", self.default_domain())
            cred["_expires"] = parse_time(cred["expires_at"]) if cred.get("expires_at") else None
            self.credentials[cred["access_key"]] = cred
        self.tokens = {}
        for token in list_of_objects(seed, "tokens"):
            if not token.get("token"):
                raise SeedError("every token needs a token value")
            token.setdefault("project_id", self.default_project_id())
            token.setdefault("domain", self.default_domain())
            # Seeded tokens never expire unless the seed says when.
            token["_expires"] = parse_time(token["expires_at"]) if token.get("expires_at") else None
            self.tokens[token["token"]] = token
        self.agencies = list_of_objects(seed, "agencies")
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

    def _export_iam(self):
        return {
            "projects": copy.deepcopy(self.projects),
            "tokens": [{k: v for k, v in record.items() if not k.startswith("_")} for record in self.tokens.values()],
            "users": copy.deepcopy(self.users),
            "credentials": [{k: v for k, v in record.items() if not k.startswith("_")} for record in self.credentials.values()],
            "agencies": copy.deepcopy(self.agencies),
            "metadata": copy.deepcopy(self.metadata),
        }

    def default_domain(self):
        if self.settings.get("domain"):
            return self.settings["domain"]
        return _domain_name(self.users[0].get("domain")) if self.users else None

    def default_project_id(self):
        return self.projects[0]["id"] if self.projects else None

    def token_ttl(self):
        return float(self.settings.get("token_ttl_seconds", DEFAULT_TOKEN_TTL_SECONDS))

    def temporary_ttl(self, duration):
        """Lifetime of temporary keys: the asked duration, unless settings.temporary_ttl_seconds (tests: expired keys)."""
        if self.settings.get("temporary_ttl_seconds") is not None:
            return float(self.settings["temporary_ttl_seconds"])
        return float(duration)

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
            # A seed may list a project twice (under a second name, say): the first entry wins.
            seen, projects = set(), []
            for project in self.projects:
                if project.get("domain") == domain and project["id"] not in seen:
                    seen.add(project["id"])
                    projects.append(copy.deepcopy(project))
            return projects

    def domain_id(self, domain):
        """An account's id: the one an agency of that account is seeded with, else one derived from its name."""
        with self.lock:
            for agency in self.agencies:
                if agency["domain"] == domain:
                    return agency["domain_id"]
            return hashlib.sha256(("sim-domain:%s" % domain).encode("utf-8")).hexdigest()[:32]
