"""Everything downstream of the warehouse: snapshots, releases, exports, shorthand, dictionary."""
