"""Just enough of HCL (and its JSON form) to give an RFS stack a desired state.

The simulator never runs Terraform. A template is read for its ``variable``,
``resource`` and ``output`` blocks; every other top-level block (``terraform``,
``provider``, ``data``, ``locals``) is accepted and ignored. An expression is
kept as one of:

- ``("lit", value)``: a number, ``true``/``false`` or ``null``;
- ``("str", text)``: a quoted string, whose ``${var.x}`` and ``${count.index}``
  are substituted when resolved;
- ``("var", name)``: a bare ``var.name``;
- ``("raw", text)``: anything else (lists, maps, references to other resources,
  function calls), compared and shown as its whitespace-normalised text.
"""

import json
import re

IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$")
VAR_REF = re.compile(r"^var\.([A-Za-z_][A-Za-z0-9_-]*)$")
INTERPOLATION = re.compile(r"\$\{\s*([^}]*?)\s*\}")
VAR_IN_TEXT = re.compile(r"\bvar\.([A-Za-z_][A-Za-z0-9_-]*)")
# Arguments Terraform itself interprets: never resource attributes.
META_ARGUMENTS = ("count", "for_each", "depends_on", "provider", "lifecycle", "provisioner", "connection")
IGNORED_BLOCKS = ("terraform", "provider", "data", "locals", "moved", "import", "check", "removed")


class TemplateError(ValueError):
    """The template (or a vars file) cannot be read or evaluated."""


class _Attribute:
    def __init__(self, name, text, line):
        self.name = name
        self.text = text
        self.line = line


class _Block:
    def __init__(self, kind, labels, line):
        self.kind = kind
        self.labels = labels
        self.line = line
        self.attributes = []
        self.blocks = []


class _Parser:
    """A recursive reader of HCL bodies: ``name = expression`` lines and ``kind "label" { ... }`` blocks."""

    def __init__(self, text):
        self.text = _strip_comments(text)
        self.pos = 0

    def line(self, pos=None):
        return self.text.count("\n", 0, self.pos if pos is None else pos) + 1

    def fail(self, message):
        raise TemplateError("line %d: %s" % (self.line(), message))

    def skip_space(self, newlines=True):
        while self.pos < len(self.text) and self.text[self.pos] in (" \t\r\n" if newlines else " \t\r"):
            self.pos += 1

    def body(self, top):
        attributes, blocks = [], []
        while True:
            self.skip_space()
            if self.pos >= len(self.text):
                if not top:
                    self.fail("unexpected end of template: a block is not closed with }")
                return attributes, blocks
            if self.text[self.pos] == "}":
                if top:
                    self.fail("unexpected }")
                self.pos += 1
                return attributes, blocks
            match = IDENT.match(self.text, self.pos)
            if not match:
                self.fail("expected an argument or a block, found %r" % self.text[self.pos:self.pos + 20].split("\n", 1)[0])
            name = match.group(0)
            start = self.pos
            self.pos = match.end()
            self.skip_space(newlines=False)
            if self.text.startswith("=", self.pos) and not self.text.startswith("==", self.pos):
                self.pos += 1
                attributes.append(_Attribute(name, self.expression(), self.line(start)))
                continue
            block = _Block(name, [], self.line(start))
            while True:
                self.skip_space(newlines=False)
                if self.text.startswith("{", self.pos):
                    self.pos += 1
                    break
                if self.text.startswith('"', self.pos):
                    end = self._string_end(self.pos)
                    block.labels.append(json.loads(self.text[self.pos:end]))
                    self.pos = end
                    continue
                label = IDENT.match(self.text, self.pos)
                if not label:
                    self.fail("expected = or { after %s" % name)
                block.labels.append(label.group(0))
                self.pos = label.end()
            block.attributes, block.blocks = self.body(top=False)
            blocks.append(block)

    def _string_end(self, pos):
        end = string_end(self.text, pos)
        if end is None:
            raise TemplateError("line %d: unterminated string" % self.line(pos))
        return end

    def expression(self):
        """The raw text of one expression: up to the end of the line, brackets and strings balanced."""
        self.skip_space(newlines=False)
        start = self.pos
        heredoc = re.compile(r"<<-?([A-Za-z_][A-Za-z0-9_]*)[ \t]*\n").match(self.text, self.pos)
        if heredoc:
            end = re.compile(r"^[ \t]*%s[ \t]*$" % heredoc.group(1), re.M).search(self.text, heredoc.end())
            if not end:
                self.fail("heredoc %s is not closed" % heredoc.group(1))
            self.pos = end.end()
            return json.dumps(_dedent(self.text[heredoc.end():end.start()], heredoc.group(0).startswith("<<-")))
        stack = []
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == '"':
                self.pos = self._string_end(self.pos)
                continue
            if char in "([{":
                stack.append({"(": ")", "[": "]", "{": "}"}[char])
            elif char in ")]}":
                if not stack:
                    break
                if stack.pop() != char:
                    self.fail("mismatched %s" % char)
            elif char == "\n" and not stack:
                break
            self.pos += 1
        if stack:
            raise TemplateError("line %d: unbalanced brackets in the value" % self.line(start))
        text = self.text[start:self.pos].strip()
        if not text:
            raise TemplateError("line %d: missing value after =" % self.line(start))
        return text


