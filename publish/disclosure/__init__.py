"""Disclosure control of the public release: the relations an outsider can derive from it
(relations.py) and the audit that bounds every suppressed cell with HiGHS (audit.py)."""
