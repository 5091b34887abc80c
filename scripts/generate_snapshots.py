"""Regenerate snapshots/<example>.json: each bundled example's decisions over the fixed grid.

Run after changing an example or the engine on purpose, then review the diff: it shows, member by
member and date by date, what the change does. tests/testing/test_snapshots.py fails until the
committed snapshots match a fresh run.
"""

from __future__ import annotations

import json
from pathlib import Path

from memberkit.policy import load_policy
from memberkit.testing._snapshots import snapshot

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "src" / "memberkit" / "examples"
SNAPSHOTS = ROOT / "snapshots"


def render(name: str) -> str:
    """The snapshot text of one example (stable: sorted keys, one trailing newline)."""
    policy = load_policy(EXAMPLES / f"{name}.yaml")
    data = snapshot(policy, name)
    return json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def examples() -> list[str]:
    """The bundled example programmes (every examples/*.yaml that is not a scenario file)."""
    return sorted(p.stem for p in EXAMPLES.glob("*.yaml") if not p.stem.endswith("_test"))


def main() -> None:
    """Write every example's snapshot."""
    SNAPSHOTS.mkdir(exist_ok=True)
    for name in examples():
        (SNAPSHOTS / f"{name}.json").write_text(render(name), encoding="utf-8")
        print(f"wrote snapshots/{name}.json")


if __name__ == "__main__":
    main()