def string_end(text, pos):
    """Index just after the string literal starting at ``pos`` (a double quote), or None."""
    index = pos + 1
    depth = 0
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "\n" and depth == 0:
            return None
        if text.startswith("${", index):
            depth += 1
            index += 2
            continue
        if char == "}" and depth:
            depth -= 1
        elif char == '"' and depth == 0:
            return index + 1
        index += 1
    return None


def _dedent(text, strip):
    if not strip:
        return text
    lines = text.split("\n")
    indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    cut = min(indents) if indents else 0
    return "\n".join(line[cut:] for line in lines)


def _strip_comments(text):
    """Replace comments with spaces (keeping newlines, so line numbers stay right)."""
    out = []
    index = 0
    in_string = False
    while index < len(text):
        char = text[index]
        if in_string:
            out.append(char)
            if char == "\\" and index + 1 < len(text):
                out.append(text[index + 1])
                index += 2
                continue
            if char == '"' or char == "\n":
                in_string = False
            index += 1
            continue
        if char == '"':
            in_string = True
            out.append(char)
            index += 1
            continue
        if char == "#" or text.startswith("//", index):
            end = text.find("\n", index)
            end = len(text) if end < 0 else end
            out.append(" " * (end - index))
            index = end
            continue
        if text.startswith("/*", index):
            end = text.find("*/", index + 2)
            if end < 0:
                raise TemplateError("a /* comment is not closed")
            out.append("".join(c if c == "\n" else " " for c in text[index:end + 2]))
            index = end + 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


def parse_expression(text):
    """An expression's text as a tagged value (see the module docstring)."""
    text = text.strip()
    if text in ("true", "false"):
        return ("lit", text == "true")
    if text == "null":
        return ("lit", None)
    if NUMBER.match(text):
        return ("lit", float(text) if any(c in text for c in ".eE") else int(text))
    if text.startswith('"') and string_end(text, 0) == len(text):
        return ("str", _unescape(text[1:-1]))
    match = VAR_REF.match(text)
    if match:
        return ("var", match.group(1))
    return ("raw", " ".join(text.split()))


def _unescape(body):
    try:
        return json.loads('"%s"' % body.replace("\n", "\\n"))
    except ValueError:
        return body


class Template:
    """The parts of a template that make a stack's desired state."""

    def __init__(self):
        self.variables = {}
        self.resources = []
        self.outputs = {}

    def references(self):
        """Names of every ``var.x`` used by resources and outputs."""
        names = set()
        for resource in self.resources:
            for expression in list(resource["attributes"].values()) + [resource["count"]]:
                names.update(_vars_of(expression))
        for output in self.outputs.values():
            names.update(_vars_of(output["value"]))
        return names


def _vars_of(expression):
    if expression is None:
        return set()
    kind, value = expression
    if kind == "var":
        return {value}
    if kind in ("str", "raw"):
        return set(VAR_IN_TEXT.findall(value))
    return set()


def _block_value(block):
    """A nested block (``network { ... }``) as one comparable attribute value."""
    parts = ["%s = %s" % (a.name, " ".join(a.text.split())) for a in block.attributes]
    parts += ["%s %s" % (b.kind, _block_value(b)[1]) for b in block.blocks]
    return ("raw", "{ %s }" % "; ".join(parts))


