"""The SQLAlchemy dialect Great Expectations reads raw/ Parquet through: duckdb_engine's, with
no transactions.

Why: Great Expectations executes a metric query inside `with engine.connect()` and fetches the
rows after that block closes the connection. Closing rolls back the transaction SQLAlchemy
began, and a DuckDB rollback discards the connection's pending result, so every metric came
back empty. The checks only read (Parquet files through `read_parquet`), so no transaction is
needed: DuckDB's own autocommit is enough, and the pending result survives until fetched.

Great Expectations also knows no DuckDB dialect, and has no regex expectation for one it does
not know. duckdb_engine's dialect is PostgreSQL's (DuckDB parses PostgreSQL SQL), so this one
goes by PostgreSQL's name: Great Expectations then compiles a regex expectation to `~`, which
in DuckDB is a full match (the suites' patterns are anchored at both ends, so it is the same
test as pandas' search; quality.validate_batch checks that they are).
"""

from __future__ import annotations

from duckdb_engine import Dialect
from sqlalchemy.dialects import registry

DIALECT = "duckdb.readonly"
CONNECTION_STRING = "duckdb+readonly:///:memory:"


class ReadOnlyDuckDBDialect(Dialect):
    name = "postgresql"  # for Great Expectations: see the module docstring
    supports_statement_cache = True

    def do_begin(self, dbapi_connection) -> None:
        pass  # autocommit: each read is its own statement

    def do_rollback(self, dbapi_connection) -> None:
        pass  # nothing to roll back, and a rollback would drop the unfetched result


registry.register(DIALECT, __name__, ReadOnlyDuckDBDialect.__name__)
