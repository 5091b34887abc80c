"""Regenerate tests/policy/golden/*.out: what `memberkit validate` says about each broken policy.

Run after changing a message on purpose, then review the diff: the goldens are the contract
policy authors see.
"""

from __future__ import annotations

from pathlib import Path

from memberkit import validate_policy

GOLDEN = Path(__file__).resolve().parent.parent / "tests" / "policy" / "golden"


def render(path: Path) -> str:
    """The issues for one golden policy, one per line, as the CLI prints them."""
    issues = validate_policy(path.read_bytes(), source=path.name)
    return "".join(f"{issue}\n" for issue in issues)


def main() -> None:
    for path in sorted(GOLDEN.glob("*.yaml")):
        path.with_suffix(".out").write_text(render(path), encoding="utf-8")
        print(f"wrote {path.with_suffix('.out').name}")


if __name__ == "__main__":
    main()