def parse_template(text):
    """Parse an HCL template, or its JSON form (text starting with ``{``)."""
    if not isinstance(text, str) or not text.strip():
        raise TemplateError("the template is empty")
    if text.lstrip().startswith("{"):
        return _parse_json_template(text)
    _attributes, blocks = _Parser(text).body(top=True)
    if _attributes:
        raise TemplateError("line %d: %s = ... is not allowed outside a block" % (_attributes[0].line, _attributes[0].name))
    template = Template()
    for block in blocks:
        if block.kind in IGNORED_BLOCKS:
            continue
        if block.kind == "variable":
            _need_labels(block, 1)
            attrs = {a.name: parse_expression(a.text) for a in block.attributes}
            template.variables[block.labels[0]] = {
                "default": attrs.get("default"),
                "sensitive": attrs.get("sensitive") == ("lit", True),
                # What the template analysis answers besides: the declared arguments and validation blocks.
                "declared": attrs,
                "validations": [{a.name: parse_expression(a.text) for a in nested.attributes}
                                for nested in block.blocks if nested.kind == "validation"],
            }
        elif block.kind == "resource":
            _need_labels(block, 2)
            attributes = {}
            count = None
            for attribute in block.attributes:
                if attribute.name == "for_each":
                    raise TemplateError("line %d: for_each is not supported by the simulator (use count)" % attribute.line)
                if attribute.name == "count":
                    count = parse_expression(attribute.text)
                elif attribute.name not in META_ARGUMENTS:
                    attributes[attribute.name] = parse_expression(attribute.text)
            for nested in block.blocks:
                if nested.kind in META_ARGUMENTS or nested.kind == "dynamic":
                    continue
                attributes[nested.kind] = _block_value(nested)
            template.resources.append({"type": block.labels[0], "name": block.labels[1], "count": count, "attributes": attributes})
        elif block.kind == "output":
            _need_labels(block, 1)
            attrs = {a.name: parse_expression(a.text) for a in block.attributes}
            if "value" not in attrs:
                raise TemplateError("line %d: output %s has no value" % (block.line, block.labels[0]))
            template.outputs[block.labels[0]] = {
                "value": attrs["value"],
                "description": attrs.get("description", ("lit", None)),
                "sensitive": attrs.get("sensitive") == ("lit", True),
            }
        elif block.kind == "module":
            raise TemplateError("line %d: module blocks are not supported by the simulator" % block.line)
        else:
            raise TemplateError("line %d: unknown block type %s" % (block.line, block.kind))
    _check_unique(template)
    return template


def _need_labels(block, count):
    if len(block.labels) != count:
        raise TemplateError("line %d: a %s block needs %d label%s, found %d" % (
            block.line, block.kind, count, "" if count == 1 else "s", len(block.labels)))


def _check_unique(template):
    seen = set()
    for resource in template.resources:
        key = (resource["type"], resource["name"])
        if key in seen:
            raise TemplateError("duplicate resource %s.%s" % key)
        seen.add(key)


def _json_expression(value):
    if isinstance(value, str):
        return ("str", value)
    if value is None or isinstance(value, (bool, int, float)):
        return ("lit", value)
    return ("raw", json.dumps(value, sort_keys=True))


