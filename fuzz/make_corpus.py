"""Rebuild the fuzz seed corpus (fuzz/corpus/{policy,event,state}) from the repository's examples.

Run from the repository root: ``python fuzz/make_corpus.py``. The seeds are the bundled example
policies, the cookbook and diff policies, the hostile policies of the loader's golden tests, every
event of the bundled scenarios and of examples/diff/members.jsonl, the committed 0.1 state, and the
states those members reach (as of their last event, and advanced past an expiry). Files are
named after what they hold, so a change to the corpus is a readable diff.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

import memberkit

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
EXAMPLES = ROOT / "src" / "memberkit" / "examples"


def _policies() -> Iterator[tuple[str, bytes]]:
    for path in sorted(EXAMPLES.glob("*.yaml")):
        if not path.stem.endswith("_test"):
            yield f"example-{path.stem}.yaml", path.read_bytes()
    for path in sorted((ROOT / "docs" / "cookbook").glob("*.yaml")):
        yield f"cookbook-{path.stem}.yaml", path.read_bytes()
    for path in sorted((ROOT / "examples" / "diff").glob("*.yaml")):
        yield f"diff-{path.stem}.yaml", path.read_bytes()
    for path in sorted((ROOT / "tests" / "policy" / "golden").glob("*.yaml")):
        yield f"golden-{path.stem}.yaml", path.read_bytes()


def _json_ready(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    return value


def _scenario_members() -> Iterator[tuple[Path, str, list[dict[str, Any]]]]:
    """(policy file, member id, events) for every scenario and every diff member."""
    for path in sorted(EXAMPLES.glob("*_test.yaml")):
        policy = path.with_name(path.name.replace("_test", ""))
        doc = yaml.safe_load(path.read_text("utf-8"))
        for i, scenario in enumerate(doc.get("scenarios", [])):
            events = [_json_ready(e) for e in scenario.get("events", [])]
            yield policy, f"{path.stem}-{i}", events
    for line in (ROOT / "examples" / "diff" / "members.jsonl").read_text("utf-8").splitlines():
        member = json.loads(line)
        yield ROOT / "examples" / "diff" / "old.yaml", f"diff-{member['id']}", member["events"]


def _events() -> Iterator[tuple[str, bytes]]:
    seen: set[bytes] = set()
    for _, member_id, events in _scenario_members():
        for event in events:
            blob = json.dumps(event, ensure_ascii=False, sort_keys=True).encode()
            if blob not in seen:
                seen.add(blob)
                yield f"{member_id}-{event['type']}-{event['id']}.json", blob


def _states() -> Iterator[tuple[str, bytes]]:
    yield (
        "format1-retail.json",
        (ROOT / "tests/core/fixtures/state_format1_retail.json").read_bytes(),
    )
    zone = ZoneInfo("Asia/Shanghai")
    for policy_file, member_id, events in _scenario_members():
        if not events:
            continue
        policy = memberkit.load_policy(policy_file)
        parsed = memberkit.parse_events(events)
        joined = datetime.combine(min(e.at for e in parsed).date(), time(), zone)
        state = memberkit.replay(policy, memberkit.new_member(member_id, joined), parsed)
        yield f"{member_id}.json", memberkit.state_to_json(state).encode()
        # Advanced two years on: expiry and reviews ran, and the state keeps its base.
        assert state.clock is not None
        later, _ = memberkit.advance(policy, state, state.clock + timedelta(days=730))
        yield f"{member_id}-advanced.json", memberkit.state_to_json(later).encode()


def main() -> None:
    """Write every seed, replacing the previous corpus."""
    for target, seeds in (("policy", _policies()), ("event", _events()), ("state", _states())):
        folder = CORPUS / target
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for name, blob in seeds:
            (folder / name).write_bytes(blob)


if __name__ == "__main__":
    main()
