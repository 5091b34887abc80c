"""A local Spark session for the Spark tests, or a skip that says what is missing.

``MEMBERKIT_REQUIRE_SPARK=1`` (set in CI) turns the skip into a failure, so a CI without pyspark
or Java cannot pass by skipping.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def _missing() -> str | None:
    """Why Spark cannot run here, or None."""
    for module in ("pyspark", "pandas", "pyarrow"):
        if importlib.util.find_spec(module) is None:
            return f"{module} is not installed (pip install -e '.[spark]')"
    java_home = os.environ.get("JAVA_HOME")
    if not (java_home and Path(java_home, "bin", "java").exists()) and not shutil.which("java"):
        return "no Java runtime (java on PATH or JAVA_HOME)"
    return None


@pytest.fixture(scope="module")
def spark_installed() -> None:
    """Skip (or fail, with ``MEMBERKIT_REQUIRE_SPARK=1``) unless pyspark and Java are here."""
    reason = _missing()
    if reason is not None:
        if os.environ.get("MEMBERKIT_REQUIRE_SPARK") == "1":
            pytest.fail(f"MEMBERKIT_REQUIRE_SPARK=1 but {reason}")
        pytest.skip(f"Spark tests need pyspark and Java: {reason}")


@pytest.fixture(scope="module")
def spark(spark_installed: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A ``local[2]`` session: small shuffles, no UI, a warehouse under the test's temp dir."""
    from pyspark.sql import SparkSession

    # The Python workers must be this interpreter (with memberkit installed), not "python3".
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    work = tmp_path_factory.mktemp("spark")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("memberkit-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.warehouse.dir", str(work / "warehouse"))
        .config("spark.local.dir", str(work / "local"))
        .config("spark.driver.extraJavaOptions", f"-Djava.io.tmpdir={work}")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()