def _parse_json_template(text):
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise TemplateError("the template is not valid JSON: %s" % exc) from exc
    if not isinstance(document, dict):
        raise TemplateError("a JSON template must be an object")
    template = Template()
    for name, spec in (document.get("variable") or {}).items():
        # Terraform's JSON syntax allows a block as a one-element list.
        spec = spec[0] if isinstance(spec, list) and spec else spec
        spec = spec if isinstance(spec, dict) else {}
        validations = spec.get("validation") or []
        template.variables[name] = {
            "default": _json_expression(spec["default"]) if "default" in spec else None,
            "sensitive": spec.get("sensitive") is True,
            "declared": {k: _json_expression(v) for k, v in spec.items() if k != "validation"},
            "validations": [{k: _json_expression(v) for k, v in item.items()}
                            for item in (validations if isinstance(validations, list) else [validations]) if isinstance(item, dict)],
        }
    for rtype, named in (document.get("resource") or {}).items():
        if not isinstance(named, dict):
            raise TemplateError("resource.%s must be an object" % rtype)
        for name, spec in named.items():
            if not isinstance(spec, dict):
                raise TemplateError("resource.%s.%s must be an object" % (rtype, name))
            if "for_each" in spec:
                raise TemplateError("resource.%s.%s: for_each is not supported by the simulator (use count)" % (rtype, name))
            count = _json_expression(spec["count"]) if "count" in spec else None
            attributes = {k: _json_expression(v) for k, v in spec.items() if k not in META_ARGUMENTS}
            template.resources.append({"type": rtype, "name": name, "count": count, "attributes": attributes})
    for name, spec in (document.get("output") or {}).items():
        if not isinstance(spec, dict) or "value" not in spec:
            raise TemplateError("output %s has no value" % name)
        template.outputs[name] = {
            "value": _json_expression(spec["value"]),
            "description": _json_expression(spec.get("description")),
            "sensitive": spec.get("sensitive") is True,
        }
    _check_unique(template)
    return template


def parse_tfvars(text):
    """A ``.tfvars`` text as {name: value}; strings, numbers and bools typed, lists and maps as text."""
    if not text or not text.strip():
        return {}
    attributes, blocks = _Parser(text).body(top=True)
    if blocks:
        raise TemplateError("vars_body line %d: blocks are not allowed in a vars file" % blocks[0].line)
    values = {}
    for attribute in attributes:
        kind, value = parse_expression(attribute.text)
        if kind == "var":
            raise TemplateError("vars_body line %d: %s: variables cannot be used in a vars file" % (attribute.line, attribute.name))
        values[attribute.name] = value
    return values


def render(value):
    """The text the plan shows for a resolved value (None stays None)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def resolve(expression, variables, index=None):
    """Evaluate ``expression`` with the stack's variables (``index``: this instance's count.index)."""
    if expression is None:
        return None
    kind, value = expression
    if kind == "lit":
        return value
    if kind == "var":
        return variables[value]
    if kind == "raw":
        return VAR_IN_TEXT.sub(lambda m: render(variables[m.group(1)]) or "null", value)
    whole = INTERPOLATION.fullmatch(value)
    if whole:
        ref = whole.group(1)
        if VAR_REF.match(ref):
            return variables[VAR_REF.match(ref).group(1)]
        if ref == "count.index" and index is not None:
            return index

    def substitute(match):
        ref = match.group(1)
        if VAR_REF.match(ref):
            return render(variables[VAR_REF.match(ref).group(1)]) or ""
        if ref == "count.index" and index is not None:
            return str(index)
        return match.group(0)

    return INTERPOLATION.sub(substitute, value)


def desired_state(template, given):
    """{(type, name, index): {"type", "name", "index", "attributes": {name: text}}} for the template and vars.

    ``given`` holds the vars sent with the request; variables without a value take
    their default. Raises TemplateError the way Terraform's plan would fail.
    """
    variables = {}
    for name, spec in template.variables.items():
        if name in given:
            variables[name] = given[name]
        elif spec["default"] is not None:
            variables[name] = resolve(spec["default"], {})
    for name in sorted(template.references()):
        if name not in template.variables:
            raise TemplateError("Reference to undeclared input variable: var.%s is not declared in the template" % name)
    for name in sorted(template.variables):
        if name not in variables:
            raise TemplateError("No value for required variable: var.%s has no default and no value was given" % name)
    instances = {}
    for resource in template.resources:
        if resource["count"] is None:
            indexes = [None]
        else:
            count = resolve(resource["count"], variables)
            try:
                number = int(str(count).strip())
            except ValueError:
                raise TemplateError("%s.%s: count must be a whole number, got %r" % (resource["type"], resource["name"], count)) from None
            if number < 0:
                raise TemplateError("%s.%s: count must not be negative, got %d" % (resource["type"], resource["name"], number))
            indexes = list(range(number))
        for index in indexes:
            attributes = {name: render(resolve(expr, variables, index)) for name, expr in resource["attributes"].items()}
            key = (resource["type"], resource["name"], index)
            instances[key] = {"type": resource["type"], "name": resource["name"], "index": index, "attributes": attributes}
    return instances, variables
