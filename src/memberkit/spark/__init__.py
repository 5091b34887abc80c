"""memberkit on Spark: the nightly jobs where the data lives, with the answers of one machine.

Install with ``pip install 'memberkit[spark]'`` (pyspark, pandas, pyarrow) and a Java runtime.

- :func:`replay_members` replays each member's events (or brings yesterday's state forward) to
  the night's moment, and returns states with typed columns and errors as rows;
- :func:`programme_kpis_table` adds up every member's share of :func:`memberkit.programme_kpis`
  with Spark; :func:`kpi_rows` turns a single-machine result into the same table;
- :func:`audience_members` selects an audience's members, as :func:`memberkit.select_audience`.

See ``docs/spark.md``.
"""

from __future__ import annotations

try:
    import pandas  # noqa: F401 - checked here so the message names the extra
    import pyarrow  # noqa: F401
    import pyspark  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise ImportError(
        f"memberkit.spark needs pyspark, pandas and pyarrow ({exc.name} is missing): "
        "pip install 'memberkit[spark]'"
    ) from exc

from ._kpis import AUDIENCE_COLUMNS, KPI_COLUMNS, audience_members, kpi_rows, programme_kpis_table
from ._night import ERROR_COLUMNS, MEMBER_STATE_COLUMNS, Night, event_line, replay_members

__all__ = [
    "AUDIENCE_COLUMNS",
    "ERROR_COLUMNS",
    "KPI_COLUMNS",
    "MEMBER_STATE_COLUMNS",
    "Night",
    "audience_members",
    "event_line",
    "kpi_rows",
    "programme_kpis_table",
    "replay_members",
]
