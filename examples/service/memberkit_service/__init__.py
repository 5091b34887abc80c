"""An HTTP service embedding memberkit: member states in SQLite or PostgreSQL, optimistic writes.

``create_app(policy, database_url)`` builds the FastAPI application; ``Members`` is the same logic
without HTTP, for a worker or a message consumer; ``open_store(url)`` opens the storage.
"""

from .app import create_app
from .members import Applied, Members, TooMuchContention, UnknownMember
from .storage import (
    MemberExists,
    PostgresStore,
    SqliteStore,
    Store,
    StoredHistory,
    StoredState,
    open_store,
)

__all__ = [
    "Applied",
    "MemberExists",
    "Members",
    "PostgresStore",
    "SqliteStore",
    "Store",
    "StoredHistory",
    "StoredState",
    "TooMuchContention",
    "UnknownMember",
    "create_app",
    "open_store",
]
