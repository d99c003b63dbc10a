"""Reading YAML that a person wrote, or that was made to do harm.

Every YAML file the tool reads (instances, appraisals) goes through :class:`StrictLoader`:

* **YAML 1.2 values.** PyYAML follows YAML 1.1, where ``1:40`` is the number 100
  (sexagesimal), ``yes``, ``no``, ``on`` and ``off`` are true and false, ``1_000`` is 1000 and
  ``010`` is 8. Here only ``true``/``false`` are yes-no values and only plain decimal numbers
  (``12``, ``-3.5``, ``4.2e6``) are numbers; anything else stays text, and a figure given as
  text is refused, naming the field.
* **Bounded aliases.** YAML's anchors and aliases (``&a``/``*a``, which some tools write for
  a repeated value) are accepted up to :data:`MAX_ALIASES`, so long as the file, written out
  in full, holds at most :data:`MAX_VALUES` values (an "alias bomb" of a few lines expands
  to billions) and no value contains itself (``x: &r [*r]``). Otherwise the file is
  refused, naming the line.
* **Bounded nesting.** More than :data:`MAX_DEPTH` levels of nesting is refused (an instance
  has four), before Python's own recursion limit is reached.

The characters are read and the syntax parsed by libyaml, PyYAML's C parser, when PyYAML was
built with it (a national instance of 300 localities: about 1.5 s instead of 7 s); the node
tree is still composed in Python, so the checks above run on every node either way. A file
the C parser refuses is read again by PyYAML's own parser, so a mistake is reported in the
same words, at the same line, whichever parser is present.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Protocol

import yaml
from yaml.composer import Composer, ComposerError
from yaml.constructor import SafeConstructor
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

MAX_DEPTH = 64
"""Deepest nesting of lists and mappings accepted; an instance uses four levels."""
MAX_ALIASES = 10_000
"""Most aliases (``*name``) in one file."""
MAX_VALUES = 20_000_000
"""Most values a file may hold once its aliases are written out (a national instance of 300
localities holds about a million)."""


class _Resolver(Resolver):
    """YAML 1.2 core schema: the implicit types a person means."""


_Resolver.yaml_implicit_resolvers = {}
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"))
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
               r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."))
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])


class _Checks(Composer):
    """The composer of PyYAML's safe loader with bounded aliases and bounded nesting."""

    def __init__(self) -> None:
        super().__init__()
        self._depth = 0
        self._aliases = 0
        self._nodes = 0
        """Nodes composed, aliases apart: the values in the file when it has no alias."""
        self._open: set[str] = set()
        """Anchors of the nodes being composed: an alias to one would make a loop."""

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            self._aliases += 1
            if event.anchor in self._open:
                raise ComposerError(None, None, f"an alias (*{event.anchor}) inside the value "
                                    "it names, a value containing itself", event.start_mark)
            if self._aliases > MAX_ALIASES:
                raise ComposerError(None, None, f"more than {MAX_ALIASES} aliases (*name)",
                                    event.start_mark)
            return super().compose_node(parent, index)
        self._depth += 1
        self._nodes += 1
        anchor = getattr(event, "anchor", None)
        if anchor:
            self._open.add(anchor)
        try:
            if self._depth > MAX_DEPTH:
                raise ComposerError(None, None, f"more than {MAX_DEPTH} levels of nesting",
                                    event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1
            self._open.discard(anchor)

    def get_single_node(self):
        root = super().get_single_node()
        if root is None:
            return root
        if (_expanded_size(root, {}) if self._aliases else self._nodes) > MAX_VALUES:
            said = "aliases expanding to more than" if self._aliases else "more than"
            raise ComposerError(None, None, f"{said} {MAX_VALUES:,} values", root.start_mark)
        return root


class StrictLoader(Reader, Scanner, Parser, _Checks, SafeConstructor, _Resolver):
    """PyYAML's safe loader (in Python) with YAML 1.2 values, bounded aliases and bounded
    nesting."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        _Checks.__init__(self)
        SafeConstructor.__init__(self)
        _Resolver.__init__(self)


def _expanded_size(node: yaml.Node, sizes: dict[int, int]) -> int:
    """Values in the document once every alias is written out (each node counted once per
    place it appears), computed without writing them out."""
    if id(node) not in sizes:
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        else:
            children = []
        sizes[id(node)] = 1 + sum(_expanded_size(child, sizes) for child in children)
    return sizes[id(node)]


def _decimal_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    return int(loader.construct_scalar(node))


StrictLoader.add_constructor("tag:yaml.org,2002:int", _decimal_int)

class _Loader(Protocol):
    def get_single_node(self) -> yaml.Node | None: ...
    def construct_document(self, node: yaml.Node) -> Any: ...
    def dispose(self) -> None: ...


LOADERS: list[Callable[[str], _Loader]] = [StrictLoader]
"""The loaders tried in turn, PyYAML's own (in Python) last: its data or error stands."""

if yaml.__with_libyaml__:
    from yaml._yaml import CParser

    class _FastLoader(_Checks, CParser, SafeConstructor, _Resolver):
        """:class:`StrictLoader` with the characters read and parsed by libyaml: the same
        events, so the same node tree, checks and data."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _Checks.__init__(self)
            SafeConstructor.__init__(self)
            _Resolver.__init__(self)

    _FastLoader.add_constructor("tag:yaml.org,2002:int", _decimal_int)
    LOADERS.insert(0, _FastLoader)


def load_with_nodes(text: str) -> tuple[yaml.Node | None, object]:
    """Parse once, keeping both the node tree (for line numbers) and the data built from it.
    yaml.YAMLError for bad syntax, an alias or too deep a nesting, with its place.

    libyaml parses when present; what it refuses is parsed again by PyYAML's own parser,
    whose data or error stands (the two agree on valid YAML; their words for an error
    differ)."""
    *first, last = LOADERS
    for loader in first:
        try:
            return _load(loader(text))
        except yaml.YAMLError:
            pass
    return _load(last(text))


def _load(loader: _Loader) -> tuple[yaml.Node | None, object]:
    try:
        root = loader.get_single_node()
        return root, None if root is None else loader.construct_document(root)
    finally:
        loader.dispose()
