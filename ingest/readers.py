"""Deprecated home of the record-level readers: they live in ingest.records.readers. Kept so
callers (synthetic/profiles.py) keep working while they move over."""

from ingest.records.readers import PROFILES_DIR, Profile, ReadResult, read_file

__all__ = ["PROFILES_DIR", "Profile", "ReadResult", "read_file"]
