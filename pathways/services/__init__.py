"""Writes of pathways, by topic: `opening`, `orientation`, `transitions`,
`deadlines` and `followup`."""
