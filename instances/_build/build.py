"""Write the shipped instances from the documents' figures.

    .venv/bin/python instances/_build/build.py          # rewrite every instance
    .venv/bin/python instances/_build/build.py default  # rewrite one

Each instance is a YAML file a person can read and edit by hand; this script only makes
sure the same figure is derived the same way everywhere. A test checks the files match it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import areas  # noqa: E402

INSTANCES = HERE.parent


class _Flow(dict):
    """A mapping written on one line ({value: ..., source: ...})."""


class _Dumper(yaml.SafeDumper):
    pass


def _flow(dumper: yaml.SafeDumper, data: _Flow):
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=True)


def _str(dumper: yaml.SafeDumper, data: str):
    style = '"' if (": " in data or "#" in data or data != data.strip()) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(_Flow, _flow)
_Dumper.add_representer(str, _str)


def _mark(obj):
    if isinstance(obj, dict):
        if set(obj) == {"value", "source"}:
            return _Flow(obj)
        return {k: _mark(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_mark(v) for v in obj]
    return obj


def dump(instance: dict, header: str) -> str:
    body = yaml.dump(_mark(instance), Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     width=100000, default_flow_style=False)
    lines = "".join(f"# {line}\n".replace("# \n", "#\n") for line in header.splitlines())
    return lines + body


def write(name: str) -> Path:
    instance, header, relative = areas.BUILDERS[name]()
    path = INSTANCES / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump(instance, header), encoding="utf-8")
    return path


def main(names: list[str]) -> None:
    for name in names or list(areas.BUILDERS):
        print(write(name).relative_to(INSTANCES.parent))


if __name__ == "__main__":
    main(sys.argv[1:])
