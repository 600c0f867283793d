"""The synthetic justice_education dataset: pupil records (NPD-like) and justice records
(PNC-like) with their own identifiers, linked with Splink (explorer.data.justice.build)."""
